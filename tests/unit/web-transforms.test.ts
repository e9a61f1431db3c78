import { describe, expect, it } from 'vitest';
import type { ReadinessLevel, Reason } from '../../server/src/contracts/api.js';
import { en } from '../../web/src/lib/i18n/en.js';
import { translate } from '../../web/src/lib/i18n/index.js';
import { vi } from '../../web/src/lib/i18n/vi.js';
import { formatSensorValue, formatQuantity } from '../../web/src/lib/transforms/format.js';
import { convexHull, paddedHull, polygonPath } from '../../web/src/lib/transforms/hull.js';
import { fitEquirectangular } from '../../web/src/lib/transforms/projection.js';
import { READINESS_LEVELS, deviceStatusLook, readinessLook, severityLevel, shapePath, worstReadiness } from '../../web/src/lib/transforms/readiness.js';
import { formatReason } from '../../web/src/lib/transforms/reasons.js';
import { compareDepots, sortDepots, topReasons } from '../../web/src/lib/transforms/sort.js';

const box = { width: 400, height: 800, padding: 20 };

describe('equirectangular projection', () => {
  const pts = [{ lat: 22.4, lon: 105.6 }, { lat: 10.03, lon: 105.78 }, { lat: 16.05, lon: 108.2 }];
  const proj = fitEquirectangular(pts, box);

  it('puts north up and east right', () => {
    const north = proj.project(pts[0]!);
    const south = proj.project(pts[1]!);
    const east = proj.project(pts[2]!);
    expect(north.y).toBeLessThan(south.y);
    expect(east.x).toBeGreaterThan(north.x);
  });

  it('fits every point inside the padded box and touches it on the limiting axis', () => {
    const ps = pts.map((p) => proj.project(p));
    for (const p of ps) {
      expect(p.x).toBeGreaterThanOrEqual(box.padding - 1e-9);
      expect(p.x).toBeLessThanOrEqual(box.width - box.padding + 1e-9);
      expect(p.y).toBeGreaterThanOrEqual(box.padding - 1e-9);
      expect(p.y).toBeLessThanOrEqual(box.height - box.padding + 1e-9);
    }
    // Vietnam is tall: latitude fills the height exactly
    expect(Math.min(...ps.map((p) => p.y))).toBeCloseTo(box.padding);
    expect(Math.max(...ps.map((p) => p.y))).toBeCloseTo(box.height - box.padding);
  });

  it('keeps one scale for both axes, shrinking longitude by cos(latitude)', () => {
    const a = proj.project({ lat: 16, lon: 106 });
    const b = proj.project({ lat: 17, lon: 106 });
    const c = proj.project({ lat: 16, lon: 107 });
    const k = Math.cos((((22.4 + 10.03) / 2) * Math.PI) / 180);
    expect((c.x - a.x) / (a.y - b.y)).toBeCloseTo(k, 6);
  });

  it('centres a single depot and survives no depots at all', () => {
    expect(fitEquirectangular([{ lat: 21, lon: 105 }], box).project({ lat: 21, lon: 105 })).toEqual({ x: 200, y: 400 });
    expect(fitEquirectangular([], box).project({ lat: 0, lon: 0 })).toEqual({ x: 200, y: 400 });
  });
});

describe('region outlines', () => {
  it('convex hull drops interior and duplicate points', () => {
    const hull = convexHull([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }, { x: 0, y: 10 }, { x: 5, y: 5 }, { x: 0, y: 0 }]);
    expect(hull).toHaveLength(4);
    expect(hull).toEqual(expect.arrayContaining([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }, { x: 0, y: 10 }]));
  });

  it('convex hull drops collinear points', () => {
    expect(convexHull([{ x: 0, y: 0 }, { x: 5, y: 0 }, { x: 10, y: 0 }, { x: 5, y: 8 }])).toHaveLength(3);
  });

  it('padded hull encloses every depot by at least the padding, for one, two or many depots', () => {
    for (const pts of [[{ x: 50, y: 50 }], [{ x: 0, y: 0 }, { x: 100, y: 0 }], [{ x: 0, y: 0 }, { x: 80, y: 10 }, { x: 40, y: 90 }, { x: 40, y: 40 }]]) {
      const hull = paddedHull(pts, 10, 32);
      expect(hull.length).toBeGreaterThanOrEqual(3);
      for (const p of pts) {
        // distance from p to each hull edge (the hull is convex, so inside means on one side of every edge)
        for (let i = 0; i < hull.length; i++) {
          const a = hull[i]!; const b = hull[(i + 1) % hull.length]!;
          const len = Math.hypot(b.x - a.x, b.y - a.y);
          const dist = Math.abs((b.x - a.x) * (a.y - p.y) - (a.x - p.x) * (b.y - a.y)) / len;
          expect(dist).toBeGreaterThan(10 * Math.cos(Math.PI / 32) - 1e-6);
        }
      }
    }
    expect(paddedHull([], 10)).toEqual([]);
  });

  it('draws a closed SVG path', () => {
    expect(polygonPath([{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }])).toBe('M0.0 0.0L1.0 0.0L1.0 1.0Z');
    expect(polygonPath([])).toBe('');
  });
});

