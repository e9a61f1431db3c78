import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../server/src/contracts/alarms.js';
import { smallSite } from '../helpers/site.js';
import { ADMIN_PASSWORD, startTestSystem, type TestSystem } from '../helpers/system.js';

/**
 * Login throttling per account across addresses and per address across accounts, without an audit
 * flood and without a trivial lock-out of the real user. Addresses come from X-Forwarded-For, which
 * the server honours from a loopback proxy (as the test is).
 */
describe('login throttling', () => {
  let t: TestSystem;
  let admin: string;
  beforeAll(async () => {
    t = await startTestSystem({ site: smallSite() });
    await t.system.auth.createUser({ username: 'duty', password: 'duty-officer-password', role: 'officer', depots: null });
    admin = await t.login();
  });
  afterAll(() => t?.stop());

  const login = (username: string, password: string, address: string) =>
    fetch(`${t.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address }, body: JSON.stringify({ username, password }) });
  const audit = async (action: string, target: string) =>
    (await t.api<AuditEntry[]>(`/api/audit?limit=1000&action=${action}`, admin)).body.filter((a) => a.target === target);

  it('shuts an account guessed at from many addresses at new addresses only, with one audit row', async () => {
    expect((await login('duty', 'duty-officer-password', '10.0.0.1')).status).toBe(200); // the officer's own PC
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await login('DUTY', `guess-${i}`, `10.1.0.${i + 1}`)).status);
    expect(statuses).toEqual(Array(20).fill(401));
    // the 21st address is refused without its password being checked, even the right one
    const refused = await login('duty', 'duty-officer-password', '10.1.0.99');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: string }).error).toBe('rate_limited');
    for (let i = 0; i < 30; i++) expect((await login('duty', `guess-more-${i}`, `10.1.1.${i + 1}`)).status).toBe(429);
    // the real officer, at the address they use, is not locked out
    expect((await login('duty', 'duty-officer-password', '10.0.0.1')).status).toBe(200);

    expect(await audit('login.failed', 'user:duty')).toHaveLength(0); // failed rows keep the name as typed
    expect(await audit('login.failed', 'user:DUTY')).toHaveLength(20);
    const limited = await audit('login.rate_limited', 'user:duty');
    expect(limited).toHaveLength(1);
    expect(limited[0]?.detail).toMatchObject({ scope: 'account', ip: '10.1.0.99' });
  });

  it('shuts an address that sprays many accounts, with one audit row, leaving other addresses alone', async () => {
    const spray = '10.2.0.7';
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await login(`someone-${i}`, 'Summer2026-password', spray)).status);
    expect(statuses).toEqual(Array(30).fill(401));
    expect((await login('admin', ADMIN_PASSWORD, spray)).status).toBe(429);
    for (let i = 0; i < 40; i++) expect((await login(`more-${i}`, 'Summer2026-password', spray)).status).toBe(429);
    expect((await login('admin', ADMIN_PASSWORD, '10.2.0.8')).status).toBe(200);

    const rows = (await t.api<AuditEntry[]>('/api/audit?limit=1000&action=login.rate_limited', admin)).body.filter((a) => (a.detail as { ip?: string } | null)?.ip === spray);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.detail).toMatchObject({ scope: 'address' });
    // 30 failed logins were written, none of the 41 refused ones
    const failed = (await t.api<AuditEntry[]>('/api/audit?limit=1000&action=login.failed', admin)).body.filter((a) => (a.detail as { ip?: string } | null)?.ip === spray);
    expect(failed).toHaveLength(30);
  });

  it('counts wrong current passwords in a password change like failed logins', async () => {
    await t.system.auth.createUser({ username: 'eng', password: 'engineer-password-1', role: 'engineer', depots: null });
    const res = await login('eng', 'engineer-password-1', '10.3.0.1');
    const token = ((await res.json()) as { token: string }).token;
    const change = (currentPassword: string) =>
      fetch(`${t.base}/api/auth/password`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-forwarded-for': '10.3.0.1' }, body: JSON.stringify({ currentPassword, newPassword: 'a-new-engineer-password' }) });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await change(`wrong-${i}`)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(400));
    expect(statuses[10]).toBe(429);
  });
});
