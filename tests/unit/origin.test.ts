import { describe, expect, it } from 'vitest';
import { isOwnOrigin } from '../../server/src/realtime/origin.js';
import { parseEnv } from '../../server/src/settings.js';

describe('a live connection only from the board’s own origin', () => {
  it('matches the Host header when no public origin is configured', () => {
    expect(isOwnOrigin('http://10.0.0.5:8080', '10.0.0.5:8080', [])).toBe(true);
    expect(isOwnOrigin('http://LOCALHOST:5173', 'localhost:5173', [])).toBe(true);
    expect(isOwnOrigin('http://evil.example', '10.0.0.5:8080', [])).toBe(false);
    // another port of the same host is another origin
    expect(isOwnOrigin('http://10.0.0.5:8081', '10.0.0.5:8080', [])).toBe(false);
    expect(isOwnOrigin('null', '10.0.0.5:8080', [])).toBe(false);
    expect(isOwnOrigin('file:///tmp/x.html', '10.0.0.5:8080', [])).toBe(false);
    expect(isOwnOrigin('http://10.0.0.5:8080', undefined, [])).toBe(false);
  });

  it('accepts exactly PUBLIC_ORIGIN when it is set (a proxy that rewrites Host; no DNS-rebinding name)', () => {
    const pub = parseEnv({ PUBLIC_ORIGIN: 'https://depotwatch.lan, https://wall.depotwatch.lan:8443/' }).PUBLIC_ORIGIN;
    expect(pub).toEqual(['https://depotwatch.lan', 'https://wall.depotwatch.lan:8443']);
    expect(isOwnOrigin('https://depotwatch.lan', '127.0.0.1:8080', pub)).toBe(true);
    expect(isOwnOrigin('https://wall.depotwatch.lan:8443', '127.0.0.1:8080', pub)).toBe(true);
    expect(isOwnOrigin('http://depotwatch.lan', 'depotwatch.lan', pub)).toBe(false);
    expect(isOwnOrigin('http://rebound.example', 'rebound.example', pub)).toBe(false);
    expect(() => parseEnv({ PUBLIC_ORIGIN: 'not a url' })).toThrow(/PUBLIC_ORIGIN/);
  });

  it('lets clients without an Origin through to token authentication (tools, tests)', () => {
    expect(isOwnOrigin(undefined, '127.0.0.1:8080', [])).toBe(true);
  });
});
