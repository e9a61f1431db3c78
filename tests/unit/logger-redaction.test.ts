import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, withoutCredentials } from '../../lib/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _enc, cb) { lines.push(chunk.toString()); cb(); } });
  return { logger: createLogger('info', 'json', stream), text: () => lines.join('') };
}

describe('secrets stay out of the logs', () => {
  it('redacts passwords, tokens, authorization headers and cookies at the top level and one level down', () => {
    const { logger, text } = capture();
    logger.info({ password: 'hunter2-secret-pw', token: 'tok-secret-1', user: { password: 'nested-secret-pw', name: 'duty' } }, 'login');
    logger.info({ req: { headers: { authorization: 'Bearer tok-secret-2', cookie: 'dw_session=tok-secret-3' } } }, 'request');
    logger.child({ component: 'auth' }).warn({ headers: { authorization: 'Bearer tok-secret-4' } }, 'child');
    const out = text();
    for (const secret of ['hunter2-secret-pw', 'tok-secret-1', 'nested-secret-pw', 'tok-secret-2', 'tok-secret-3', 'tok-secret-4']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
    expect(out).toContain('"name":"duty"');
  });

  it('logs a broker URL without its credentials', () => {
    expect(withoutCredentials('mqtt://depotwatch:s3cret-pass@broker.lan:1883')).toBe('mqtt://broker.lan:1883');
    expect(withoutCredentials('mqtts://user@broker:8883/')).toBe('mqtts://broker:8883/');
    expect(withoutCredentials('mqtt://127.0.0.1:1883')).toBe('mqtt://127.0.0.1:1883');
    expect(withoutCredentials('not a url with:secret@')).toBe('[unparseable url]');
    expect(withoutCredentials(undefined)).toBeUndefined();
  });
});
