import { describe, expect, it } from 'vitest';
import type { AlarmView } from '../../server/src/contracts/alarms.js';
import type { DepotDetail, LiveBatch, RegionSummary, SensorView, Snapshot } from '../../server/src/contracts/api.js';
import { alarmReason, deviceSeverities, unackedAlarms } from '../../web/src/lib/transforms/alarms.js';
import { translate } from '../../web/src/lib/i18n/index.js';
import { formatAge, formatDuration, formatMinutes } from '../../web/src/lib/transforms/format.js';
import { gaugeFor } from '../../web/src/lib/transforms/gauge.js';
import { gapThreshold, toChartSeries } from '../../web/src/lib/transforms/history.js';
import { tileGrid, wideTiles } from '../../web/src/lib/transforms/layout.js';
import { applyBatch, fromSnapshot, mergeById } from '../../web/src/lib/transforms/live-state.js';
import { buildMapModel } from '../../web/src/lib/transforms/map-model.js';
import { parseHash, routeHref } from '../../web/src/lib/transforms/route.js';

const sensor = (id: string, value: number): SensorView => ({ id, kind: 'temperature', zone: 'A', unit: 'C', value, ts: 1, status: 'normal', high: 30 });
const depot = (id: string, lat = 21, lon = 105, region = 'R1'): DepotDetail => ({
  id, name: `Kho ${id}`, region, type: 'ammunition', position: { lat, lon }, readiness: 'ready', reasons: [],
  counts: { sensors: 2, sensorsAlarm: 0, sensorsStale: 0, cameras: 0, camerasOnline: 0 },
  collector: { state: 'online', ts: 1, spooled: 0, rejected: 0 }, lastSeen: 1,
  zones: [{ id: 'A', name: 'Kho A', type: 'ammunition_store' }], sensors: [sensor('T1', 20), sensor('T2', 21)], cameras: [],
});
const region = (id: string, depots: string[]): RegionSummary => ({ id, name: `Khu ${id}`, readiness: 'ready', depots, counts: { ready: depots.length, degraded: 0, not_ready: 0, unknown: 0 } });
const alarm = (id: string, state: AlarmView['state'], raisedAt: number): AlarmView => ({
  id, depot: 'K1', code: 'state_active', severity: 'critical', device: { type: 'sensor', id: 'S1' }, params: {}, text: 'smoke', state,
  active: state === 'unack', chattering: false, raisedAt, clearedAt: null, updatedAt: raisedAt, ack: null, shelf: null, suppression: null,
  outOfService: null, incidentId: null,
});
const batch = (b: Partial<LiveBatch>): LiveBatch => ({ sensors: [], cameras: [], depots: [], regions: [], ...b });

