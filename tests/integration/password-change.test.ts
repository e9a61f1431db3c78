import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../server/src/contracts/alarms.js';
import type { LoginResponse, MeResponse, Snapshot } from '../../server/src/contracts/api.js';
import { smallSite } from '../helpers/site.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';

/**
 * The first start's generated admin password must be changed at the first login (issue 6): until
 * then that session may only change it, see /me and log out; its sockets are refused. Then the
 * board works as usual with the same session. Every account's password meets the policy.
 */
describe('first login: change the generated password', () => {
  let t: TestSystem;
  let generated: string;
  beforeAll(async () => {
    t = await startTestSystem({ site: smallSite(), env: { ADMIN_PASSWORD: '' } });
    generated = t.system.generatedAdminPassword as string;
    expect(generated.length).toBeGreaterThanOrEqual(15);
  });
  afterAll(() => t?.stop());

  const login = async (username: string, password: string) => {
    const res = await fetch(`${t.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    return { status: res.status, body: (await res.json()) as LoginResponse };
  };
  const change = (token: string, currentPassword: string, newPassword: string) =>
    t.api<{ error?: string; message?: string } & Partial<MeResponse>>('/api/auth/password', token, { method: 'POST', body: JSON.stringify({ currentPassword, newPassword }) });

  it('lets the first session only change the password, see who it is and log out', async () => {
    const { status, body } = await login('admin', generated);
    expect(status).toBe(200);
    expect(body.user).toMatchObject({ username: 'admin', role: 'admin', mustChangePassword: true });
    const token = body.token;

    for (const path of ['/api/depots', '/api/users', '/api/audit', '/api/regions']) {
      const r = await t.api<{ error: string }>(path, token);
      expect([path, r.status, r.body.error]).toEqual([path, 403, 'password_change_required']);
    }
    const create = await t.api<{ error: string }>('/api/users', token, { method: 'POST', body: JSON.stringify({ username: 'x1', password: 'a-long-enough-password', role: 'officer' }) });
    expect(create.status).toBe(403);
    expect((await t.api<MeResponse>('/api/auth/me', token)).body.mustChangePassword).toBe(true);

    const sock = t.socket(token);
    let snapshot = false;
    sock.on('live:snapshot', () => { snapshot = true; });
    expect((await new Promise<Error>((r) => sock.once('connect_error', r))).message).toBe('password_change_required');
    expect(snapshot).toBe(false);

    // the new password is held to the policy; the current one must be right
    expect((await change(token, 'not-the-current-password', 'a-brand-new-long-password')).body.error).toBe('wrong_password');
    expect((await change(token, generated, 'short')).body).toMatchObject({ error: 'password_too_short', message: 'newPassword: must be at least 15 characters (has 5)' });
    expect((await change(token, generated, 'PasswordPassword')).body.error).toBe('password_common');
    expect((await change(token, generated, generated)).body.error).toBe('password_unchanged');

    const ok = await change(token, generated, 'kho đạn K101 trực đêm');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ username: 'admin', mustChangePassword: false });
    // the same session now works everywhere, live included
    expect((await t.api('/api/depots', token)).status).toBe(200);
    const live = t.socket(token);
    const snap = await new Promise<Snapshot>((r) => live.once('live:snapshot', r));
    expect(snap.depots.length).toBe(2);

    expect((await login('admin', generated)).status).toBe(401);
    const again = await login('admin', 'kho đạn K101 trực đêm');
    expect(again.body.user.mustChangePassword).toBe(false);
    const audit = (await t.api<AuditEntry[]>('/api/audit?action=user.password_changed', again.body.token)).body;
    expect(audit.map((a) => a.actor)).toEqual(['admin']);
  });

  it('holds accounts an admin creates to the policy and, by default, to a change at first login', async () => {
    const admin = (await login('admin', 'kho đạn K101 trực đêm')).body.token;
    const mk = (body: Record<string, unknown>) => t.api<{ error: string; message: string }>('/api/users', admin, { method: 'POST', body: JSON.stringify(body) });
    expect((await mk({ username: 'g1', password: 'short-pw', role: 'guard', depots: ['D1'] })).body.error).toBe('password_too_short');
    expect((await mk({ username: 'g1', password: 'QWERTY123456789', role: 'guard', depots: ['D1'] })).body.error).toBe('password_common');
    expect((await mk({ username: 'g1', password: 'guard-d1-password', role: 'guard', depots: ['D1'] })).status).toBe(201);
    expect((await mk({ username: 'g2', password: 'guard-d2-password', role: 'guard', depots: ['D2'], mustChangePassword: false })).status).toBe(201);
    expect((await login('g1', 'guard-d1-password')).body.user.mustChangePassword).toBe(true);
    expect((await login('g2', 'guard-d2-password')).body.user.mustChangePassword).toBe(false);
  });

  it('ends the account’s other sessions and sockets when its password changes', async () => {
    await t.system.auth.createUser({ username: 'duty', password: 'duty-officer-password', role: 'officer', depots: null });
    const a = (await login('duty', 'duty-officer-password')).body.token;
    const b = (await login('duty', 'duty-officer-password')).body.token;
    const sockB = t.socket(b);
    await new Promise((r) => sockB.once('live:snapshot', r));
    const expired = new Promise<boolean>((r) => sockB.once('session:expired', () => r(true)));
    expect((await change(a, 'duty-officer-password', 'a-new-duty-password')).status).toBe(200);
    expect(await expired).toBe(true);
    expect((await t.api('/api/auth/me', b)).status).toBe(401);
    expect((await t.api('/api/auth/me', a)).status).toBe(200);
  });
});
