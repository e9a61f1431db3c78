import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The one root logger; components take `logger.child({ component: 'ingest' })` from their caller.
 * JSON lines to stdout in production; LOG_LEVEL tunes it; tests pass `silent`.
 */
export function createLogger(level: string = 'info'): Logger {
  return pino({ level, base: { app: 'depotwatch' }, timestamp: pino.stdTimeFunctions.isoTime });
}

export const silentLogger: Logger = pino({ level: 'silent' });