describe('live state', () => {
  const snap: Snapshot = {
    serverTime: 10_000, regions: [region('R1', ['K1', 'K2'])], depots: [depot('K1'), depot('K2')],
    alarms: [alarm('a1', 'unack', 5)], incidents: [], flood: { active: false, count: 0, windowS: 600, threshold: 10, perMinute: 0 },
  };
  const s0 = fromSnapshot(snap, 9_000);

  it('indexes the snapshot and measures the server clock skew', () => {
    expect(Object.keys(s0.depots)).toEqual(['K1', 'K2']);
    expect(s0.skewMs).toBe(1_000);
  });

  it('applies sensor updates and leaves untouched depots as the same objects', () => {
    const s1 = applyBatch(s0, batch({ sensors: [{ ...sensor('T2', 35), status: 'alarm', depot: 'K1' }] }));
    expect(s1.depots.K1?.sensors.map((s) => s.value)).toEqual([20, 35]);
    expect(s1.depots.K1?.sensors[1]).not.toHaveProperty('depot');
    expect(s1.depots.K2).toBe(s0.depots.K2);
    expect(s1.regions).toBe(s0.regions);
    expect(s0.depots.K1?.sensors[1]?.value).toBe(21); // immutable
  });

  it('replaces a depot summary but keeps its devices, and adds a depot that came into scope', () => {
    const { zones: _z, sensors: _s, cameras: _c, ...summary } = depot('K1');
    const s1 = applyBatch(s0, batch({ depots: [{ ...summary, readiness: 'not_ready' }, { ...summary, id: 'K9' }], regions: [region('R1', ['K1'])] }));
    expect(s1.depots.K1?.readiness).toBe('not_ready');
    expect(s1.depots.K1?.sensors).toHaveLength(2);
    expect(s1.depots.K9?.sensors).toEqual([]);
    expect(s1.regions.R1?.depots).toEqual(['K1']);
  });

  it('ignores updates for depots it has never seen', () => {
    const s1 = applyBatch(s0, batch({ sensors: [{ ...sensor('T1', 1), depot: 'NOPE' }] }));
    expect(Object.keys(s1.depots)).toEqual(['K1', 'K2']);
  });

  it('keeps alarms that are not normal and drops those that returned to normal', () => {
    expect(Object.keys(s0.alarms)).toEqual(['a1']);
    const s1 = applyBatch(s0, batch({ alarms: [alarm('a2', 'unack', 6), alarm('a1', 'normal', 5)] }));
    expect(Object.keys(s1.alarms)).toEqual(['a2']);
    expect(applyBatch(s0, batch({})).alarms).toBe(s0.alarms);
    const s2 = applyBatch(s0, batch({ flood: { active: true, count: 40, windowS: 600, threshold: 10, perMinute: 4 } }));
    expect(s2.flood?.active).toBe(true);
  });

  it('keeps the delivery lateness the server last told: on time from a snapshot without it, late until a batch says otherwise', () => {
    expect(s0.delivery).toEqual({ lateS: 0 });
    const late = applyBatch(s0, batch({ delivery: { lateS: 40 } }));
    expect(late.delivery.lateS).toBe(40);
    expect(applyBatch(late, batch({ sensors: [{ ...sensor('T1', 2), depot: 'K1' }] })).delivery.lateS).toBe(40);
    expect(applyBatch(late, batch({ delivery: { lateS: 0 } })).delivery.lateS).toBe(0);
  });

  it('lists unacknowledged alarms newest first and phrases them like reasons', () => {
    const list = unackedAlarms([alarm('a', 'unack', 1), alarm('b', 'acked', 3), alarm('c', 'rtn_unack', 2), alarm('d', 'shelved', 4)]);
    expect(list.map((a) => a.id)).toEqual(['c', 'a']);
    const r = alarmReason({ ...alarm('x', 'unack', 1), params: { kind: 'smoke' }, device: { type: 'sensor', id: 'A-SM1', zone: 'A', zoneName: 'Nhà kho đạn A' } });
    expect(r.params.zone).toBe('Nhà kho đạn A');
    expect(r.code).toBe('state_active');
  });

  it('finds the worst active alarm per device, falling back to the reasons', () => {
    const alarms = [
      { ...alarm('a', 'unack', 1), severity: 'major' as const, device: { type: 'sensor' as const, id: 'H1' } },
      { ...alarm('b', 'acked', 1), severity: 'critical' as const, active: true, device: { type: 'sensor' as const, id: 'H1' } },
      { ...alarm('c', 'rtn_unack', 1), active: false, device: { type: 'sensor' as const, id: 'T1' } },
      { ...alarm('d', 'unack', 1), depot: 'K2', device: { type: 'sensor' as const, id: 'X' } },
    ];
    const reasons = [{ code: 'cameras_offline' as const, severity: 'major' as const, params: { device: 'CAM1' }, text: '' }];
    const m = deviceSeverities('K1', alarms, reasons);
    expect(Object.fromEntries(m)).toEqual({ H1: 'critical', CAM1: 'major' });
  });

  it('merges by id keeping order and appending new items', () => {
    expect(mergeById([{ id: 'a', v: 1 }, { id: 'b', v: 1 }], [{ id: 'c', v: 2 }, { id: 'a', v: 2 }])).toEqual([{ id: 'a', v: 2 }, { id: 'b', v: 1 }, { id: 'c', v: 2 }]);
  });
});

