import { describe, expect, it } from 'vitest';
import { createDeliveryLag, MAX_CREDITED_LATENESS_MS, silentFor } from '../../server/src/domain/delivery-lag.js';
import { buildSiteIndex } from '../../server/src/domain/site-index.js';
import { createLiveState } from '../../server/src/services/live-state.js';
import type { SensorKind } from '../../server/src/contracts/telemetry.js';
import { FakeClock } from '../helpers/system.js';
import { smallSite } from '../helpers/site.js';

/**
 * A centre that falls behind must not call its devices silent (the 2026-12-02 wall soak: 6,934 "not
 * reporting" alarms from a starved centre, for devices that never stopped), while a device that does
 * stop, or a depot that goes quiet, is still reported. Fake clock throughout.
 */
const T0 = Date.UTC(2026, 11, 2, 6, 0, 0);

describe('delivery lag (domain/delivery-lag.ts)', () => {
  it('is 0 for messages on time, whatever each device\'s clock offset', () => {
    const lag = createDeliveryLag();
    for (let t = 0; t < 120_000; t += 1000) {
      const at = T0 + t;
      lag.note('slow-clock', at - 20_000, at); // a device whose clock is 20 s behind
      lag.note('fast-clock', at + 15_000, at + 3); // one 15 s ahead, with 3 ms of network
      expect(lag.lateness(at + 3)).toBe(0);
    }
  });

  it('is what a backlog adds to every device, and one device\'s late message is not the depot late', () => {
    const lag = createDeliveryLag();
    for (let t = 0; t < 10_000; t += 1000) { lag.note('a', T0 + t, T0 + t); lag.note('b', T0 + t, T0 + t); }
    // one message of b, 20 s late, among a's on time: b's own lateness, not the depot's
    expect(lag.note('b', T0 + 10_000 - 20_000, T0 + 10_000)).toBe(20_000);
    lag.note('a', T0 + 10_000, T0 + 10_000);
    expect(lag.lateness(T0 + 10_000)).toBe(0);
    // then everything arrives 45 s late: after a bucket, the depot is 45 s late
    for (let t = 11_000; t < 20_000; t += 500) { lag.note('a', T0 + t - 45_000, T0 + t); lag.note('b', T0 + t - 45_000, T0 + t); }
    expect(lag.lateness(T0 + 20_000)).toBe(45_000);
    // nothing more arrives from anywhere: held for a minute, then 0 (cut off, not behind: the centre's clock)
    expect(lag.lateness(T0 + 79_000)).toBe(45_000);
    expect(lag.lateness(T0 + 80_000)).toBe(0);
  });

  it('credits at most ten minutes: a centre further behind is broken, not late', () => {
    const lag = createDeliveryLag();
    lag.note('a', T0, T0);
    for (let t = 1000; t < 8000; t += 1000) lag.note('a', T0 + t - 3_600_000, T0 + t);
    expect(lag.lateness(T0 + 8000)).toBe(MAX_CREDITED_LATENESS_MS);
  });

  it('silence: on time it is the centre\'s clock; late, never more than it', () => {
    expect(silentFor(T0 + 25_000, T0, 0, 0)).toBe(25_000);
    // a reading that came 20 s late while its depot is on time: not judged older than received
    expect(silentFor(T0 + 25_000, T0, 20_000, 0)).toBe(25_000);
    // the depot now 40 s late, the reading was 10 s late when it came: 40 − 10 s of credit
    expect(silentFor(T0 + 35_000, T0, 10_000, 40_000)).toBe(5_000);
  });
});

