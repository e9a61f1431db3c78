import type { AuditEntry, MaintenanceView } from '../../contracts/alarms.js';
import { stateOf, type Alarm } from '../../domain/alarm-engine.js';
import type { Incident, TimelineEntry } from '../../domain/incidents.js';
import type { AlarmChange, AlarmStore, AuditInput } from '../../ports/alarm-store.js';
import type { StateDb } from './state-db.js';

interface TimelineRow { incident_id: string; at: number; type: TimelineEntry['type']; actor: string; note: string | null; alarm_id: string | null; detail: string | null }
interface AuditRow { id: number; at: number; actor: string; action: string; target: string; depot: string | null; note: string | null; detail: string | null }
interface MaintenanceRow { id: number; depot: string; device_type: 'sensor' | 'camera' | null; device_id: string | null; reason: string; by: string; from_at: number; until_at: number; ended_at: number | null }

const toTimeline = (r: TimelineRow): TimelineEntry => ({
  incidentId: r.incident_id, at: r.at, type: r.type, actor: r.actor,
  ...(r.note !== null ? { note: r.note } : {}), ...(r.alarm_id !== null ? { alarmId: r.alarm_id } : {}), ...(r.detail !== null ? { detail: r.detail } : {}),
});
const toAudit = (r: AuditRow): AuditEntry => ({ ...r, detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>) });
const toMaintenance = (r: MaintenanceRow): MaintenanceView => ({
  id: r.id, depot: r.depot, device: r.device_type && r.device_id ? { type: r.device_type, id: r.device_id } : null,
  reason: r.reason, by: r.by, from: r.from_at, until: r.until_at, endedAt: r.ended_at,
});