const reason = (code: Reason['code'], params: Reason['params'], severity: Reason['severity'] = 'critical'): Reason => ({ code, severity, params, text: `EN:${code}` });

describe('reasons in Vietnamese and English', () => {
  const ctx = { now: 1_000_000 };
  const cases: [Reason, string, string][] = [
    [reason('threshold_high', { device: 'A-T1', kind: 'temperature', zone: 'Nhà kho đạn A', value: 31.5, unit: 'C', limit: 30 }, 'major'),
      'Nhà kho đạn A: nhiệt độ 31,5\u202f°C vượt ngưỡng 30,0\u202f°C', 'Nhà kho đạn A: temperature 31.5\u202f°C above 30.0\u202f°C'],
    [reason('threshold_low', { kind: 'ups_battery', zone: 'Phòng điện', zoneNameEn: 'Power room', value: 22, unit: '%', limit: 30 }, 'major'),
      'Phòng điện: pin UPS 22\u202f% dưới ngưỡng 30\u202f%', 'Power room: UPS battery 22\u202f% below 30\u202f%'],
    [reason('state_active', { device: 'A-SM1', kind: 'smoke', zone: 'Nhà kho đạn A' }), 'Nhà kho đạn A: phát hiện khói', 'Nhà kho đạn A: smoke detected'],
    [reason('door_outside_schedule', { device: 'A-D1', kind: 'door', zone: 'Kho A' }), 'Kho A: cửa mở ngoài giờ quy định', 'Kho A: door open outside schedule'],
    [reason('motion_outside_schedule', { zone: 'Kho A' }), 'Kho A: có chuyển động ngoài giờ quy định', 'Kho A: motion outside schedule'],
    [reason('cameras_offline', { n: 3, total: 24, devices: 'C1, C2, C3' }, 'major'), '3/24 camera mất kết nối', '3 of 24 cameras offline'],
    [reason('cameras_not_recording', { n: 1, total: 8 }, 'major'), '1/8 camera không ghi hình', '1 of 8 cameras not recording'],
    [reason('camera_tamper', { n: 1, total: 8, devices: 'CAM03' }, 'major'), 'Camera CAM03 bị can thiệp', 'Camera CAM03 tampered with'],
    [reason('camera_video_loss', { n: 2, total: 8, devices: 'CAM03, CAM04' }, 'major'), 'Camera CAM03, CAM04 mất hình', 'Camera CAM03, CAM04 video loss'],
    [reason('collector_offline', { minutes: 12 }, 'major'), 'Bộ thu thập dữ liệu mất kết nối 12 phút', 'Collector offline 12 min'],
    [reason('collector_offline', { minutes: 0 }, 'major'), 'Bộ thu thập dữ liệu mất kết nối', 'Collector offline'],
    [reason('not_reporting', { device: 'A-T1', kind: 'temperature', zone: 'Kho A' }, 'major'), 'Kho A: A-T1 không gửi dữ liệu', 'Kho A: A-T1 not reporting'],
    [reason('not_reporting', { n: 4 }, 'major'), '4 thiết bị không gửi dữ liệu', '4 devices not reporting'],
    [reason('no_data', {}, 'warning'), 'Chưa nhận được dữ liệu', 'No data received yet'],
    [reason('in_maintenance', { scope: 'depot' }, 'warning'), 'Kho đang bảo trì', 'Depot in maintenance'],
    [reason('in_maintenance', { scope: 'devices', n: 2, devices: 'SM1, C2' }, 'warning'),
      '2 thiết bị đang bảo trì hoặc ngừng hoạt động (SM1, C2)', '2 devices in maintenance or out of service (SM1, C2)'],
  ];
  it.each(cases)('%# %o', (r, viText, enText) => {
    expect(formatReason(r, 'vi', ctx)).toBe(viText);
    expect(formatReason(r, 'en', ctx)).toBe(enText);
  });

  it('names the zone in the board\'s language from the depot\'s zones, by id or by the name the server sent', () => {
    const zones = [{ id: 'B', name: 'Nhà kho đạn B', nameEn: 'Store B', type: 'ammunition_store' }];
    expect(formatReason(reason('state_active', { kind: 'water', zone: 'Nhà kho đạn B' }), 'en', { now: 0, zones })).toBe('Store B: water detected');
    expect(formatReason(reason('state_active', { kind: 'water', zoneId: 'B' }), 'en', { now: 0, zones })).toBe('Store B: water detected');
    expect(formatReason(reason('state_active', { kind: 'water', zone: 'Nhà kho đạn B' }), 'vi', { now: 0, zones })).toBe('Nhà kho đạn B: phát hiện ngập nước');
  });

  it('never shows the server\'s English text: a shorter phrase when params are missing, "other" for a new code', () => {
    expect(formatReason(reason('threshold_high', { zone: 'A' }), 'vi', ctx)).toBe('Vượt ngưỡng trên');
    expect(formatReason(reason('cameras_offline', {}), 'vi', ctx)).toBe('Camera mất kết nối');
    expect(formatReason({ ...reason('no_data', {}), code: 'brand_new' as Reason['code'] }, 'vi', ctx)).toBe('Tình trạng bất thường khác');
    expect(formatReason({ ...reason('no_data', {}), code: 'brand_new' as Reason['code'] }, 'en', ctx)).toBe('Other abnormal condition');
  });
});