describe('live state when the centre falls behind', () => {
  const site = smallSite();
  const index = buildSiteIndex(site);
  // D2: G1 and T1 (temperature), every 10 s; not reporting after 3 × 10 s of silence
  const DEPOT = 'D2';
  const D1_SENSORS: [string, SensorKind][] = [['T1', 'temperature'], ['H1', 'humidity'], ['SM1', 'smoke'], ['DR1', 'door'], ['F1', 'fence']];

  /**
   * On time for the first minute; from then on the centre takes in a quarter of what is sent: a message
   * sent `s` ms after T0 (s > 60 s) arrives at T0 + 60 s + 4 (s − 60 s), each sensor's next one 40 s after
   * the last, beyond the 30 s staleness window (as in the soak, where the centre fell 30 s and more behind).
   * `stopT1At`: D2/T1's last message; `siteSilentAfter`: nothing is sent after it (device time).
   */
  function run(opts: { stopT1At?: number; siteSilentAfter?: number; horizonMs: number }) {
    const clock = new FakeClock(T0);
    const live = createLiveState({ index: () => index, clock });
    const arrivals: { depot: string; at: number; sensorId: string; kind: SensorKind; ts: number }[] = [];
    const arrival = (s: number) => T0 + (s <= 60_000 ? s : 60_000 + 4 * (s - 60_000));
    for (let s = 0; s <= (opts.siteSilentAfter ?? 180_000); s += 10_000) {
      if (opts.stopT1At === undefined || s <= opts.stopT1At) arrivals.push({ depot: DEPOT, at: arrival(s), sensorId: 'T1', kind: 'temperature', ts: T0 + s });
      arrivals.push({ depot: DEPOT, at: arrival(s + 5000), sensorId: 'G1', kind: 'gas', ts: T0 + s + 5000 });
      // the rest of the site (D1's five sensors), late alike: the same centre takes them in
      D1_SENSORS.forEach(([sensorId, kind], i) => arrivals.push({ depot: 'D1', at: arrival(s + 1000 + 1500 * i), sensorId, kind, ts: T0 + s + 1000 + 1500 * i }));
    }
    arrivals.sort((a, b) => a.at - b.at);
    const notReporting = new Map<string, number>(); // sensor → first time seen not reporting
    const told: number[] = []; // each lateness a batch told the boards (s)
    let next = 0;
    for (let now = T0; now <= T0 + opts.horizonMs; now += 250) {
      clock.advance(now - clock.now());
      while (next < arrivals.length && arrivals[next]!.at <= now) {
        const a = arrivals[next++]!;
        live.apply({ type: 'sensor', depotId: a.depot, sensorId: a.sensorId, kind: a.kind, value: a.kind === 'temperature' ? 24 : a.kind === 'humidity' ? 60 : 0, ts: a.ts }, now);
      }
      const { batch, evaluated } = live.tick();
      if (batch.delivery) told.push(batch.delivery.lateS);
      for (const e of evaluated) {
        if (e.depot !== DEPOT) continue;
        for (const c of e.conditions) if (c.code === 'not_reporting' && !notReporting.has(c.device.id)) notReporting.set(c.device.id, now);
      }
    }
    return { notReporting, told, snapshot: live.snapshot(() => true), lastArrival: arrivals.at(-1)!.at };
  }

  it('does not call devices silent that are only late: 8 minutes of a growing backlog, no "not reporting"', () => {
    const { notReporting, told, snapshot, lastArrival } = run({ horizonMs: 568_000 });
    expect(lastArrival - T0).toBe(568_000); // D1/F1's, sent at 187 s, 381 s late
    expect([...notReporting.keys()]).toEqual([]);
    // boards were told as it grew, in steps of 5 s, only when it moved a step (not every tick); a snapshot says it too
    expect(told[0]).toBe(5);
    expect(told.every((v, i) => v % 5 === 0 && (i === 0 || v > told[i - 1]!))).toBe(true);
    expect(told.length).toBeLessThan(568_000 / 250 / 10);
    expect(told.at(-1)).toBe(380);
    expect(snapshot.delivery).toEqual({ lateS: 380 });
  });

  it('still reports a device that stopped while the centre was behind, once the site moved on 30 s past it', () => {
    const { notReporting } = run({ stopT1At: 120_000, horizonMs: 568_000 });
    expect([...notReporting.keys()]).toEqual(['T1']);
    // T1's last (sent at 120 s) arrived at 300 s: on the centre's clock it is silent from 330 s. What arrives
    // at 420 s was sent at 150 s (60 + 360 / 4), 30 s after T1's last: reported by then. Earlier is possible:
    // between two arrivals the site is taken to move on at the clock's pace (never sooner than at 330 s)
    const at = notReporting.get('T1')! - T0;
    expect(at).toBeGreaterThan(330_250);
    expect(at).toBeLessThanOrEqual(420_000);
  });

  it('reports the devices once nothing at all arrives, about as soon as the centre\'s clock would', () => {
    const { notReporting, told, lastArrival } = run({ siteSilentAfter: 150_000, horizonMs: 568_000 });
    expect(lastArrival - T0).toBe(448_000);
    expect(told.at(-1)).toBe(0); // a minute with nothing: cut off, not behind
    // D2/G1's last arrived at 440 s, T1's at 420 s: on the centre's clock they would be "not reporting" at
    // 470 s and 450 s; net of the lateness they had when they came, a few seconds later
    expect(notReporting.get('G1')! - T0).toBeGreaterThan(470_000);
    expect(notReporting.get('G1')! - T0).toBeLessThanOrEqual(480_000);
    expect(notReporting.get('T1')! - T0).toBeLessThanOrEqual(notReporting.get('G1')! - T0);
  });
});
