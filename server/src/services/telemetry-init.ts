import { unreachableReason } from '../../../lib/net-errors.js';
import type { Logger } from '../adapters/logger.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';

/**
 * Prepares the telemetry store without making the server wait for it: an InfluxDB that is down at start is
 * one warning sentence, the board runs on live data, the writer keeps points queued (and retries them), and
 * init() is retried with backoff until the store answers, so its database gets created when it appears.
 */
export async function initTelemetryStore(store: TelemetryStore, opts: {
  logger: Logger;
  /** where the store is, for the sentence ("InfluxDB at http://influx:8086") */
  where: string;
  /** what the person can do about it */
  remedy: string;
  retry?: { initialMs: number; maxMs: number };
}): Promise<{ stop(): void }> {
  const { logger, where } = opts;
  const retry = opts.retry ?? { initialMs: 1000, maxMs: 30_000 };
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let delay = retry.initialMs;

  const attempt = async (): Promise<boolean> => {
    try {
      await store.init();
      return true;
    } catch (err) {
      if (stopped) return false;
      return (logger.debug({ err: err instanceof Error ? err.message : String(err) }, 'telemetry store init failed; retrying'), false);
    }
  };
  const again = () => {
    timer = setTimeout(() => {
      void attempt().then((ok) => {
        if (ok) logger.info(`${where} answers again: telemetry is being stored`);
        else if (!stopped) { delay = Math.min(retry.maxMs, delay * 2); again(); }
      });
    }, delay);
    timer.unref();
  };

  try {
    await store.init();
  } catch (err) {
    const reason = unreachableReason(err) ?? (err instanceof Error ? err.message : String(err));
    logger.warn(`${where} cannot be reached (${reason}): DepotWatch keeps running and retries; `
      + `telemetry waits in the on-disk queue until it answers. ${opts.remedy}`);
    again();
  }
  return { stop: () => { stopped = true; clearTimeout(timer); } };
}
