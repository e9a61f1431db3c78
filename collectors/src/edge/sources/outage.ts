import type { Logger } from '../../../../lib/logger.js';

/**
 * Logs a device's outages once each: a warning with the reason when it stops answering, an info line with
 * the duration when it answers again, nothing in between however many polls fail.
 */
export class OutageLog {
  private since: number | undefined;

  constructor(
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    /** what the edge does meanwhile, for the warning */
    private readonly meanwhile = 'nothing is published for it until it answers again',
  ) {}

  get down(): boolean {
    return this.since !== undefined;
  }

  failed(reason: string): void {
    if (this.since !== undefined) return;
    this.since = this.now();
    this.log.warn({ reason }, `device not answering; ${this.meanwhile}`);
  }

  ok(): void {
    if (this.since === undefined) return;
    this.log.info({ downS: Math.round((this.now() - this.since) / 1000) }, 'device answering again');
    this.since = undefined;
  }
}

/** the message of anything thrown, for a log line */
export function reasonOf(err: unknown): string {
  // some libraries (modbus-serial) throw plain objects shaped like errors
  const { message, code, errno } = (typeof err === 'object' && err !== null ? err : {}) as { message?: unknown; code?: unknown; errno?: unknown };
  const tag = typeof code === 'string' ? code : typeof errno === 'string' ? errno : undefined;
  if (typeof message !== 'string' || message === '') return tag ?? String(err);
  return tag && !message.includes(tag) ? `${message} (${tag})` : message;
}
