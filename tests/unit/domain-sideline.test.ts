import { describe, expect, it } from 'vitest';
import { evaluateDevices } from '../../server/src/domain/conditions.js';
import { emptyDepotLive, type DepotLive } from '../../server/src/domain/live-types.js';
import { NOTHING_SIDELINED, readinessWithSideline, type DepotSideline } from '../../server/src/domain/sideline.js';
import { buildSiteIndex } from '../../server/src/domain/site-index.js';
import { smallSite } from '../helpers/site.js';

const site = smallSite();
const index = buildSiteIndex(site);
const DAY = Date.UTC(2026, 10, 22, 3, 0); // 10:00 local, inside the door schedule

function live(sensors: Record<string, number>): DepotLive {
  const d = emptyDepotLive();
  for (const [id, value] of Object.entries(sensors)) d.sensors.set(id, { value, ts: DAY, receivedAt: DAY });
  for (const id of ['C1', 'C2', 'C3']) d.cameras.set(id, { health: { online: true }, ts: DAY, receivedAt: DAY });
  d.lastSeen = DAY;
  return d;
}
const smoky = () => live({ T1: 22, H1: 60, SM1: 1, DR1: 0, F1: 0 });
function readiness(d: DepotLive, sideline: DepotSideline) {
  const ev = evaluateDevices(index.sensorsOf('D1'), index.camerasOf('D1'), d, site.rules, DAY);
  return readinessWithSideline(ev.conditions, site.rules, { cameras: ev.cameras.length }, d.lastSeen !== null, sideline);
}

describe('readiness follows maintenance', () => {
  it('without anything set aside it is the plain readiness: smoke is not ready', () => {
    expect(readiness(smoky(), NOTHING_SIDELINED)).toMatchObject({ readiness: 'not_ready', reasons: [{ code: 'state_active' }] });
  });

  it('a sensor in maintenance no longer degrades its depot; the depot says so instead', () => {
    const r = readiness(smoky(), { depot: false, devices: [{ type: 'sensor', id: 'SM1', why: 'maintenance' }] });
    expect(r.readiness).toBe('ready');
    expect(r.reasons).toEqual([expect.objectContaining({
      code: 'in_maintenance', severity: 'warning', params: { scope: 'devices', n: 1, maintenance: 1, outOfService: 0, devices: 'SM1' },
      text: '1 devices in maintenance or out of service (SM1)',
    })]);
  });

  it('a device out of service is set aside too, and only that device: others still count', () => {
    const d = smoky();
    d.sensors.set('T1', { value: 80, ts: DAY, receivedAt: DAY }); // far above the high limit
    const r = readiness(d, { depot: false, devices: [{ type: 'sensor', id: 'SM1', why: 'out_of_service' }] });
    expect(r.readiness).not.toBe('ready');
    expect(r.reasons.map((x) => x.code)).toEqual(['threshold_high', 'in_maintenance']);
    expect(r.reasons[1]?.params).toMatchObject({ n: 1, maintenance: 0, outOfService: 1 });
  });

  it('a device of the same id but another type is not set aside', () => {
    const r = readiness(smoky(), { depot: false, devices: [{ type: 'camera', id: 'SM1', why: 'maintenance' }] });
    expect(r.readiness).toBe('not_ready');
  });

  it('a whole depot in maintenance is not assessed: unknown, with one reason saying why', () => {
    expect(readiness(smoky(), { depot: true, devices: [] })).toEqual({
      readiness: 'unknown', reasons: [{ code: 'in_maintenance', severity: 'warning', params: { scope: 'depot' }, text: 'depot in maintenance' }],
    });
  });

  it('a depot that never spoke stays "no data", even with a device in maintenance', () => {
    expect(readiness(emptyDepotLive(), { depot: false, devices: [{ type: 'sensor', id: 'SM1', why: 'maintenance' }] }))
      .toMatchObject({ readiness: 'unknown', reasons: [{ code: 'no_data' }] });
  });
});
