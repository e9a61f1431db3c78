import type { MaintenanceView } from '../../contracts/alarms.js';
import type { Recurrence } from '../../contracts/maintenance.js';
import type { StateDb } from './state-db.js';

/** A recurring window as stored: the rule, without what is computed from it at a given time. */
export interface RecurringRow {
  id: number; depot: string; device: MaintenanceView['device']; reason: string; by: string; createdAt: number;
  recurrence: Recurrence; timeZone: string; from: number; until: number | null; deletedAt: number | null;
}
export type NewRecurring = Omit<RecurringRow, 'id' | 'deletedAt'>;

interface Row {
  id: number; depot: string; device_type: 'sensor' | 'camera' | null; device_id: string | null; reason: string; by: string; created_at: number;
  recurrence: string; time_zone: string; from_at: number; until_at: number | null; deleted_at: number | null;
}
interface OccurrenceRow { id: number; depot: string; device_type: 'sensor' | 'camera' | null; device_id: string | null; reason: string; by: string; from_at: number; until_at: number; ended_at: number | null; recurring_id: number }

const toRow = (r: Row): RecurringRow => ({
  id: r.id, depot: r.depot, device: r.device_type && r.device_id ? { type: r.device_type, id: r.device_id } : null, reason: r.reason, by: r.by,
  createdAt: r.created_at, recurrence: JSON.parse(r.recurrence) as Recurrence, timeZone: r.time_zone, from: r.from_at, until: r.until_at, deletedAt: r.deleted_at,
});
const toOccurrence = (r: OccurrenceRow): MaintenanceView => ({
  id: r.id, depot: r.depot, device: r.device_type && r.device_id ? { type: r.device_type, id: r.device_id } : null,
  reason: r.reason, by: r.by, from: r.from_at, until: r.until_at, endedAt: r.ended_at, recurringId: r.recurring_id,
});

/**
 * Recurring maintenance rules in the state database, beside the one-off windows their occurrences
 * become (the `maintenance` rows with a `recurring_id`). A deleted rule keeps its row, marked, so the
 * occurrences that ran still say what they belonged to.
 */
export function createRecurringMaintenanceRepo(db: StateDb) {
  const insert = db.prepare(`INSERT INTO maintenance_recurring (depot, device_type, device_id, reason, by, created_at, recurrence, time_zone, from_at, until_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const byId = db.prepare<[number], Row>('SELECT * FROM maintenance_recurring WHERE id = ?');
  const live = db.prepare<[], Row>('SELECT * FROM maintenance_recurring WHERE deleted_at IS NULL ORDER BY depot, id');
  const markDeleted = db.prepare('UPDATE maintenance_recurring SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL');
  const latestStarts = db.prepare<[], { recurring_id: number; from_at: number }>(
    'SELECT recurring_id, MAX(from_at) AS from_at FROM maintenance WHERE recurring_id IS NOT NULL GROUP BY recurring_id');
  const recent = db.prepare<[number, number], OccurrenceRow>('SELECT * FROM maintenance WHERE recurring_id = ? ORDER BY from_at DESC LIMIT ?');

  return {
    /** inserts a rule and runs `after` (its audit entry) in the same transaction */
    create: (r: NewRecurring, after: (id: number) => void): RecurringRow =>
      db.transaction(() => {
        const info = insert.run(r.depot, r.device?.type ?? null, r.device?.id ?? null, r.reason, r.by, r.createdAt, JSON.stringify(r.recurrence), r.timeZone, r.from, r.until);
        const id = Number(info.lastInsertRowid);
        after(id);
        return toRow(byId.get(id) as Row);
      })(),
    get: (id: number): RecurringRow | undefined => { const r = byId.get(id); return r && toRow(r); },
    /** every rule not deleted */
    live: (): RecurringRow[] => live.all().map(toRow),
    /** marks a rule deleted and runs `after` in the same transaction; false when it was deleted already */
    remove: (id: number, at: number, after: () => void): boolean =>
      db.transaction(() => {
        if (markDeleted.run(at, id).changes === 0) return false;
        after();
        return true;
      })(),
    /** the start of each rule's latest occurrence that was opened: an occurrence is opened once */
    latestOccurrenceStarts: (): Map<number, number> => new Map(latestStarts.all().map((r) => [r.recurring_id, r.from_at])),
    recentOccurrences: (id: number, n: number): MaintenanceView[] => recent.all(id, n).map(toOccurrence),
  };
}
export type RecurringMaintenanceRepo = ReturnType<typeof createRecurringMaintenanceRepo>;
