import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioClient, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../server/src/contracts/api.js';
import { smallSite } from '../helpers/site.js';
import { ADMIN_PASSWORD, startTestSystem, type TestSystem } from '../helpers/system.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Cross-site WebSocket hijacking (issue 6): a page on another origin, riding the officer's session
 * cookie or even holding a token, gets no snapshot and can act on nothing; a socket with only the
 * cookie is refused whatever its origin.
 */
describe('live sockets: own origin and auth.token only', () => {
  let t: TestSystem;
  let token: string;
  let cookie: string;
  const clients: Client[] = [];
  beforeAll(async () => {
    t = await startTestSystem({ site: smallSite() });
    await t.system.auth.createUser({ username: 'duty', password: 'duty-officer-password', role: 'officer', depots: null });
    const res = await fetch(`${t.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'duty', password: 'duty-officer-password' }) });
    token = ((await res.json()) as { token: string }).token;
    cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect(cookie).toMatch(/^dw_session=/);
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await t?.stop();
  });

  const open = (o: { token?: string; headers?: Record<string, string>; transport?: 'websocket' | 'polling' }): Client => {
    const c: Client = ioClient(t.base, {
      transports: [o.transport ?? 'websocket'], reconnection: false, extraHeaders: o.headers ?? {}, ...(o.token !== undefined ? { auth: { token: o.token } } : {}),
    });
    clients.push(c);
    return c;
  };

  /** what a client got: the error it was refused with, or that it connected; and whether a snapshot came (listened from the start) */
  function outcome(c: Client): Promise<{ error: string | null; snapshot: boolean; connected: boolean }> {
    let snapshot = false;
    c.on('live:snapshot', () => { snapshot = true; });
    const first = new Promise<string | null>((resolve) => {
      c.once('connect_error', (e) => resolve(e.message));
      c.once('live:snapshot', () => resolve(null));
    });
    // a refused client must not get a snapshot late either
    return first.then(async (error) => {
      await new Promise((r) => setTimeout(r, 200));
      return { error, snapshot, connected: c.connected };
    });
  }

  it('gives a same-origin client with a token its snapshot (the control case)', async () => {
    const r = await outcome(open({ token, headers: { origin: t.base } }));
    expect(r).toEqual({ error: null, snapshot: true, connected: true });
  });

  for (const transport of ['websocket', 'polling'] as const) {
    it(`refuses Origin: http://evil.example at the ${transport} handshake, with the session cookie and with a token`, async () => {
      const viaCookie = outcome(open({ transport, headers: { origin: 'http://evil.example', cookie } }));
      const viaToken = outcome(open({ transport, token, headers: { origin: 'http://evil.example', cookie } }));
      for (const r of await Promise.all([viaCookie, viaToken])) {
        expect(r.snapshot).toBe(false);
        expect(r.connected).toBe(false);
        expect(r.error).not.toBeNull();
      }
    });
  }

  it('refuses a page on another port of the same host', async () => {
    const other = new URL(t.base);
    other.port = String(Number(other.port) + 1);
    const r = await outcome(open({ token, headers: { origin: other.origin } }));
    expect(r.snapshot).toBe(false);
    expect(r.connected).toBe(false);
  });

  it('refuses a cookie-only socket, even from the board’s own origin', async () => {
    const r = await outcome(open({ headers: { origin: t.base, cookie } }));
    expect(r).toEqual({ error: 'unauthorized', snapshot: false, connected: false });
  });

  it('leaves the operator actions out of reach of a refused socket: nothing is acknowledged', async () => {
    await t.mqtt.publishAsync('depots/D1/sensors/SM1', JSON.stringify({ kind: 'smoke', value: 1 }), { qos: 1 });
    const admin = await t.login('admin', ADMIN_PASSWORD);
    let incident: { id: string; state: string } | undefined;
    for (let i = 0; i < 100 && !incident; i++) {
      incident = (await t.api<{ id: string; state: string }[]>('/api/incidents?state=open', admin)).body[0];
      if (!incident) await new Promise((r) => setTimeout(r, 50));
    }
    expect(incident).toBeDefined();
    const evil = open({ token, headers: { origin: 'http://evil.example', cookie } });
    // socket.io buffers emits until connected; a refused socket never connects, so the ack never comes
    const answered = await new Promise<boolean>((resolve) => {
      evil.timeout(1000).emit('incident:ack', { id: incident!.id, note: 'from evil.example' }, (err: Error | null) => resolve(!err));
    });
    expect(answered).toBe(false);
    const after = await t.api<{ state: string }>(`/api/incidents/${incident!.id}`, admin);
    expect(after.body.state).toBe('open');
  });
});
