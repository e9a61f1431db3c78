import { pino, type Logger } from 'pino';
import { build as prettyStream } from 'pino-pretty';
import type { LogFormat } from './env.js';

export type { Logger };
export type { LogFormat };

/**
 * The one root logger; components take `logger.child({ component: 'ingest' })` from their caller.
 * JSON lines to stdout for files, journald and log collectors; pino-pretty for a person at a terminal
 * (the caller decides which: LOG_FORMAT, else whether stdout is a TTY). LOG_LEVEL tunes it; tests pass `silent`.
 */
export function createLogger(level: string = 'info', format: LogFormat = 'json'): Logger {
  const options = { level, base: { app: 'depotwatch' }, timestamp: pino.stdTimeFunctions.isoTime };
  if (format === 'json') return pino(options);
  // in-process and synchronous: the last lines before an exit are not lost in a worker thread
  return pino(options, prettyStream({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,app', singleLine: true }));
}

export const silentLogger: Logger = pino({ level: 'silent' });