describe('history series', () => {
  const pt = (t: number, mean = 1) => ({ t, mean, min: mean - 1, max: mean + 1 });

  it('breaks the line where the depot went silent, judged by the usual spacing of readings', () => {
    const pts = [pt(0), pt(30_000), pt(60_000), pt(90_000), pt(400_000), pt(430_000)];
    expect(gapThreshold(pts, 3_600)).toBe(90_000);
    const s = toChartSeries(pts, 3_600);
    expect(s.mean.filter((p) => p.y === null)).toHaveLength(1);
    expect(s.mean).toHaveLength(7);
    expect(s.min[0]).toEqual({ x: 0, y: 0 });
    expect(s.max[0]).toEqual({ x: 0, y: 2 });
  });

  it('draws regular buckets without gaps', () => {
    const pts = Array.from({ length: 10 }, (_, i) => pt(i * 1000));
    expect(toChartSeries(pts, 1000).mean.every((p) => p.y !== null)).toBe(true);
    expect(toChartSeries([], 1000).mean).toEqual([]);
  });
});

describe('wall layout', () => {
  it('fits 13 demo depots on a 4×4 grid with room for two reasons', () => {
    expect(tileGrid(13, 1.55)).toEqual({ cols: 4, rows: 4, density: 'roomy', reasons: 2 });
  });

  it('fits 40 depots without scrolling by making tiles denser', () => {
    const g = tileGrid(40, 1.55);
    expect(g.cols * g.rows).toBeGreaterThanOrEqual(40);
    expect(g.density).toBe('compact');
    expect(g.reasons).toBe(1);
  });

  it('widens the worst tiles into spare cells only', () => {
    const g = tileGrid(13, 1.55);
    expect(wideTiles(g, 13, 5)).toBe(3);
    expect(wideTiles(g, 13, 1)).toBe(1);
    expect(wideTiles(g, 13, 0)).toBe(0);
    expect(wideTiles({ cols: 2, rows: 2, density: 'roomy', reasons: 2 }, 3, 2)).toBe(0);
  });

  it('never leaves a whole column empty', () => {
    for (let n = 1; n <= 50; n++) {
      const g = tileGrid(n, 1.55);
      expect(g.cols * g.rows).toBeGreaterThanOrEqual(n);
      expect((g.cols - 1) * g.rows).toBeLessThan(n);
    }
  });
});

