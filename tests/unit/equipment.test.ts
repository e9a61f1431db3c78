import { describe, expect, it } from 'vitest';
import { siteConfigSchema, type SiteConfig } from '../../config/schema.js';
import { applyEquipmentRows, equipmentToCsv, parseEquipmentCsv } from '../../server/src/domain/equipment-csv.js';
import { calibrationCounts, calibrationStatus, equipmentCodeOf, listEquipment, searchByCode } from '../../server/src/domain/equipment.js';
import { buildSiteIndex } from '../../server/src/domain/site-index.js';
import { smallSite } from '../helpers/site.js';

const DAY = 86_400_000;
const at = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/** the small site with a register on a few devices */
function registered(): SiteConfig {
  const s = structuredClone(smallSite()) as SiteConfig & { depots: { sensors: Record<string, unknown>[]; cameras: Record<string, unknown>[]; collector?: unknown }[] };
  const d1 = s.depots[0]!;
  Object.assign(d1.sensors[0]!, { code: 'DW-D1-T1', model: 'Vaisala HMP60', serial: 'S-1001', commissioned: '2024-01-15', calibrated: '2025-12-01', calibrationIntervalDays: 365 });
  Object.assign(d1.sensors[1]!, { code: 'DW-D1-H1', calibrationDue: '2026-12-10' });
  Object.assign(d1.cameras[0]!, { code: 'DW-D1-C1', model: '=cmd|calc', serial: 'HK-77' });
  d1.collector = { code: 'DW-D1-EDGE', model: 'Edge box', commissioned: '2024-02-01' };
  return siteConfigSchema.parse(s);
}

describe('calibrationStatus', () => {
  // 2026-12-02 12:00 UTC: the clock is injected, never read
  const now = at('2026-12-02') + 12 * 3600_000;
  it('is unknown without a date, and takes calibrated + interval otherwise', () => {
    expect(calibrationStatus({}, now, 30)).toEqual({ state: 'unknown', due: null, daysLeft: null });
    expect(calibrationStatus({ calibrated: '2025-12-01', calibrationIntervalDays: 365 }, now, 30)).toEqual({ state: 'overdue', due: '2026-12-01', daysLeft: -1 });
    expect(calibrationStatus({ calibrated: '2026-01-01' }, now, 30).state).toBe('unknown'); // no interval: no due date
  });
  it('counts today as due soon, and the window inclusively', () => {
    expect(calibrationStatus({ calibrationDue: '2026-12-02' }, now, 30)).toEqual({ state: 'due_soon', due: '2026-12-02', daysLeft: 0 });
    expect(calibrationStatus({ calibrationDue: '2027-01-01' }, now, 30)).toMatchObject({ state: 'due_soon', daysLeft: 30 });
    expect(calibrationStatus({ calibrationDue: '2027-01-02' }, now, 30)).toMatchObject({ state: 'ok', daysLeft: 31 });
    expect(calibrationStatus({ calibrationDue: '2026-12-03' }, now, 0)).toMatchObject({ state: 'ok', daysLeft: 1 });
  });
  it('lets an explicit due date win over calibrated + interval', () => {
    expect(calibrationStatus({ calibrated: '2020-01-01', calibrationIntervalDays: 30, calibrationDue: '2027-06-01' }, now, 30).state).toBe('ok');
  });
  it('moves from ok to due soon to overdue as the fake clock runs', () => {
    const reg = { calibrated: '2026-01-01', calibrationIntervalDays: 365 }; // due 2027-01-01
    const states = [at('2026-11-01'), at('2026-12-02'), at('2027-01-01') + DAY - 1, at('2027-01-02')].map((t) => calibrationStatus(reg, t, 30).state);
    expect(states).toEqual(['ok', 'due_soon', 'due_soon', 'overdue']);
  });
});

describe('the register over a site', () => {
  const site = registered();
  const now = at('2026-12-02');
  const items = listEquipment(site, now, 30);

  it('lists every sensor, camera and collector with its depot, zone and register', () => {
    const d1 = site.depots[0]!;
    const d2 = site.depots[1]!;
    expect(items).toHaveLength(d1.sensors.length + d1.cameras.length + d2.sensors.length + d2.cameras.length + 2);
    expect(items.find((i) => i.id === 'T1' && i.depot === 'D1')).toMatchObject({
      type: 'sensor', zone: 'A', zoneName: 'Store A', kind: 'temperature', depotName: 'Kho D1', region: 'R1',
      register: { code: 'DW-D1-T1', serial: 'S-1001' }, calibration: { state: 'overdue', due: '2026-12-01' },
    });
    expect(calibrationCounts(items)).toEqual({ overdue: 1, dueSoon: 1 });
  });

  it('finds a code exactly (case-insensitive), or by its beginning', () => {
    expect(searchByCode(items, 'dw-d1-t1').map((i) => i.id)).toEqual(['T1']);
    expect(searchByCode(items, 'DW-D1-').map((i) => i.register.code)).toEqual(['DW-D1-C1', 'DW-D1-H1', 'DW-D1-T1', 'DW-D1-EDGE']);
    expect(searchByCode(items, 'DW-D1-EDGE')[0]).toMatchObject({ type: 'collector', id: 'D1' });
    expect(searchByCode(items, 'nothing')).toEqual([]);
    expect(searchByCode(items, '  ')).toEqual([]);
  });

  it('gives the code of a device for alarm and depot views', () => {
    const index = buildSiteIndex(site);
    expect(equipmentCodeOf(index, 'D1', { type: 'sensor', id: 'T1' })).toBe('DW-D1-T1');
    expect(equipmentCodeOf(index, 'D1', { type: 'camera', id: 'C1' })).toBe('DW-D1-C1');
    expect(equipmentCodeOf(index, 'D1', { type: 'collector', id: 'D1' })).toBe('DW-D1-EDGE');
    expect(equipmentCodeOf(index, 'D2', { type: 'sensor', id: 'G1' })).toBeUndefined();
  });

  it('refuses a code used twice on the site, naming both devices', () => {
    const s = structuredClone(registered()) as unknown as { depots: { sensors: Record<string, unknown>[] }[] };
    s.depots[1]!.sensors[0]!.code = 'dw-d1-t1';
    const r = siteConfigSchema.safeParse(s);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['depots.1.sensors.0.code', 'code "dw-d1-t1" is already used by sensor T1 in depot D1']]);
  });

  it('refuses a date that is not on the calendar', () => {
    const s = structuredClone(registered()) as unknown as { depots: { sensors: Record<string, unknown>[] }[] };
    s.depots[0]!.sensors[0]!.calibrated = '2026-02-30';
    expect(siteConfigSchema.safeParse(s).error?.issues[0]).toMatchObject({ path: ['depots', 0, 'sensors', 0, 'calibrated'], message: 'is not a calendar date' });
  });
});