describe('sorting', () => {
  const d = (id: string, readiness: ReadinessLevel) => ({ id, readiness });
  it('puts the worst readiness first, then ids in natural order', () => {
    const sorted = sortDepots([d('K10', 'ready'), d('K2', 'ready'), d('K9', 'degraded'), d('K3', 'unknown'), d('K1', 'not_ready'), d('K4', 'degraded')]);
    expect(sorted.map((x) => x.id)).toEqual(['K1', 'K4', 'K9', 'K3', 'K2', 'K10']);
    expect(compareDepots(d('A', 'ready'), d('A', 'ready'))).toBe(0);
  });

  it('keeps the most severe reasons and counts the rest', () => {
    const rs = [reason('no_data', {}, 'warning'), reason('cameras_offline', {}, 'major'), reason('state_active', {}, 'critical'), reason('not_reporting', {}, 'minor')];
    const top = topReasons(rs, 2);
    expect(top.shown.map((r) => r.severity)).toEqual(['critical', 'major']);
    expect(top.more).toBe(2);
    expect(topReasons(rs, 10).more).toBe(0);
  });
});

describe('readiness presentation', () => {
  it('gives every level its own shape, glyph, word and tone — colour is never the only cue', () => {
    const looks = READINESS_LEVELS.map(readinessLook);
    for (const key of ['shape', 'glyph', 'tone', 'symbol', 'labelKey', 'rank'] as const) {
      expect(new Set(looks.map((l) => l[key])).size).toBe(READINESS_LEVELS.length);
    }
    for (const l of looks) {
      expect(vi[l.labelKey]).toBeTruthy();
      expect(en[l.labelKey]).toBeTruthy();
      expect(shapePath(l.shape, 12, 12, 9)).toMatch(/^M.*Z$/);
    }
    expect(translate('vi', readinessLook('not_ready').labelKey)).toBe('Không sẵn sàng');
    expect(translate('en', readinessLook('degraded').labelKey)).toBe('Degraded');
  });

  it('keeps saturated tones for abnormal levels only', () => {
    expect(readinessLook('ready').tone).toBe('normal');
    expect(readinessLook('degraded').tone).toBe('warning');
    expect(readinessLook('not_ready').tone).toBe('alarm');
    expect(readinessLook('unknown').tone).toBe('unknown');
  });

  it('ranks worst first and maps severities and device statuses onto the same language', () => {
    expect(worstReadiness(['ready', 'unknown', 'degraded'])).toBe('degraded');
    expect(worstReadiness([])).toBe('ready');
    expect(severityLevel('critical')).toBe('not_ready');
    expect(severityLevel('major')).toBe('degraded');
    expect(severityLevel('minor')).toBeNull();
    expect(deviceStatusLook('alarm').level).toBe('not_ready');
    expect(deviceStatusLook('normal').level).toBe('ready');
    expect(deviceStatusLook('alarm', 'major').level).toBe('degraded');
    expect(deviceStatusLook('alarm', 'critical').level).toBe('not_ready');
    expect(deviceStatusLook('not_reporting').level).toBe('degraded');
  });
});

describe('values with units', () => {
  it('uses the decimal comma in Vietnamese and words for 0/1 kinds', () => {
    expect(formatQuantity(23.44, 'C', 'vi', 'temperature')).toBe('23,4\u202f°C');
    expect(formatQuantity(23.44, 'C', 'en', 'temperature')).toBe('23.4\u202f°C');
    expect(formatSensorValue('door', 1, '', 'vi')).toBe('Mở');
    expect(formatSensorValue('door', 0, '', 'en')).toBe('Closed');
    expect(formatSensorValue('humidity', null, '%RH', 'vi')).toBe('—');
  });

  it('has the same keys in both dictionaries', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
  });
});