describe('region map model', () => {
  const depots = [depot('K1', 22, 105), depot('K2', 21, 106), depot('K3', 12, 107, 'R2')];
  const regions = [region('R1', ['K1', 'K2']), region('R2', ['K3'])];
  const sizing = { markerR: 10, fontSize: 14, regionFontSize: 16, regionPad: 20 };
  const m = buildMapModel(depots, regions, { width: 300, height: 800, padding: 40 }, sizing, (r) => r.name);

  it('places one marker per depot and one outline per region, with the worst readiness of its depots', () => {
    expect(m.markers.map((x) => x.id).sort()).toEqual(['K1', 'K2', 'K3']);
    expect(m.regions.map((r) => r.id)).toEqual(['R1', 'R2']);
    expect(m.regions[0]?.path).toMatch(/^M.*Z$/);
    const worse = buildMapModel([{ ...depots[0]!, readiness: 'degraded' }, ...depots.slice(1)], regions, { width: 300, height: 800, padding: 40 }, sizing, (r) => r.name);
    expect(worse.regions[0]?.readiness).toBe('degraded');
  });

  it('keeps labels inside the drawing', () => {
    for (const l of [...m.markers.map((x) => x.label), ...m.regions.map((r) => r.label)]) {
      if (l === null) continue;
      expect(l.x).toBeGreaterThanOrEqual(0);
      expect(l.x).toBeLessThanOrEqual(300);
      expect(l.y).toBeGreaterThanOrEqual(0);
      expect(l.y).toBeLessThanOrEqual(800);
    }
    expect(m.grid.length).toBeGreaterThan(0);
  });

  it('folds a dense cluster into one marker led by its worst depot, drawn last, with its id', () => {
    const cluster = Array.from({ length: 8 }, (_, i) => depot(`K${i}`, 21 + i * 0.01, 105 + i * 0.01));
    cluster[5] = { ...cluster[5]!, readiness: 'not_ready' };
    const far = depot('K9', 12, 107);
    const dense = buildMapModel([...cluster, far], [region('R1', [...cluster, far].map((d) => d.id))], { width: 300, height: 800, padding: 40 }, sizing, (r) => r.name);
    expect(dense.markers).toHaveLength(2);
    const lead = dense.markers.at(-1)!;
    expect(lead.id).toBe('K5');
    expect(lead.readiness).toBe('not_ready');
    expect(lead.members).toHaveLength(8);
    expect(lead.members[0]).toBe('K5');
    expect(lead.label).not.toBeNull();
  });
});

describe('normal-range gauge', () => {
  it('centres the normal band and flags a value beyond it', () => {
    const g = gaugeFor('temperature', 'C', 32, undefined, 30)!;
    expect(g.outside).toBe('high');
    expect(g.normalFromPct).toBe(0);
    expect(g.valuePct).toBeGreaterThan(g.normalToPct);
    const both = gaugeFor('mains', 'V', 220, 190, 250)!;
    expect(both.outside).toBeNull();
    expect(both.normalFromPct).toBeCloseTo(25);
    expect(both.normalToPct).toBeCloseTo(75);
  });

  it('clamps percentages and skips binary kinds, missing values and missing limits', () => {
    expect(gaugeFor('humidity', '%RH', 99, undefined, 75)!.max).toBe(100);
    expect(gaugeFor('smoke', '', 1, undefined, 0)).toBeNull();
    expect(gaugeFor('temperature', 'C', null, undefined, 30)).toBeNull();
    expect(gaugeFor('temperature', 'C', 20)).toBeNull();
    expect(gaugeFor('ups_battery', '%', 10, 30)!.outside).toBe('low');
  });
});

describe('routes, ages, messages', () => {
  it('parses and builds hash routes', () => {
    expect(parseHash('#/depot/K101')).toEqual({ name: 'depot', id: 'K101' });
    expect(parseHash('')).toEqual({ name: 'home' });
    expect(parseHash('#/')).toEqual({ name: 'wall' });
    expect(parseHash('#/depot/../../x')).toEqual({ name: 'wall' });
    expect(routeHref({ name: 'depot', id: 'K101' })).toBe('#/depot/K101');
    expect(routeHref({ name: 'wall' })).toBe('#/');
  });

  it('formats ages coarsely in both languages', () => {
    expect(formatDuration(45_000, 'vi')).toBe('45 giây');
    expect(formatDuration(3 * 3_600_000, 'en')).toBe('3 h');
    expect(formatDuration(3 * 86_400_000, 'vi')).toBe('3 ngày');
    expect(formatMinutes(12, 'en')).toBe('12 min');
    expect(formatAge(null, 0, 'vi')).toBeNull();
    expect(formatAge(1_000, 3_000, 'vi')).toBe('vừa xong');
    expect(formatAge(0, 90_000, 'en')).toBe('90 s ago');
  });

  it('interpolates parameters and leaves unknown placeholders visible', () => {
    expect(translate('en', 'tile.moreReasons', { n: 2 })).toBe('+2 more');
    expect(translate('vi', 'tile.moreReasons')).toBe('+{n} lý do khác');
  });
});
