import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DepotSummary, Snapshot } from '../../server/src/contracts/api.js';
import { smallSite } from '../helpers/site.js';
import { ADMIN_PASSWORD, startTestSystem, type TestSystem } from '../helpers/system.js';

describe('HTTP surface and authentication', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({ site: smallSite() });
    await t.system.auth.createUser({ username: 'guard1', password: 'guard-password-1', role: 'guard', depots: ['D2'] });
  });
  afterAll(() => t?.stop());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('serves /healthz and /readyz without a login, with security headers', async () => {
    const res = await fetch(`${t.base}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const ready = await fetch(`${t.base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { broker: { ok: true }, telemetry: { ok: true }, state: { ok: true } } });
  });

  it('refuses /api without a session and with a forged token', async () => {
    expect((await fetch(`${t.base}/api/depots`)).status).toBe(401);
    expect((await fetch(`${t.base}/api/depots`, { headers: { authorization: 'Bearer forged' } })).status).toBe(401);
  });

  it('answers a login with bad fields with 400 naming the field', async () => {
    const res = await post('/api/auth/login', { username: 'admin' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { fields: { path: string }[] };
    expect(body.fields.map((f) => f.path)).toEqual(['password']);
    const notJson = await post('/api/auth/login', '{"username":');
    expect(notJson.status).toBe(400);
  });

  it('logs in with a cookie and a token; the cookie needs the CSRF token to change state', async () => {
    const res = await post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; csrfToken: string; user: { role: string } };
    expect(body.user.role).toBe('admin');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/dw_session=.*HttpOnly.*SameSite=Strict/i);
    const sessionCookie = cookie.split(';')[0] as string;
    expect((await fetch(`${t.base}/api/depots`, { headers: { cookie: sessionCookie } })).status).toBe(200);
    expect((await post('/api/auth/logout', {}, { cookie: sessionCookie })).status).toBe(403);
    expect((await post('/api/auth/logout', {}, { cookie: sessionCookie, 'x-csrf-token': body.csrfToken })).status).toBe(204);
    expect((await fetch(`${t.base}/api/depots`, { headers: { cookie: sessionCookie } })).status).toBe(401);
  });

  it('scopes a guard to their depots on REST and Socket.IO', async () => {
    const token = await t.login('guard1', 'guard-password-1');
    const list = await t.api<DepotSummary[]>('/api/depots', token);
    expect(list.body.map((d) => d.id)).toEqual(['D2']);
    expect((await t.api('/api/depots/D1', token)).status).toBe(404);
    expect((await t.api('/api/depots/D1/history?sensor=T1', token)).status).toBe(404);
    expect((await t.api('/api/discovered', token)).status).toBe(403);
    const sock = t.socket(token);
    const snap = await new Promise<Snapshot>((r) => sock.once('live:snapshot', r));
    expect(snap.depots.map((d) => d.id)).toEqual(['D2']);
    expect(snap.regions.map((r) => r.id)).toEqual(['R2']);
  });

  it('gives a Socket.IO client without a valid token nothing but an error', async () => {
    for (const token of [undefined, 'forged']) {
      const sock = t.socket(token);
      let snapshot = false;
      sock.on('live:snapshot', () => { snapshot = true; });
      const err = await new Promise<Error>((r) => sock.once('connect_error', r));
      expect(err.message).toBe('unauthorized');
      expect(snapshot).toBe(false);
    }
  });

  it('validates history queries with a 400 that names the field', async () => {
    const token = await t.login();
    const res = await t.api<{ fields: { path: string }[] }>('/api/depots/D1/history?sensor=T1&range=2y', token);
    expect(res.status).toBe(400);
    expect(res.body.fields[0]?.path).toBe('range');
    expect((await t.api('/api/depots/D1/history', token)).status).toBe(400);
    expect((await t.api('/api/depots/D1/history?sensor=NOPE', token)).status).toBe(404);
    expect((await t.api('/api/nothing-here', token)).status).toBe(404);
  });

  it('rate-limits failed logins per address and username', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await post('/api/auth/login', { username: 'guard1', password: `wrong-${i}` })).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    // another username from the same address is not locked out
    expect((await post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).status).toBe(200);
  });
});
