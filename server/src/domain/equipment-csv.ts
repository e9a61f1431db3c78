import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { problemOf } from '../../../config/problems.js';
import { equipmentFields, EQUIPMENT_FIELDS, type EquipmentField, type EquipmentRegister, type SiteConfig } from '../../../config/schema.js';
import type { CsvProblem, EquipmentItem, EquipmentType } from '../contracts/equipment.js';

/**
 * The equipment register as a spreadsheet (issue 8): one row per device, exported and imported.
 * `zone` and `name` are there to read by; an import changes only the register columns (moving or
 * renaming a device is the device editor's job), and an empty cell clears that field. Every refused
 * cell is reported at once with its row (the header is row 1, as a spreadsheet numbers them) and its
 * column. Pure: text in, text or rows out.
 */

/** column name ↔ register field; the columns are snake_case as spreadsheets and their users expect */
const REGISTER_COLUMNS: Record<EquipmentField, string> = {
  code: 'code', model: 'model', serial: 'serial', commissioned: 'commissioned', calibrated: 'calibrated',
  calibrationIntervalDays: 'calibration_interval_days', calibrationDue: 'calibration_due',
};
const KEY_COLUMNS = ['depot', 'type', 'id'] as const;
const READ_ONLY_COLUMNS = ['zone', 'name'] as const;
export const EQUIPMENT_CSV_COLUMNS: readonly string[] = [...KEY_COLUMNS, ...READ_ONLY_COLUMNS, ...EQUIPMENT_FIELDS.map((f) => REGISTER_COLUMNS[f])];
const TYPES: readonly EquipmentType[] = ['sensor', 'camera', 'collector'];

/** a spreadsheet runs a cell starting = + - @ as a formula: such text is written with a leading ' (and read back without it) */
const neutralise = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
const restore = (s: string) => (/^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s);

export function equipmentToCsv(items: readonly EquipmentItem[]): string {
  const rows = items.map((i) => {
    const row: Record<string, string> = { depot: i.depot, type: i.type, id: i.id, zone: i.zone ?? '', name: i.name ?? '' };
    for (const f of EQUIPMENT_FIELDS) {
      const v = i.register[f];
      row[REGISTER_COLUMNS[f]] = v === undefined ? '' : String(v);
    }
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, neutralise(v)]));
  });
  // a byte-order mark, so a spreadsheet opens the Vietnamese names as UTF-8
  return stringify(rows, { header: true, columns: [...EQUIPMENT_CSV_COLUMNS], bom: true, record_delimiter: 'windows' });
}

/** one device's register as the CSV gave it: every register field, undefined where the cell was empty */
export interface EquipmentCsvRow { row: number; depot: string; type: EquipmentType; id: string; register: EquipmentRegister }

export type CsvParseResult = { ok: true; rows: EquipmentCsvRow[] } | { ok: false; problems: CsvProblem[] };

export function parseEquipmentCsv(text: string): CsvParseResult {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, trim: true, skip_empty_lines: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    if (err instanceof CsvError) {
      const lines = (err as CsvError & { lines?: number }).lines;
      return { ok: false, problems: [{ row: lines ?? 0, column: null, message: err.message, code: 'csv_unreadable', params: { message: err.message } }] };
    }
    throw err;
  }
  const [head, ...body] = records;
  if (!head) return { ok: false, problems: [{ row: 1, column: null, message: 'the file is empty: the first row must name the columns', code: 'csv_empty', params: {} }] };
  const header = head.record.map((h) => h.toLowerCase());
  const problems: CsvProblem[] = [];
  const known = new Set(EQUIPMENT_CSV_COLUMNS);
  header.forEach((h) => { if (!known.has(h)) problems.push({ row: 1, column: h, message: `unknown column; the columns are ${EQUIPMENT_CSV_COLUMNS.join(', ')}`, code: 'unknown_column', params: { columns: EQUIPMENT_CSV_COLUMNS.join(', ') } }); });
  for (const k of KEY_COLUMNS) if (!header.includes(k)) problems.push({ row: 1, column: k, message: 'required column is missing', code: 'column_missing', params: {} });
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup) problems.push({ row: 1, column: dup, message: 'column given twice', code: 'column_twice', params: {} });
  if (problems.length) return { ok: false, problems };

  const rows: EquipmentCsvRow[] = [];
  for (const { record, info } of body) {
    const row = info.lines;
    const cell = (col: string) => {
      const i = header.indexOf(col);
      return i < 0 ? '' : restore(record[i] ?? '');
    };
    const before = problems.length;
    const depot = cell('depot');
    const type = cell('type').toLowerCase();
    const id = cell('id');
    if (!depot) problems.push({ row, column: 'depot', message: 'required', code: 'required', params: {} });
    if (!TYPES.includes(type as EquipmentType)) problems.push({ row, column: 'type', message: `must be one of ${TYPES.join(', ')}`, code: 'invalid_value', params: { values: TYPES.join(', ') } });
    if (!id) problems.push({ row, column: 'id', message: 'required', code: 'required', params: {} });
    const register: Record<string, unknown> = {};
    for (const f of EQUIPMENT_FIELDS) {
      const col = REGISTER_COLUMNS[f];
      if (!header.includes(col)) continue; // a column left out leaves that field as it is
      const raw = cell(col);
      if (raw === '') { register[f] = undefined; continue; }
      const value: unknown = f === 'calibrationIntervalDays' ? (/^\d+$/.test(raw) ? Number(raw) : raw) : raw;
      const r = equipmentFields[f].safeParse(value);
      if (r.success) register[f] = r.data;
      else {
        const issue = r.error.issues[0];
        problems.push({ row, column: col, message: issue?.message ?? 'invalid', ...(issue ? problemOf(issue) : {}) });
      }
    }
    if (problems.length === before) rows.push({ row, depot, type: type as EquipmentType, id, register: register as EquipmentRegister });
  }
  return problems.length ? { ok: false, problems } : { ok: true, rows };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The site with the rows' register fields written onto its devices (a new object; the running one is
 * frozen). Refuses a row naming a device the site does not have, a device given twice, and a code
 * that another device already carries; the schema checks the result again when it is stored.
 */
