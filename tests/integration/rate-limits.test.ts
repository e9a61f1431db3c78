import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionResult } from '../../server/src/contracts/alarms.js';
import { isRateLimited, type RateLimitedReply, type Snapshot } from '../../server/src/contracts/api.js';
import { REST_ACTION_LIMIT } from '../../server/src/http/action-limit.js';
import { SOCKET_EVENT_LIMITS } from '../../server/src/realtime/event-limits.js';
import { smallSite } from '../helpers/site.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';

/** Budgets per socket (actions, live:resync) and per user (REST changes): a typed refusal, never a crash. */
describe('rate limits on socket events and REST actions', () => {
  let t: TestSystem;
  let officer: string;
  let guard: string;
  beforeAll(async () => {
    t = await startTestSystem({ site: smallSite() });
    await t.system.auth.createUser({ username: 'duty', password: 'duty-officer-password', role: 'officer', depots: null });
    await t.system.auth.createUser({ username: 'guard-d1', password: 'guard-d1-password', role: 'guard', depots: ['D1'] });
    officer = await t.login('duty', 'duty-officer-password');
    guard = await t.login('guard-d1', 'guard-d1-password');
  });
  afterAll(() => t?.stop());

  const joined = async (token: string) => {
    const s = t.socket(token);
    await new Promise((r) => s.once('live:snapshot', r));
    return s;
  };

  it('answers socket actions over the socket’s budget with rate_limited, and only on that socket', async () => {
    const sock = await joined(officer);
    const { points } = SOCKET_EVENT_LIMITS.action;
    // malformed and unknown requests count too: the budget is for asking, not for succeeding
    const replies = await Promise.all(Array.from({ length: points + 5 }, (_, i) =>
      sock.timeout(5000).emitWithAck(i % 2 ? 'incident:ack' : 'alarm:shelve', { id: `NOPE-${i}`, note: 'x' } as never) as Promise<ActionResult<unknown>>));
    const limited = replies.filter((r) => !r.ok && r.error === 'rate_limited');
    expect(limited).toHaveLength(5);
    expect(replies.slice(0, points).every((r) => !r.ok && r.status !== 429)).toBe(true);
    expect(limited[0]).toMatchObject({ ok: false, status: 429 });
    expect((limited[0] as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    expect(sock.connected).toBe(true);
    // another socket has its own budget
    const other = await joined(officer);
    const r = (await other.timeout(5000).emitWithAck('incident:ack', { id: 'NOPE', note: 'x' })) as ActionResult<unknown>;
    expect(r).toMatchObject({ ok: false, status: 404 });
  });

  it('answers live:resync over budget with rate_limited instead of another snapshot', async () => {
    const sock = await joined(guard);
    const { points } = SOCKET_EVENT_LIMITS.resync;
    const replies: (Snapshot | RateLimitedReply)[] = [];
    for (let i = 0; i < points + 2; i++) replies.push(await sock.timeout(5000).emitWithAck('live:resync'));
    expect(replies.slice(0, points).every((r) => !isRateLimited(r) && r.depots.length === 1)).toBe(true);
    expect(replies.slice(points).map((r) => isRateLimited(r) && r.status)).toEqual([429, 429]);
  });

  it('refuses REST changes over a user’s budget with 429 rate_limited; reads and other users go on', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < REST_ACTION_LIMIT.limit + 2; i++) {
      statuses.push((await t.api(`/api/incidents/NOPE-${i}/ack`, officer, { method: 'POST', body: JSON.stringify({ note: 'x' }) })).status);
    }
    expect(statuses.slice(0, REST_ACTION_LIMIT.limit).every((s) => s === 404)).toBe(true);
    const over = await t.api<{ error: string }>('/api/incidents/NOPE/ack', officer, { method: 'POST', body: JSON.stringify({ note: 'x' }) });
    expect(over.status).toBe(429);
    expect(over.body.error).toBe('rate_limited');
    expect(statuses.slice(REST_ACTION_LIMIT.limit)).toEqual([429, 429]);
    expect((await t.api('/api/depots', officer)).status).toBe(200);
    expect((await t.api('/api/incidents/NOPE/ack', guard, { method: 'POST', body: JSON.stringify({ note: 'x' }) })).status).toBe(404);
    expect((await fetch(`${t.base}/healthz`)).status).toBe(200);
  });
});
