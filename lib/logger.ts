import { pino, type Logger } from 'pino';
import { build as prettyStream } from 'pino-pretty';
import type { LogFormat } from './env.js';

export type { Logger };
export type { LogFormat };

/**
 * Fields that never reach a log line, at the top level and one object down (pino's `redact`):
 * passwords, tokens, Authorization headers and cookies, wherever a caller puts them.
 */
export const REDACT_PATHS: readonly string[] = [
  'password', 'token', 'authorization', 'cookie', 'csrfToken', 'passwordHash',
  '*.password', '*.token', '*.authorization', '*.cookie', '*.csrfToken', '*.passwordHash',
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', 'res.headers["set-cookie"]',
];

/**
 * The one root logger; components take `logger.child({ component: 'ingest' })` from their caller.
 * JSON lines to stdout for files, journald and log collectors; pino-pretty for a person at a terminal
 * (the caller decides which: LOG_FORMAT, else whether stdout is a TTY). LOG_LEVEL tunes it; tests pass `silent`.
 */
export function createLogger(level: string = 'info', format: LogFormat = 'json', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level, base: { app: 'depotwatch' }, timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
  };
  if (destination) return pino(options, destination);
  if (format === 'json') return pino(options);
  // in-process and synchronous: the last lines before an exit are not lost in a worker thread
  return pino(options, prettyStream({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,app', singleLine: true }));
}

export const silentLogger: Logger = pino({ level: 'silent' });

/** A URL fit for a log line: `mqtt://user:secret@host:1883` becomes `mqtt://host:1883`. */
export function withoutCredentials(url: string): string;
export function withoutCredentials(url: string | undefined): string | undefined;
export function withoutCredentials(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    // not a URL we can parse: say nothing rather than risk printing a secret
    return '[unparseable url]';
  }
}
