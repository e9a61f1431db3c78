import { describe, expect, it } from 'vitest';
import { evaluateDevices } from '../../server/src/domain/conditions.js';
import { emptyDepotLive, type DepotLive } from '../../server/src/domain/live-types.js';
import { depotReadiness, regionSummary, summarise } from '../../server/src/domain/readiness.js';
import { isWithinSchedule } from '../../server/src/contracts/schedule.js';
import { buildSiteIndex } from '../../server/src/domain/site-index.js';
import { smallSite } from '../helpers/site.js';

const site = smallSite();
const index = buildSiteIndex(site);
// 10:00 local (UTC+7) = 03:00 UTC: inside the store's 07:30-17:00 door schedule
const DAY = Date.UTC(2026, 10, 22, 3, 0);
const NIGHT = Date.UTC(2026, 10, 22, 16, 0); // 23:00 local

function liveWith(now: number, sensors: Record<string, number>, cameras: Record<string, { online: boolean; recording?: boolean; tamper?: boolean }> = {}): DepotLive {
  const d = emptyDepotLive();
  for (const [id, value] of Object.entries(sensors)) d.sensors.set(id, { value, ts: now, receivedAt: now });
  for (const [id, health] of Object.entries(cameras)) d.cameras.set(id, { health, ts: now, receivedAt: now });
  d.lastSeen = now;
  return d;
}
const healthy = (now: number) => liveWith(now, { T1: 22, H1: 60, SM1: 0, DR1: 0, F1: 0 }, { C1: { online: true }, C2: { online: true }, C3: { online: true } });
const evalD1 = (live: DepotLive, now: number) => evaluateDevices(index.sensorsOf('D1'), index.camerasOf('D1'), live, site.rules, now);
const readinessOf = (live: DepotLive, now: number) => {
  const ev = evalD1(live, now);
  return depotReadiness(ev.conditions, site.rules, { cameras: ev.cameras.length }, live.lastSeen !== null);
};

