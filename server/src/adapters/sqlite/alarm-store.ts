import type { AuditEntry, MaintenanceView } from '../../contracts/alarms.js';
import { stateOf, type Alarm } from '../../domain/alarm-engine.js';
import { chainHash, GENESIS, type ChainRow } from '../../domain/audit-chain.js';
import type { Incident, TimelineEntry } from '../../domain/incidents.js';
import { MaintenanceEndedError, type AlarmChange, type AlarmStore, type AuditInput, type AuditQuery, type IncidentQuery } from '../../ports/alarm-store.js';
import type { StateDb } from './state-db.js';

interface TimelineRow { incident_id: string; at: number; type: TimelineEntry['type']; actor: string; note: string | null; alarm_id: string | null; detail: string | null }
interface AuditRow { id: number; at: number; actor: string; action: string; target: string; depot: string | null; note: string | null; detail: string | null }
interface MaintenanceRow { id: number; depot: string; device_type: 'sensor' | 'camera' | null; device_id: string | null; reason: string; by: string; from_at: number; until_at: number; ended_at: number | null; recurring_id: number | null }

const toTimeline = (r: TimelineRow): TimelineEntry => ({
  incidentId: r.incident_id, at: r.at, type: r.type, actor: r.actor,
  ...(r.note !== null ? { note: r.note } : {}), ...(r.alarm_id !== null ? { alarmId: r.alarm_id } : {}), ...(r.detail !== null ? { detail: r.detail } : {}),
});
const toAudit = (r: AuditRow): AuditEntry => ({
  id: r.id, at: r.at, actor: r.actor, action: r.action, target: r.target, depot: r.depot, note: r.note,
  detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
});
const toMaintenance = (r: MaintenanceRow): MaintenanceView => ({
  id: r.id, depot: r.depot, device: r.device_type && r.device_id ? { type: r.device_type, id: r.device_id } : null,
  reason: r.reason, by: r.by, from: r.from_at, until: r.until_at, endedAt: r.ended_at, ...(r.recurring_id !== null ? { recurringId: r.recurring_id } : {}),
});
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(',');
const incidentSeq = (id: string) => Number(id.slice(4));

/** WHERE clauses for a scope: `null`/undefined is every depot, [] is none */
function depotScope(column: string, depots: readonly string[] | null | undefined, where: string[], args: (string | number)[], orNull = false): void {
  if (!depots) return;
  const inList = depots.length ? `${column} IN (${placeholders(depots.length)})` : '0';
  where.push(orNull ? `(${inList} OR ${column} IS NULL)` : inList);
  args.push(...depots);
}

function incidentWhere(q: Omit<IncidentQuery, 'limit'>): { w: string; args: (string | number)[] } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (q.states?.length) { where.push(`state IN (${placeholders(q.states.length)})`); args.push(...q.states); }
  if (q.depot) { where.push('depot = ?'); args.push(q.depot); }
  depotScope('depot', q.depots, where, args);
  if (q.severity) { where.push('severity = ?'); args.push(q.severity); }
  // an incident belongs to a time range when its life overlaps it
  if (q.from !== undefined) { where.push('updated_at >= ?'); args.push(q.from); }
  if (q.to !== undefined) { where.push('opened_at < ?'); args.push(q.to); }
  return { w: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
}