describe('the register as CSV', () => {
  const site = registered();
  const items = listEquipment(site, at('2026-12-02'), 30);

  it('round-trips: export, import unchanged, the same site', () => {
    const csv = equipmentToCsv(items);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.split('\r\n')[0]).toBe('\uFEFFdepot,type,id,zone,name,code,model,serial,commissioned,calibrated,calibration_interval_days,calibration_due');
    // a cell a spreadsheet would run as a formula is written with a leading quote
    expect(csv).toContain(",'=cmd|calc,");
    const parsed = parseEquipmentCsv(csv);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.rows).toHaveLength(items.length);
    expect(parsed.rows[0]).toMatchObject({ row: 2, depot: 'D1', type: 'sensor', id: 'T1', register: { calibrationIntervalDays: 365, code: 'DW-D1-T1' } });
    const applied = applyEquipmentRows(site, parsed.rows);
    if (!applied.ok) throw new Error(JSON.stringify(applied.problems));
    expect(siteConfigSchema.parse(applied.site)).toEqual(site);
  });

  it('changes only the register columns given, and an empty cell clears a field', () => {
    const parsed = parseEquipmentCsv('depot,type,id,code,serial\nD1,sensor,T1,DW-NEW-1,\nD2,sensor,G1,DW-D2-G1,G-55\nD2,collector,D2,DW-D2-EDGE,\n');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const applied = applyEquipmentRows(site, parsed.rows);
    if (!applied.ok) throw new Error(JSON.stringify(applied.problems));
    const t1 = applied.site.depots[0]!.sensors[0]!;
    expect(t1).toMatchObject({ code: 'DW-NEW-1', model: 'Vaisala HMP60', calibrated: '2025-12-01' });
    expect(t1.serial).toBeUndefined();
    expect(applied.site.depots[1]!.sensors[0]).toMatchObject({ code: 'DW-D2-G1', serial: 'G-55' });
    expect(applied.site.depots[1]!.collector).toEqual({ code: 'DW-D2-EDGE' });
    expect(site.depots[0]!.sensors[0]!.code).toBe('DW-D1-T1'); // the running site is untouched
  });

  it('names the row and column of every bad cell at once', () => {
    const r = parseEquipmentCsv([
      'depot,type,id,code,calibrated,calibration_interval_days',
      'D1,sensor,T1,DW-OK,2026-01-01,365',
      'D1,robot,T1,has space,2026-13-01,0',
      ',sensor,,DW-2,,x',
    ].join('\n'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => `${p.row}:${p.column}`)).toEqual(['3:type', '3:code', '3:calibrated', '3:calibration_interval_days', '4:depot', '4:id', '4:calibration_interval_days']);
  });

  it('refuses a bad header, a ragged row and an empty file', () => {
    const head = parseEquipmentCsv('depot,kind,id,colour\nD1,sensor,T1,red\n');
    expect(!head.ok && head.problems.map((p) => `${p.row}:${p.column}`)).toEqual(['1:kind', '1:colour', '1:type']);
    const ragged = parseEquipmentCsv('depot,type,id,code\nD1,sensor,T1,A\nD1,sensor,H1\n');
    expect(!ragged.ok && ragged.problems[0]).toMatchObject({ row: 3, column: null });
    expect(!parseEquipmentCsv('').ok).toBe(true);
  });

  it('refuses unknown devices, a device twice and a code another device carries, on the imported row', () => {
    const parsed = parseEquipmentCsv('depot,type,id,code\nD9,sensor,T1,X1\nD1,sensor,NOPE,X2\nD1,collector,D2,X3\nD2,sensor,G1,X4\nD2,sensor,G1,X5\n');
    if (!parsed.ok) throw new Error('parsed');
    const r = applyEquipmentRows(site, parsed.rows);
    expect(!r.ok && r.problems.map((p) => `${p.row}:${p.column}`)).toEqual(['2:depot', '3:id', '4:id', '6:id']);
    const clash = parseEquipmentCsv('depot,type,id,code\nD2,sensor,G1,dw-d1-t1\n');
    if (!clash.ok) throw new Error('parsed');
    const c = applyEquipmentRows(site, clash.rows);
    expect(!c.ok && c.problems).toEqual([{
      row: 2, column: 'code', message: 'code "dw-d1-t1" is already used by sensor T1 of depot D1', code: 'code_taken', params: { code: 'dw-d1-t1', what: 'sensor', id: 'T1', depot: 'D1' },
    }]);
  });
});
