import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DepotDetail } from '../../server/src/contracts/api.js';
import { smallSite } from '../helpers/site.js';
import { FakeClock, startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';

/**
 * Through MQTT and the real system: when everything arrives late (the centre or its broker behind),
 * /metrics says by how much, and the devices heard late are not "not reporting". The fake-clock cases
 * (a device that stops during the backlog, a site gone quiet) are in tests/unit/delivery-lag.test.ts.
 */
describe('delivery lateness', () => {
  let t: TestSystem;
  let token: string;
  const clock = new FakeClock();
  beforeAll(async () => {
    t = await startTestSystem({ site: smallSite(), clock });
    token = await t.login();
  });
  afterAll(() => t?.stop());

  const lateness = async () => Number(/^depotwatch_delivery_lateness_seconds (\S+)/m.exec(await (await fetch(`${t.base}/metrics`)).text())?.[1] ?? NaN);
  const D1 = [['T1', 'temperature', 24], ['H1', 'humidity', 60], ['SM1', 'smoke', 0], ['F1', 'fence', 0]] as const;
  const D2 = [['T1', 'temperature', 24], ['G1', 'gas', 0]] as const;
  /** every sensor of `depot`, each reading sent `age` ms before the (fake) clock's now */
  const send = (depot: string, sensors: typeof D1 | typeof D2, age: number) => Promise.all(sensors.map(([id, kind, value]) =>
    t.mqtt.publishAsync(`depots/${depot}/sensors/${id}`, JSON.stringify({ ts: clock.now() - age, kind, value }), { qos: 1 })));
  /** D2 as the live state has it after a tick at the (fake) clock's now: no wait for the next timer tick */
  const d2now = async () => { t.system.live.tick(); return d2(); };
  const d2 = async () => (await t.api<DepotDetail>('/api/depots/D2', token)).body.sensors.map((s) => [s.id, s.status, s.ts]).sort();

  it('a centre falling behind: /metrics says by how much, and the devices it hears late are not "not reporting"', async () => {
    const t0 = clock.now();
    await send('D1', D1, 0);
    await send('D2', D2, 0);
    await waitFor(async () => (await d2()).every(([, status]) => status === 'normal'), 5000, 'D2 normal');
    expect(await lateness()).toBe(0);
    // 50 s on, D2's next come 10 s late; 30 s after that D1's come 40 s late: the centre is falling behind
    clock.advance(50_000);
    await send('D2', D2, 10_000);
    await waitFor(async () => (await d2()).every(([, , ts]) => ts === t0 + 40_000), 5000, 'D2 read at 40 s');
    clock.advance(30_000);
    await send('D1', D1, 40_000);
    await waitFor(async () => (await t.api<DepotDetail>('/api/depots/D1', token)).body.sensors.filter((s) => s.ts === t0 + 40_000).length === D1.length, 5000, 'D1 read at 40 s');
    expect(await lateness()).toBe(40);
    clock.advance(5000);
    // D2's readings came 35 s ago (> 3 × 10 s on the centre's clock), but the site has delivered only what was
    // sent up to 45 s, 5 s after them: they are as fresh as anything
    expect(await d2now()).toEqual([['G1', 'normal', t0 + 40_000], ['T1', 'normal', t0 + 40_000]]);
    // nothing more: once the site's own time (now − 40 s) passes 70 s, 30 s after D2's, D2 is not reporting
    clock.advance(26_000);
    expect((await d2now()).map(([id, status]) => [id, status])).toEqual([['G1', 'not_reporting'], ['T1', 'not_reporting']]);
    // a minute with nothing at all from anywhere: cut off, not behind, and the centre's clock alone
    clock.advance(30_000);
    expect(await lateness()).toBe(0);
  });
});
