import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DepotDetail } from '../../server/src/contracts/api.js';
import { smallSite } from '../helpers/site.js';
import { startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';

/** Bad input gets a reason, a count and nothing else: the server stays healthy and keeps ingesting. */
describe('hostile MQTT payloads', () => {
  let t: TestSystem;
  let token: string;
  beforeAll(async () => {
    t = await startTestSystem({ site: smallSite() });
    token = await t.login();
  });
  afterAll(() => t?.stop());

  const metric = async (name: string, labels: Record<string, string>) => {
    const text = await (await fetch(`${t.base}/metrics`)).text();
    const sel = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && sel.every((s) => l.includes(s)));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it('rejects each kind of bad message with its reason, counted per depot', async () => {
    const now = Date.now();
    const cases: [string, string | Buffer, string][] = [
      ['depots/D1/sensors/T1', 'this is not json', 'not_json'],
      ['depots/D1/sensors/T1', '{"kind":"temperature","value":1e999}', 'non_finite'],
      ['depots/D1/sensors/T1', '{"kind":"temperature","value":"NaN"}', 'bad_schema'],
      ['depots/D1/sensors/T1', Buffer.alloc(70_000, 'a'), 'too_large'],
      ['depots/D1/sensors/T1', `{"kind":"temperature","value":1,"ts":${now + 3600_000}}`, 'future_ts'],
      ['depots/D1/sensors/T1', '{"kind":"smoke","value":1}', 'kind_mismatch'],
      ['depots/D1/sensors/bad id!', '{"kind":"temperature","value":1}', 'bad_id'],
      ['depots/D1/whatever/T1', '{"kind":"temperature","value":1}', 'bad_topic'],
    ];
    const before = await Promise.all(cases.map(([, , reason]) => metric('depotwatch_ingest_rejected_total', { reason, depot: 'D1' })));
    for (const [topic, payload] of cases) await t.mqtt.publishAsync(topic, payload, { qos: 1 });
    for (const [i, [, , reason]] of cases.entries()) {
      if (reason === 'bad_topic') continue; // no depot can be read from a bad topic shape: counted below as unknown
      await waitFor(async () => (await metric('depotwatch_ingest_rejected_total', { reason, depot: 'D1' })) === (before[i] ?? 0) + 1, 5000, `rejection ${reason}`);
    }
    await waitFor(async () => (await metric('depotwatch_ingest_rejected_total', { reason: 'bad_topic', depot: 'unknown' })) >= 1, 5000, 'bad_topic counted');
    // the collector's own tally, as an engineer sees it on the depot
    // (the depot's summary is rebuilt at the next live tick, after the counters above)
    await waitFor(async () => (await t.api<DepotDetail>('/api/depots/D1', token)).body.collector.rejected >= 7, 5000, 'the depot\'s tally of 7 rejections');
    const d1 = (await t.api<DepotDetail>('/api/depots/D1', token)).body;
    // nothing of it reached storage or the live state
    expect(await t.system.store.count({ measurement: 'sensor', depot: 'D1', from: 0, to: now + 7200_000 })).toBe(0);
    expect(d1.sensors.find((s) => s.id === 'T1')?.value).toBeNull();
  });

  it('__proto__ in a payload pollutes nothing and the message is still usable', async () => {
    await t.mqtt.publishAsync('depots/D1/sensors/H1', '{"kind":"humidity","value":55,"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}', { qos: 1 });
    await waitFor(async () => (await t.api<DepotDetail>('/api/depots/D1', token)).body.sensors.find((s) => s.id === 'H1')?.value === 55);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('stays healthy and keeps ingesting after a burst of garbage', async () => {
    await Promise.all(Array.from({ length: 500 }, (_, i) => t.mqtt.publishAsync(`depots/D${i % 3}/sensors/T1`, i % 2 ? '{' : '[1,2,3]', { qos: 0 })));
    await t.mqtt.publishAsync('depots/D1/sensors/T1', JSON.stringify({ kind: 'temperature', value: 24.2 }), { qos: 1 });
    await waitFor(async () => (await t.api<DepotDetail>('/api/depots/D1', token)).body.sensors.find((s) => s.id === 'T1')?.value === 24.2, 10_000, 'valid message after garbage');
    expect((await fetch(`${t.base}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.base}/readyz`)).status).toBe(200);
  });
});