describe('readiness of a depot', () => {
  it('is ready when every device reports normal values', () => {
    expect(readinessOf(healthy(DAY), DAY)).toEqual({ readiness: 'ready', reasons: [] });
  });

  it('is unknown, with a reason, before anything was received', () => {
    expect(readinessOf(emptyDepotLive(), DAY)).toMatchObject({ readiness: 'unknown', reasons: [{ code: 'no_data' }] });
  });

  it('smoke makes the depot not ready (critical)', () => {
    const live = healthy(DAY);
    live.sensors.set('SM1', { value: 1, ts: DAY, receivedAt: DAY });
    const r = readinessOf(live, DAY);
    expect(r.readiness).toBe('not_ready');
    expect(r.reasons[0]).toMatchObject({ code: 'state_active', severity: 'critical', text: 'smoke in Store A (SM1)' });
  });

  it('ammunition store humidity above 75 %RH degrades the depot and says so', () => {
    const live = healthy(DAY);
    live.sensors.set('H1', { value: 83, ts: DAY, receivedAt: DAY });
    const r = readinessOf(live, DAY);
    expect(r.readiness).toBe('degraded');
    expect(r.reasons[0]?.text).toBe('Store A humidity 83 %RH (above 75)');
  });

  it('holds a threshold condition inside its deadband and clears below it', () => {
    const live = healthy(DAY);
    live.sensors.set('T1', { value: 30.5, ts: DAY, receivedAt: DAY });
    const first = evalD1(live, DAY);
    expect(first.activeThresholds.has('ammo-temp-high:T1')).toBe(true);
    live.activeThresholds = first.activeThresholds;
    live.sensors.set('T1', { value: 29.5, ts: DAY, receivedAt: DAY }); // below 30, inside the 1 °C deadband
    const held = evalD1(live, DAY);
    expect(held.conditions.map((c) => c.key)).toContain('ammo-temp-high:T1');
    live.activeThresholds = held.activeThresholds;
    live.sensors.set('T1', { value: 28.9, ts: DAY, receivedAt: DAY });
    expect(evalD1(live, DAY).conditions).toEqual([]);
  });

  it('does not raise at 29.5 °C when the condition was not active (deadband only holds)', () => {
    const live = healthy(DAY);
    live.sensors.set('T1', { value: 29.5, ts: DAY, receivedAt: DAY });
    expect(evalD1(live, DAY).conditions).toEqual([]);
  });

  it('a door open inside its schedule is normal, outside it is critical', () => {
    const day = healthy(DAY);
    day.sensors.set('DR1', { value: 1, ts: DAY, receivedAt: DAY });
    expect(readinessOf(day, DAY).readiness).toBe('ready');
    const night = healthy(NIGHT);
    night.sensors.set('DR1', { value: 1, ts: NIGHT, receivedAt: NIGHT });
    expect(readinessOf(night, NIGHT)).toMatchObject({ readiness: 'not_ready', reasons: [{ code: 'door_outside_schedule' }] });
  });

  it('counts offline cameras into one reason: "2 of 3 cameras offline"', () => {
    const live = healthy(DAY);
    live.cameras.set('C2', { health: { online: false }, ts: DAY, receivedAt: DAY });
    live.cameras.set('C3', { health: { online: false }, ts: DAY, receivedAt: DAY });
    const r = readinessOf(live, DAY);
    expect(r.readiness).toBe('degraded');
    expect(r.reasons.map((x) => x.text)).toEqual(['2 of 3 cameras offline']);
  });

  it('flags a camera that is online but not recording, and tamper', () => {
    const live = healthy(DAY);
    live.cameras.set('C1', { health: { online: true, recording: false, tamper: true }, ts: DAY, receivedAt: DAY });
    const codes = evalD1(live, DAY).conditions.map((c) => c.code).sort();
    expect(codes).toEqual(['camera_tamper', 'cameras_not_recording']);
  });

  it('marks a silent sensor "not reporting" after staleFactor × interval, not before', () => {
    const live = healthy(DAY);
    expect(evalD1(live, DAY + 30_000).sensors.find((s) => s.id === 'T1')?.status).toBe('normal');
    const later = evalD1(live, DAY + 30_001);
    expect(later.sensors.find((s) => s.id === 'T1')?.status).toBe('not_reporting');
    expect(summarise(later.conditions, { cameras: 3 }).map((r) => r.text)).toContain('8 devices not reporting');
  });

  it('a device never heard since start, in a depot that talks, is not reporting after the same grace', () => {
    const live = liveWith(DAY, { T1: 22 });
    const started = DAY;
    const soon = evaluateDevices(index.sensorsOf('D1'), index.camerasOf('D1'), live, site.rules, DAY + 30_000, started);
    expect(soon.sensors.find((s) => s.id === 'H1')?.status).toBe('unknown');
    const later = evaluateDevices(index.sensorsOf('D1'), index.camerasOf('D1'), live, site.rules, DAY + 30_001, started);
    expect(later.sensors.find((s) => s.id === 'H1')?.status).toBe('not_reporting');
    expect(later.cameras.find((c) => c.id === 'C1')?.status).toBe('not_reporting');
    // a depot that has said nothing at all stays unknown, not "every device silent"
    expect(evaluateDevices(index.sensorsOf('D1'), index.camerasOf('D1'), emptyDepotLive(), site.rules, DAY + 3600_000, started).conditions).toEqual([]);
  });

  it('when the collector is offline, says so once instead of listing every silent device', () => {
    const live = healthy(DAY);
    live.collector = { state: 'offline', ts: DAY, receivedAt: DAY, since: DAY, spooled: 0 };
    const r = readinessOf(live, DAY + 12 * 60_000);
    expect(r.readiness).toBe('degraded');
    expect(r.reasons.map((x) => x.text)).toEqual(['collector offline 12 min']);
  });

  it('a zone limit overrides the rule: fuel tank temperature limit 33 instead of 35', () => {
    const t1 = index.sensor('D2', 'T1');
    expect(t1?.high).toBe(33);
    const g1 = index.sensor('D2', 'G1');
    expect(g1?.thresholds.map((t) => t.high)).toEqual([10, 20]);
    expect(g1?.high).toBe(10);
  });

  it('gas at 25 %LEL is both major and critical; critical wins', () => {
    const live = liveWith(DAY, { G1: 25, T1: 25 });
    const ev = evaluateDevices(index.sensorsOf('D2'), index.camerasOf('D2'), live, site.rules, DAY);
    expect(ev.conditions.map((c) => c.severity).sort()).toEqual(['critical', 'major']);
    expect(depotReadiness(ev.conditions, site.rules, { cameras: 0 }, true).readiness).toBe('not_ready');
  });
});

describe('region roll-up', () => {
  it('takes the worst depot and counts each level', () => {
    const r = regionSummary({ id: 'R1', name: 'R' }, [{ id: 'a', readiness: 'ready' }, { id: 'b', readiness: 'degraded' }, { id: 'c', readiness: 'unknown' }]);
    expect(r.readiness).toBe('degraded');
    expect(r.counts).toEqual({ ready: 1, degraded: 1, not_ready: 0, unknown: 1 });
    expect(regionSummary({ id: 'R', name: 'R' }, []).readiness).toBe('unknown');
  });
});

describe('door schedules', () => {
  const at = (h: number, m = 0) => Date.UTC(2026, 0, 1, h, m) - 7 * 3600_000; // local UTC+7
  it('handles plain and midnight-crossing ranges', () => {
    expect(isWithinSchedule(['07:30-17:00'], at(7, 29), 420)).toBe(false);
    expect(isWithinSchedule(['07:30-17:00'], at(7, 30), 420)).toBe(true);
    expect(isWithinSchedule(['07:30-17:00'], at(17, 0), 420)).toBe(false);
    expect(isWithinSchedule(['22:00-06:00'], at(23), 420)).toBe(true);
    expect(isWithinSchedule(['22:00-06:00'], at(5, 59), 420)).toBe(true);
    expect(isWithinSchedule(['22:00-06:00'], at(12), 420)).toBe(false);
    expect(isWithinSchedule(undefined, at(3), 420)).toBe(true);
  });
});
