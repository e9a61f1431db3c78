import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkOutage } from '../../server/src/contracts/alarms.js';
import { smallSite } from '../helpers/site.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';

/**
 * SPEC §3 "occurred while the link was down", as the depot view reads it: a collector replays its spool (every
 * object flagged hist), reports an empty spool, and GET /api/depots/{id}/link-outages tells what happened, in
 * the depot's scope only.
 */
describe('link outages of a depot', () => {
  let t: TestSystem;
  let admin: string;
  beforeAll(async () => {
    t = await startTestSystem({ site: smallSite() });
    admin = await t.login();
    await t.system.auth.createUser({ username: 'guard-d1', password: 'guard-password-d1', role: 'guard', depots: ['D1'] });
    await t.system.auth.createUser({ username: 'guard-d2', password: 'guard-password-d2', role: 'guard', depots: ['D2'] });
  });
  afterAll(async () => { await t?.stop(); });

  it('summarises a replay: the door open during the cut and the temperature extremes', async () => {
    const t0 = Date.now() - 3600_000;
    const min = 60_000;
    await t.mqtt.publishAsync('depots/D1/sensors/DR1', JSON.stringify([
      { ts: t0, kind: 'door', value: 0, hist: true },
      { ts: t0 + 4 * min, kind: 'door', value: 1, hist: true },
      { ts: t0 + 6 * min, kind: 'door', value: 0, hist: true },
    ]), { qos: 1 });
    await t.mqtt.publishAsync('depots/D1/sensors/T1', JSON.stringify([
      { ts: t0, kind: 'temperature', value: 21.4, unit: 'C', hist: true },
      { ts: t0 + 5 * min, kind: 'temperature', value: 23, unit: 'C', hist: true },
    ]), { qos: 1 });
    await t.mqtt.publishAsync('depots/D1/collector/status', JSON.stringify({ state: 'online', ts: Date.now(), spooled: 0 }), { qos: 1, retain: true });
    let outages: LinkOutage[] = [];
    const deadline = Date.now() + 10_000;
    while (outages.length === 0 && Date.now() < deadline) {
      outages = (await t.api<{ items: LinkOutage[] }>('/api/depots/D1/link-outages', admin)).body.items;
      if (outages.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(outages).toHaveLength(1);
    const [o] = outages;
    expect(o).toMatchObject({ depot: 'D1', from: t0, to: t0 + 6 * min, readings: 5, devices: 2 });
    expect(o?.events).toEqual([{ code: 'state_active', params: { device: 'DR1', kind: 'door', zone: 'A' }, from: t0 + 4 * min, to: t0 + 6 * min }]);
    expect(o?.measurements).toContainEqual(expect.objectContaining({ device: 'T1', kind: 'temperature', min: 21.4, max: 23 }));

    const guardD1 = await t.login('guard-d1', 'guard-password-d1');
    expect((await t.api<{ items: LinkOutage[] }>('/api/depots/D1/link-outages', guardD1)).body.items).toHaveLength(1);
  });

  it('hides another depot\'s outages from a guard (404, as for the depot itself) and refuses a bad limit', async () => {
    const guardD2 = await t.login('guard-d2', 'guard-password-d2');
    expect((await t.api('/api/depots/D1/link-outages', guardD2)).status).toBe(404);
    expect((await t.api('/api/depots/NOPE/link-outages', admin)).status).toBe(404);
    const bad = await t.api<{ fields: { path: string }[] }>('/api/depots/D1/link-outages?limit=0', admin);
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f) => f.path)).toEqual(['limit']);
    expect((await t.api('/api/depots/D1/link-outages', 'not-a-token')).status).toBe(401);
  });
});
