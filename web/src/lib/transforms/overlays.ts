import type { AlarmView, MaintenanceView } from '../types.js';

/**
 * The officer desk's lists of alarms taken out of the normal flow (ISA-18.2 shelved, suppressed by
 * maintenance, out of service), each with who did it, why and when it comes back by itself.
 */
export interface OverlayRow { alarm: AlarmView; by: string; at: number; reason: string; until: number | null }

const byExpiry = (a: OverlayRow, b: OverlayRow): number => (a.until ?? Infinity) - (b.until ?? Infinity) || a.alarm.id.localeCompare(b.alarm.id);

export function shelvedList(alarms: Iterable<AlarmView>): OverlayRow[] {
  const out: OverlayRow[] = [];
  for (const a of alarms) if (a.state === 'shelved' && a.shelf) out.push({ alarm: a, by: a.shelf.username, at: a.shelf.at, reason: a.shelf.note, until: a.shelf.until });
  return out.sort(byExpiry);
}

export function suppressedList(alarms: Iterable<AlarmView>): OverlayRow[] {
  const out: OverlayRow[] = [];
  for (const a of alarms) {
    if (a.state === 'suppressed' && a.suppression) out.push({ alarm: a, by: a.suppression.username, at: a.suppression.at, reason: a.suppression.note, until: a.suppression.until });
  }
  return out.sort(byExpiry);
}

export function outOfServiceList(alarms: Iterable<AlarmView>): OverlayRow[] {
  const out: OverlayRow[] = [];
  for (const a of alarms) if (a.state === 'out_of_service' && a.outOfService) out.push({ alarm: a, by: a.outOfService.username, at: a.outOfService.at, reason: a.outOfService.note, until: null });
  return out.sort((x, y) => y.at - x.at);
}

/** maintenance windows still running, soonest to end first */
export function activeMaintenance(list: readonly MaintenanceView[], now: number): MaintenanceView[] {
  return list.filter((m) => m.endedAt === null && m.until > now).sort((a, b) => a.until - b.until || a.id - b.id);
}

/** what the shelve form offers; the server refuses more than its configured maximum (8 h by default) */
export const SHELVE_MINUTES: readonly number[] = [15, 30, 60, 120, 240, 480];
export const MAINTENANCE_MINUTES: readonly number[] = [30, 60, 120, 240, 480, 1440];