export function createSqliteAlarmStore(db: StateDb): AlarmStore {
  const upsertAlarm = db.prepare('INSERT INTO alarms (id, depot, state, incident_id, updated_at, data) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state, incident_id = excluded.incident_id, updated_at = excluded.updated_at, data = excluded.data');
  const upsertIncident = db.prepare('INSERT INTO incidents (id, seq, depot, state, severity, opened_at, updated_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state, severity = excluded.severity, updated_at = excluded.updated_at, data = excluded.data');
  const insertTimeline = db.prepare('INSERT INTO timeline (incident_id, at, type, actor, note, alarm_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertAudit = db.prepare('INSERT INTO audit (at, actor, action, target, depot, note, detail) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const maxSeq = db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM incidents');
  const incidentById = db.prepare<[string], { data: string }>('SELECT data FROM incidents WHERE id = ?');
  const timelineOf = db.prepare<[string, number], TimelineRow>('SELECT incident_id, at, type, actor, note, alarm_id, detail FROM timeline WHERE incident_id = ? ORDER BY id DESC LIMIT ?');
  const timelineCount = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM timeline WHERE incident_id = ?');
  const insertMaintenance = db.prepare('INSERT INTO maintenance (depot, device_type, device_id, reason, by, from_at, until_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const maintenanceById = db.prepare<[number], MaintenanceRow>('SELECT * FROM maintenance WHERE id = ?');
  const endMaintenance = db.prepare('UPDATE maintenance SET ended_at = ? WHERE id = ? AND ended_at IS NULL');
  const activeMaintenance = db.prepare<[number], MaintenanceRow>('SELECT * FROM maintenance WHERE ended_at IS NULL AND until_at > ? ORDER BY from_at');

  // Incident ids are short and sequential ("INC-000042") because officers read them out on the radio.
  let seq = maxSeq.get()?.seq ?? 0;

  const writeAudit = (a: AuditInput) => insertAudit.run(a.at, a.actor, a.action, a.target, a.depot, a.note, a.detail ? JSON.stringify(a.detail) : null);

  const commit = db.transaction((change: AlarmChange) => {
    for (const a of change.alarms ?? []) upsertAlarm.run(a.id, a.depot, stateOf(a), a.incidentId, a.updatedAt, JSON.stringify(a));
    for (const i of change.incidents ?? []) upsertIncident.run(i.id, Number(i.id.slice(4)), i.depot, i.state, i.severity, i.openedAt, i.updatedAt, JSON.stringify(i));
    for (const t of change.timeline ?? []) insertTimeline.run(t.incidentId, t.at, t.type, t.actor, t.note ?? null, t.alarmId ?? null, t.detail ?? null);
    for (const a of change.audit ?? []) writeAudit(a);
  });

  return {
    commit: (change) => commit(change),
    nextIncidentId: () => `INC-${String(++seq).padStart(6, '0')}`,
    loadActive() {
      const alarms = db.prepare<[], { data: string }>("SELECT data FROM alarms WHERE state != 'normal' OR json_extract(data, '$.active') = 1").all().map((r) => JSON.parse(r.data) as Alarm);
      const incidents = db.prepare<[], { data: string }>("SELECT data FROM incidents WHERE state != 'closed'").all().map((r) => JSON.parse(r.data) as Incident);
      return { alarms, incidents };
    },
    incident(id) {
      const r = incidentById.get(id);
      return r && (JSON.parse(r.data) as Incident);
    },
    incidents(q) {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (q.states?.length) { where.push(`state IN (${q.states.map(() => '?').join(',')})`); args.push(...q.states); }
      if (q.depot) { where.push('depot = ?'); args.push(q.depot); }
      if (q.severity) { where.push('severity = ?'); args.push(q.severity); }
      // an incident belongs to a time range when its life overlaps it
      if (q.from !== undefined) { where.push('updated_at >= ?'); args.push(q.from); }
      if (q.to !== undefined) { where.push('opened_at < ?'); args.push(q.to); }
      const sql = `SELECT data FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC LIMIT ?`;
      return db.prepare<(string | number)[], { data: string }>(sql).all(...args, q.limit).map((r) => JSON.parse(r.data) as Incident);
    },
    alarmsOf(ids) {
      if (ids.length === 0) return [];
      return db.prepare<string[], { data: string }>(`SELECT data FROM alarms WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids).map((r) => JSON.parse(r.data) as Alarm);
    },
    timeline(incidentId, latest) {
      const entries = timelineOf.all(incidentId, latest ?? -1).map(toTimeline).reverse();
      const total = latest !== undefined && entries.length === latest ? (timelineCount.get(incidentId)?.n ?? entries.length) : entries.length;
      return { entries, total };
    },
    audit(q) {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (q.before !== undefined) { where.push('id < ?'); args.push(q.before); }
      if (q.actor) { where.push('actor = ?'); args.push(q.actor); }
      if (q.action) { where.push('action = ?'); args.push(q.action); }
      if (q.from !== undefined) { where.push('at >= ?'); args.push(q.from); }
      if (q.to !== undefined) { where.push('at < ?'); args.push(q.to); }
      const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
      return db.prepare<(string | number)[], AuditRow>(sql).all(...args, q.limit).map(toAudit);
    },
    addMaintenance: db.transaction((m: Omit<MaintenanceView, 'id' | 'endedAt'>, audit: AuditInput): MaintenanceView => {
      const info = insertMaintenance.run(m.depot, m.device?.type ?? null, m.device?.id ?? null, m.reason, m.by, m.from, m.until);
      writeAudit({ ...audit, target: `maintenance:${info.lastInsertRowid}` });
      return { ...m, id: Number(info.lastInsertRowid), endedAt: null };
    }),
    endMaintenance: db.transaction((id: number, at: number, audit: AuditInput): MaintenanceView | undefined => {
      if (endMaintenance.run(at, id).changes === 0) return undefined;
      writeAudit(audit);
      const r = maintenanceById.get(id);
      return r && toMaintenance(r);
    }),
    maintenance: (id) => { const r = maintenanceById.get(id); return r && toMaintenance(r); },
    activeMaintenance: (now) => activeMaintenance.all(now).map(toMaintenance),
  };
}