export function applyEquipmentRows(site: SiteConfig, rows: readonly EquipmentCsvRow[]): { ok: true; site: SiteConfig } | { ok: false; problems: CsvProblem[] } {
  const next = structuredClone(site) as Mutable<SiteConfig>;
  const problems: CsvProblem[] = [];
  const seen = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.depot}\u0000${r.type}\u0000${r.id}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) { problems.push({ row: r.row, column: 'id', message: `${r.type} ${r.id} of depot ${r.depot} is already in row ${earlier}`, code: 'row_repeated', params: { what: r.type, id: r.id, depot: r.depot, row: earlier } }); continue; }
    seen.set(key, r.row);
    const depot = next.depots.find((d) => d.id === r.depot);
    if (!depot) { problems.push({ row: r.row, column: 'depot', message: `unknown depot "${r.depot}"`, code: 'unknown_ref', params: { what: 'depot', id: r.depot } }); continue; }
    let target: Record<string, unknown> | undefined;
    if (r.type === 'collector') {
      if (r.id !== depot.id) { problems.push({ row: r.row, column: 'id', message: `a collector's id is its depot's id ("${depot.id}")`, code: 'collector_id', params: { id: depot.id } }); continue; }
      target = (depot.collector ??= {}) as Record<string, unknown>;
    } else {
      target = (r.type === 'sensor' ? depot.sensors : depot.cameras).find((d) => d.id === r.id) as Record<string, unknown> | undefined;
      if (!target) { problems.push({ row: r.row, column: 'id', message: `depot ${r.depot} has no ${r.type} "${r.id}"`, code: 'no_device', params: { what: r.type, id: r.id, depot: r.depot } }); continue; }
    }
    for (const [f, v] of Object.entries(r.register)) {
      if (v === undefined) delete target[f];
      else target[f] = v;
    }
    if (r.type === 'collector' && Object.keys(target).length === 0) delete depot.collector;
  }
  if (problems.length) return { ok: false, problems };
  // a duplicate code is reported on the row that brought it (the schema would name only a configuration path)
  const owner = new Map<string, { what: EquipmentType; id: string; depot: string }>();
  const rowOf = new Map(rows.map((r) => [`${r.depot}\u0000${r.type}\u0000${r.id}`, r.row]));
  const note = (code: string | undefined, depot: string, type: EquipmentType, id: string) => {
    if (!code) return;
    const k = code.toUpperCase();
    const first = owner.get(k);
    const row = rowOf.get(`${depot}\u0000${type}\u0000${id}`);
    if (first === undefined) owner.set(k, { what: type, id, depot });
    else if (row !== undefined) problems.push({ row, column: 'code', message: `code "${code}" is already used by ${first.what} ${first.id} of depot ${first.depot}`, code: 'code_taken', params: { code, ...first } });
  };
  // devices the CSV did not touch claim their codes first, so the blame falls on an imported row
  const devices = next.depots.flatMap((d) => [
    ...d.sensors.map((s) => ({ code: s.code, depot: d.id, type: 'sensor' as const, id: s.id })),
    ...d.cameras.map((c) => ({ code: c.code, depot: d.id, type: 'camera' as const, id: c.id })),
    { code: d.collector?.code, depot: d.id, type: 'collector' as const, id: d.id },
  ]);
  const touched = (x: { depot: string; type: string; id: string }) => rowOf.has(`${x.depot}\u0000${x.type}\u0000${x.id}`);
  for (const x of [...devices.filter((x) => !touched(x)), ...devices.filter(touched)]) note(x.code, x.depot, x.type, x.id);
  if (problems.length) return { ok: false, problems: problems.sort((a, b) => a.row - b.row) };
  return { ok: true, site: next };
}
