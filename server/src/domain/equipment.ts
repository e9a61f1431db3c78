import { EQUIPMENT_FIELDS, type EquipmentRegister, type SiteConfig } from '../../../config/schema.js';
import type { SiteIndex } from './site-index.js';
import type { CalibrationState, EquipmentItem, EquipmentType } from '../contracts/equipment.js';

/**
 * The equipment register over a site configuration (issue 8): every sensor, camera and edge collector
 * with its identification code and dates, the search by code, and when each is due for calibration.
 * Pure: the caller passes the configuration and the time.
 */

const DAY_MS = 86_400_000;

/** only the register's own fields of a device's configuration */
export function registerOf(dev: Readonly<Partial<Record<string, unknown>>> | undefined): EquipmentRegister {
  const out: Record<string, unknown> = {};
  if (dev) for (const f of EQUIPMENT_FIELDS) if (dev[f] !== undefined) out[f] = dev[f];
  return out as EquipmentRegister;
}

const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * When the next calibration is due and how it stands on `now`'s calendar day (UTC):
 *
 *   due date known?   days left        state
 *   no                —                unknown   (nothing recorded: not a warning, the register is optional)
 *   yes               < 0              overdue
 *   yes               0 … soonDays     due_soon  (due today counts as soon: it can still be done today)
 *   yes               > soonDays       ok
 *
 * The due date is `calibrationDue` when given (a certificate's own date wins), else `calibrated` +
 * `calibrationIntervalDays`.
 */
export function calibrationStatus(reg: EquipmentRegister, now: number, soonDays: number): { state: CalibrationState; due: string | null; daysLeft: number | null } {
  let dueMs: number | null = null;
  if (reg.calibrationDue) dueMs = dayOf(reg.calibrationDue);
  else if (reg.calibrated && reg.calibrationIntervalDays) dueMs = dayOf(reg.calibrated) + reg.calibrationIntervalDays * DAY_MS;
  if (dueMs === null) return { state: 'unknown', due: null, daysLeft: null };
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const daysLeft = Math.round((dueMs - today) / DAY_MS);
  const state: CalibrationState = daysLeft < 0 ? 'overdue' : daysLeft <= soonDays ? 'due_soon' : 'ok';
  return { state, due: isoDay(dueMs), daysLeft };
}

/** every sensor, camera and collector of the site, in configuration order, with its calibration standing */
export function listEquipment(site: SiteConfig, now: number, soonDays: number): EquipmentItem[] {
  const out: EquipmentItem[] = [];
  for (const d of site.depots) {
    const zones = new Map(d.zones.map((z) => [z.id, z]));
    const base = { depot: d.id, depotName: d.name, region: d.region };
    const push = (type: EquipmentType, id: string, extra: Partial<EquipmentItem>, dev: Readonly<Record<string, unknown>> | undefined) => {
      const register = registerOf(dev);
      out.push({ ...base, type, id, ...extra, register, calibration: calibrationStatus(register, now, soonDays) });
    };
    for (const s of d.sensors) {
      const z = zones.get(s.zone);
      push('sensor', s.id, { zone: s.zone, ...(z ? { zoneName: z.name } : {}), kind: s.kind, ...(s.name ? { name: s.name } : {}) }, s);
    }
    for (const c of d.cameras) {
      const z = zones.get(c.zone);
      push('camera', c.id, { zone: c.zone, ...(z ? { zoneName: z.name } : {}), ...(c.name ? { name: c.name } : {}) }, c);
    }
    push('collector', d.id, {}, d.collector);
  }
  return out;
}

/**
 * Search by code, case-insensitive as tag readers are: the exact match alone when there is one (a scanned
 * tag), otherwise every code that starts with the text (a code typed in part), shortest first.
 */
export function searchByCode(items: readonly EquipmentItem[], code: string): EquipmentItem[] {
  const q = code.trim().toUpperCase();
  if (!q) return [];
  const withCode = items.filter((i) => i.register.code !== undefined);
  const exact = withCode.filter((i) => i.register.code?.toUpperCase() === q);
  if (exact.length) return exact;
  return withCode.filter((i) => i.register.code?.toUpperCase().startsWith(q))
    .sort((a, b) => (a.register.code?.length ?? 0) - (b.register.code?.length ?? 0) || (a.register.code ?? '').localeCompare(b.register.code ?? ''));
}

/** how many devices are overdue or due within the warning window: the count on the engineer's tab */
export function calibrationCounts(items: readonly EquipmentItem[]): { overdue: number; dueSoon: number } {
  let overdue = 0;
  let dueSoon = 0;
  for (const i of items) {
    if (i.calibration.state === 'overdue') overdue += 1;
    else if (i.calibration.state === 'due_soon') dueSoon += 1;
  }
  return { overdue, dueSoon };
}

/** the identification code of one device in the running configuration, for the alarm and depot views */
export function equipmentCodeOf(index: SiteIndex, depotId: string, device: { type: EquipmentType; id: string }): string | undefined {
  switch (device.type) {
    case 'sensor': return index.sensor(depotId, device.id)?.sensor.code;
    case 'camera': return index.camera(depotId, device.id)?.camera.code;
    case 'collector': return index.depot(depotId)?.collector?.code;
  }
}