export function createSqliteAlarmStore(db: StateDb): AlarmStore {
  const upsertAlarm = db.prepare('INSERT INTO alarms (id, depot, state, incident_id, updated_at, data) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state, incident_id = excluded.incident_id, updated_at = excluded.updated_at, data = excluded.data');
  const upsertIncident = db.prepare('INSERT INTO incidents (id, seq, depot, state, severity, opened_at, updated_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state, severity = excluded.severity, updated_at = excluded.updated_at, data = excluded.data');
  const insertTimeline = db.prepare('INSERT INTO timeline (incident_id, at, type, actor, note, alarm_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertAudit = db.prepare('INSERT INTO audit (id, at, actor, action, target, depot, note, detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const auditHead = db.prepare<[], { id: number; hash: string | null }>('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1');
  const auditChainRows = db.prepare<[number, number], ChainRow>('SELECT id, at, actor, action, target, depot, note, detail, hash FROM audit WHERE id > ? ORDER BY id LIMIT ?');
  const auditCount = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM audit');
  const auditHash = db.prepare<[number], { hash: string | null }>('SELECT hash FROM audit WHERE id = ?');
  const maxSeq = db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM incidents');
  const incidentById = db.prepare<[string], { data: string }>('SELECT data FROM incidents WHERE id = ?');
  const timelineOf = db.prepare<[string, number], TimelineRow>('SELECT incident_id, at, type, actor, note, alarm_id, detail FROM timeline WHERE incident_id = ? ORDER BY id DESC LIMIT ?');
  const timelineCount = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM timeline WHERE incident_id = ?');
  const insertMaintenance = db.prepare('INSERT INTO maintenance (depot, device_type, device_id, reason, by, from_at, until_at, recurring_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const maintenanceById = db.prepare<[number], MaintenanceRow>('SELECT * FROM maintenance WHERE id = ?');
  const endMaintenance = db.prepare('UPDATE maintenance SET ended_at = ? WHERE id = ? AND ended_at IS NULL');
  const activeMaintenance = db.prepare<[number], MaintenanceRow>('SELECT * FROM maintenance WHERE ended_at IS NULL AND until_at > ? ORDER BY from_at');

  // Incident ids are short and sequential ("INC-000042") because officers read them out on the radio;
  // the number moves on only with a committed incident, so a failed commit skips none.
  let seq = maxSeq.get()?.seq ?? 0;

  /**
   * Appends entries to the hash chain. Only ever called inside a transaction, so the head read at its
   * start cannot move under it (better-sqlite3 is synchronous; one process writes this file).
   */
  const writeAudit = (entries: readonly AuditInput[]) => {
    if (entries.length === 0) return;
    const head = auditHead.get();
    let id = head?.id ?? 0;
    let prev = head?.hash ?? GENESIS;
    for (const a of entries) {
      const row = { id: ++id, at: a.at, actor: a.actor, action: a.action, target: a.target, depot: a.depot, note: a.note, detail: a.detail ? JSON.stringify(a.detail) : null };
      prev = chainHash(prev, row);
      insertAudit.run(row.id, row.at, row.actor, row.action, row.target, row.depot, row.note, row.detail, prev);
    }
  };

  const commit = db.transaction((change: AlarmChange): { started?: MaintenanceView; seq: number } => {
    let started: MaintenanceView | undefined;
    if (change.startMaintenance) {
      const m = change.startMaintenance.window;
      const info = insertMaintenance.run(m.depot, m.device?.type ?? null, m.device?.id ?? null, m.reason, m.by, m.from, m.until, m.recurringId ?? null);
      started = { ...m, id: Number(info.lastInsertRowid), endedAt: null };
      writeAudit([{ ...change.startMaintenance.audit, target: `maintenance:${started.id}` }]);
    }
    for (const e of change.endMaintenance ?? []) if (endMaintenance.run(e.at, e.id).changes === 0 && e.mustBeOpen) throw new MaintenanceEndedError(e.id);
    for (const a of change.alarms ?? []) upsertAlarm.run(a.id, a.depot, stateOf(a), a.incidentId, a.updatedAt, JSON.stringify(a));
    let top = seq;
    for (const i of change.incidents ?? []) {
      const n = incidentSeq(i.id);
      upsertIncident.run(i.id, n, i.depot, i.state, i.severity, i.openedAt, i.updatedAt, JSON.stringify(i));
      top = Math.max(top, n);
    }
    for (const t of change.timeline ?? []) insertTimeline.run(t.incidentId, t.at, t.type, t.actor, t.note ?? null, t.alarmId ?? null, t.detail ?? null);
    writeAudit(change.audit ?? []);
    return { ...(started ? { started } : {}), seq: top };
  });

  return {
    commit(change) {
      const { seq: top, ...rest } = commit(change);
      seq = top;
      return rest;
    },
    lastIncidentSeq: () => seq,
    loadActive() {
      const alarms = db.prepare<[], { data: string }>("SELECT data FROM alarms WHERE state != 'normal' OR json_extract(data, '$.active') = 1").all().map((r) => JSON.parse(r.data) as Alarm);
      const incidents = db.prepare<[], { data: string }>("SELECT data FROM incidents WHERE state != 'closed'").all().map((r) => JSON.parse(r.data) as Incident);
      return { alarms, incidents };
    },
    incident(id) {
      const r = incidentById.get(id);
      return r && (JSON.parse(r.data) as Incident);
    },
    incidents(q: IncidentQuery) {
      const { w, args } = incidentWhere(q);
      // one row more than asked tells whether the page was cut; only then is the total counted
      const rows = db.prepare<(string | number)[], { data: string }>(`SELECT data FROM incidents ${w} ORDER BY updated_at DESC LIMIT ?`).all(...args, q.limit + 1);
      const total = rows.length > q.limit ? (db.prepare<(string | number)[], { n: number }>(`SELECT count(*) AS n FROM incidents ${w}`).get(...args)?.n ?? rows.length) : rows.length;
      return { items: rows.slice(0, q.limit).map((r) => JSON.parse(r.data) as Incident), total };
    },
    incidentSummary(q) {
      const { w, args } = incidentWhere(q);
      const r = db.prepare<(string | number)[], { n: number; critical: number | null; open: number | null; acked: number | null; escalated: number | null }>(
        `SELECT count(*) AS n, sum(severity = 'critical') AS critical, sum(state IN ('open', 'acknowledged')) AS open,
           sum(EXISTS (SELECT 1 FROM timeline t WHERE t.incident_id = incidents.id AND t.type = 'acknowledged')) AS acked,
           sum(json_extract(data, '$.escalatedAt') IS NOT NULL) AS escalated
         FROM incidents ${w}`).get(...args);
      return { incidents: r?.n ?? 0, critical: r?.critical ?? 0, stillOpen: r?.open ?? 0, acknowledged: r?.acked ?? 0, escalated: r?.escalated ?? 0 };
    },
    alarmsOf(ids) {
      if (ids.length === 0) return [];
      return db.prepare<string[], { data: string }>(`SELECT data FROM alarms WHERE id IN (${placeholders(ids.length)})`).all(...ids).map((r) => JSON.parse(r.data) as Alarm);
    },
    timeline(incidentId, latest) {
      const entries = timelineOf.all(incidentId, latest ?? -1).map(toTimeline).reverse();
      const total = latest !== undefined && entries.length === latest ? (timelineCount.get(incidentId)?.n ?? entries.length) : entries.length;
      return { entries, total };
    },
    audit(q: AuditQuery) {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (q.before !== undefined) { where.push('id < ?'); args.push(q.before); }
      if (q.actor) { where.push('actor = ?'); args.push(q.actor); }
      if (q.action) { where.push('action = ?'); args.push(q.action); }
      if (q.from !== undefined) { where.push('at >= ?'); args.push(q.from); }
      if (q.to !== undefined) { where.push('at < ?'); args.push(q.to); }
      depotScope('depot', q.depots, where, args, q.siteWide !== false);
      if (q.siteWide === false) where.push('depot IS NOT NULL');
      for (const a of q.excludeActions ?? []) {
        if (a.endsWith('.')) { where.push("substr(action, 1, ?) != ?"); args.push(a.length, a); } else { where.push('action != ?'); args.push(a); }
      }
      const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const rows = db.prepare<(string | number)[], AuditRow>(`SELECT id, at, actor, action, target, depot, note, detail FROM audit ${w} ORDER BY id DESC LIMIT ?`).all(...args, q.limit + 1);
      const total = rows.length > q.limit ? (db.prepare<(string | number)[], { n: number }>(`SELECT count(*) AS n FROM audit ${w}`).get(...args)?.n ?? rows.length) : rows.length;
      return { items: rows.slice(0, q.limit).map(toAudit), total };
    },
    auditChain: (afterId, limit) => auditChainRows.all(afterId, limit),
    auditCount: () => auditCount.get()?.n ?? 0,
    auditHead: () => { const h = auditHead.get(); return h?.hash ? { id: h.id, hash: h.hash } : null; },
    auditHash: (id) => auditHash.get(id)?.hash ?? undefined,
    maintenance: (id) => { const r = maintenanceById.get(id); return r && toMaintenance(r); },
    activeMaintenance: (now) => activeMaintenance.all(now).map(toMaintenance),
  };
}
