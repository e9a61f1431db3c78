import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, Snapshot } from '../../server/src/contracts/api.js';
import { smallSite } from '../helpers/site.js';
import { FakeClock, startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const H = 3600_000;

/**
 * Sessions end after idleness and after an absolute lifetime, and an open socket ends with its
 * session (SPEC §7), on a fake clock: people 12 h idle / 24 h in all, a display 24 h without its
 * screen on / 30 days in all. Sockets are re-checked every 50 ms here (30 s in production).
 */
describe('session lifetimes close live sockets', () => {
  const clock = new FakeClock(Date.UTC(2026, 11, 1, 6, 0));
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({ site: smallSite(), clock, sessionCheckMs: 50 });
    await t.system.auth.createUser({ username: 'duty', password: 'duty-officer-password', role: 'officer', depots: null });
    await t.system.auth.createUser({ username: 'wall', password: 'wall-display-password', role: 'display', depots: null });
  });
  afterAll(() => t?.stop());

  async function live(token: string): Promise<{ sock: Client; events: string[] }> {
    const sock = t.socket(token);
    const events: string[] = [];
    sock.on('session:expired', () => events.push('session:expired'));
    sock.on('disconnect', (reason) => events.push(`disconnect:${reason}`));
    await new Promise<Snapshot>((r) => sock.once('live:snapshot', r));
    return { sock, events };
  }
  /** a few re-check periods of real time, for a socket that must stay open */
  const settle = () => new Promise((r) => setTimeout(r, 250));
  const me = (token: string) => t.api('/api/auth/me', token).then((r) => r.status);

  it('closes an officer’s socket with session:expired after 12 h without use, though the socket stayed open', async () => {
    const token = await t.login('duty', 'duty-officer-password');
    const { sock, events } = await live(token);
    clock.advance(11 * H);
    await settle();
    expect(sock.connected).toBe(true); // an open socket is not use; 11 h idle is still inside the limit
    clock.advance(1 * H + 60_000);
    await waitFor(() => events.includes('session:expired'), 5000, 'session:expired');
    await waitFor(() => !sock.connected, 5000, 'the socket closed');
    expect(events).toContain('disconnect:io server disconnect');
    expect(await me(token)).toBe(401);
  });

  it('ends a busy officer’s session 24 h after the login, however recent the last request', async () => {
    const token = await t.login('duty', 'duty-officer-password');
    for (let i = 0; i < 3; i++) {
      clock.advance(7 * H);
      expect(await me(token)).toBe(200); // in use: the idle clock restarts
    }
    const { sock, events } = await live(token); // 21 h after the login
    clock.advance(2 * H);
    await settle();
    expect(sock.connected).toBe(true);
    clock.advance(1 * H + 60_000); // 24 h + 1 min after the login, 3 h after the last use
    await waitFor(() => events.includes('session:expired'), 5000, 'session:expired');
    expect(await me(token)).toBe(401);
    // signing in again starts a new session
    expect(await me(await t.login('duty', 'duty-officer-password'))).toBe(200);
  });

  it('refuses an action on a socket whose session ended before the next re-check', async () => {
    const token = await t.login('duty', 'duty-officer-password');
    const { sock } = await live(token);
    clock.advance(25 * H);
    const r = await sock.timeout(2000).emitWithAck('incident:ack', { id: 'INC-none', note: 'late' }).catch(() => null);
    // either the re-check closed it first (no answer) or the action itself found the session over
    if (r) expect(r).toMatchObject({ ok: false, status: 401, error: 'session_expired' });
    await waitFor(() => !sock.connected, 5000, 'the socket closed');
  });

  it('keeps a display signed in while its screen is on, 30 days at most', async () => {
    const token = await t.login('wall', 'wall-display-password');
    const { sock, events } = await live(token);
    let elapsed = 0;
    // 20 h steps: each more than half the idle limit, so only the open socket keeps it alive
    while (elapsed + 20 * H < 30 * 24 * H) {
      clock.advance(20 * H);
      elapsed += 20 * H;
      expect(t.system.app.sockets.recheckSessions()).toBe(0);
      expect(sock.connected).toBe(true);
    }
    clock.advance(30 * 24 * H - elapsed + 60_000);
    await waitFor(() => events.includes('session:expired'), 5000, 'session:expired');
    expect(await me(token)).toBe(401);
  });

  it('ends a display’s session 24 h after its screen went dark', async () => {
    const token = await t.login('wall', 'wall-display-password');
    const { sock } = await live(token);
    sock.disconnect();
    clock.advance(23 * H);
    expect(await me(token)).toBe(200);
    const { events } = await live(token);
    await settle();
    expect(events).toEqual([]);
    // dark again: the last use is the reconnect above
    t.system.app.sockets.disconnectSession(t.system.auth.authenticate(token)!.tokenHash);
    clock.advance(24 * H + 60_000);
    expect(await me(token)).toBe(401);
  });
});
