import type { SnapshotOrigin } from '../../contracts/snapshots.js';
import type { StateDb } from './state-db.js';

/**
 * The snapshots' rows in the state database (the JPEGs themselves are files under DATA_DIR/snapshots, see
 * snapshot-files.ts): who took what when, its size and SHA-256, and what it is attached to. The tables are
 * created here, IF NOT EXISTS, rather than as a numbered migration of state-db.ts: they reference nothing the
 * other migrations change, and a feature's own tables need not fight over the next migration number.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS snapshots (
    id INTEGER PRIMARY KEY,
    depot TEXT NOT NULL,
    camera TEXT NOT NULL,
    ts INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    path TEXT NOT NULL,       -- relative to DATA_DIR/snapshots
    origin TEXT NOT NULL CHECK (origin IN ('edge','alarm','operator')),
    requested_by TEXT
  );
  CREATE INDEX IF NOT EXISTS snapshots_camera ON snapshots(depot, camera, ts);
  CREATE INDEX IF NOT EXISTS snapshots_ts ON snapshots(ts);
  CREATE TABLE IF NOT EXISTS snapshot_links (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    alarm_id TEXT NOT NULL DEFAULT '',     -- '' when attached to an incident only
    incident_id TEXT NOT NULL DEFAULT '',
    why TEXT NOT NULL CHECK (why IN ('alarm','operator')),
    raised_at INTEGER,                     -- the raise of the alarm it verifies (one picture per camera and raise)
    UNIQUE (snapshot_id, alarm_id, incident_id)
  );
  CREATE INDEX IF NOT EXISTS snapshot_links_alarm ON snapshot_links(alarm_id);
  CREATE INDEX IF NOT EXISTS snapshot_links_incident ON snapshot_links(incident_id);
`;

export interface SnapshotRow {
  id: number; depot: string; camera: string; ts: number; receivedAt: number; bytes: number; sha256: string; path: string;
  origin: SnapshotOrigin; requestedBy: string | null;
}
export type NewSnapshot = Omit<SnapshotRow, 'id'>;
export interface SnapshotLinks { alarms: string[]; incidents: string[] }

export interface SnapshotFilter {
  /** the caller's depots (null: every depot), in the query before the limit */
  depots: readonly string[] | null;
  depot?: string;
  camera?: string;
  alarm?: string;
  incident?: string;
  latestPerCamera?: boolean;
  limit: number;
}

interface Raw { id: number; depot: string; camera: string; ts: number; received_at: number; bytes: number; sha256: string; path: string; origin: SnapshotOrigin; requested_by: string | null }
const toRow = (r: Raw): SnapshotRow => ({
  id: r.id, depot: r.depot, camera: r.camera, ts: r.ts, receivedAt: r.received_at, bytes: r.bytes, sha256: r.sha256, path: r.path, origin: r.origin, requestedBy: r.requested_by,
});

export function createSnapshotRepo(db: StateDb) {
  db.exec(SCHEMA);
  const insert = db.prepare<[string, string, number, number, number, string, string, string, string | null]>(
    'INSERT INTO snapshots (depot, camera, ts, received_at, bytes, sha256, path, origin, requested_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const byId = db.prepare<[number], Raw>('SELECT * FROM snapshots WHERE id = ?');
  const link = db.prepare<[number, string, string, string, number | null]>(
    'INSERT OR IGNORE INTO snapshot_links (snapshot_id, alarm_id, incident_id, why, raised_at) VALUES (?, ?, ?, ?, ?)',
  );
  const setOrigin = db.prepare<[string, string | null, number]>('UPDATE snapshots SET origin = ?, requested_by = COALESCE(?, requested_by) WHERE id = ?');
  const near = db.prepare<[string, string, number, number], Raw>('SELECT * FROM snapshots WHERE depot = ? AND camera = ? AND ts BETWEEN ? AND ? ORDER BY ts');
  const autoLinked = db.prepare<[string, number, string], { n: number }>(
    `SELECT COUNT(*) AS n FROM snapshot_links l JOIN snapshots s ON s.id = l.snapshot_id
     WHERE l.alarm_id = ? AND l.raised_at = ? AND l.why = 'alarm' AND s.camera = ?`,
  );
  const linksOf = (ids: readonly number[]): Map<number, SnapshotLinks> => {
    const out = new Map<number, SnapshotLinks>(ids.map((id) => [id, { alarms: [], incidents: [] }]));
    if (ids.length === 0) return out;
    const rows = db.prepare<number[], { snapshot_id: number; alarm_id: string; incident_id: string }>(
      `SELECT snapshot_id, alarm_id, incident_id FROM snapshot_links WHERE snapshot_id IN (${ids.map(() => '?').join(',')})`,
    ).all(...ids);
    for (const r of rows) {
      const l = out.get(r.snapshot_id);
      if (!l) continue;
      if (r.alarm_id && !l.alarms.includes(r.alarm_id)) l.alarms.push(r.alarm_id);
      if (r.incident_id && !l.incidents.includes(r.incident_id)) l.incidents.push(r.incident_id);
    }
    return out;
  };

  return {
    insert(s: NewSnapshot): number {
      return Number(insert.run(s.depot, s.camera, s.ts, s.receivedAt, s.bytes, s.sha256, s.path, s.origin, s.requestedBy).lastInsertRowid);
    },
    get: (id: number): SnapshotRow | undefined => {
      const r = byId.get(id);
      return r ? toRow(r) : undefined;
    },
    linksOf,
    /** attaches a snapshot; false when it was attached so already */
    link(snapshotId: number, to: { alarmId?: string | null; incidentId?: string | null; why: 'alarm' | 'operator'; raisedAt?: number | null }): boolean {
      return link.run(snapshotId, to.alarmId ?? '', to.incidentId ?? '', to.why, to.raisedAt ?? null).changes > 0;
    },
    markOrigin: (id: number, origin: SnapshotOrigin, requestedBy: string | null) => { setOrigin.run(origin, requestedBy, id); },
    /** one camera's snapshots taken between `from` and `to`, oldest first */
    near: (depot: string, camera: string, from: number, to: number): SnapshotRow[] => near.all(depot, camera, from, to).map(toRow),
    /** whether this raise of the alarm has its automatic picture from this camera already */
    hasAutoLink: (alarmId: string, raisedAt: number, camera: string): boolean => (autoLinked.get(alarmId, raisedAt, camera)?.n ?? 0) > 0,
    list(f: SnapshotFilter): SnapshotRow[] {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (f.depots !== null) {
        if (f.depots.length === 0) return [];
        where.push(`s.depot IN (${f.depots.map(() => '?').join(',')})`);
        args.push(...f.depots);
      }
      if (f.depot !== undefined) { where.push('s.depot = ?'); args.push(f.depot); }
      if (f.camera !== undefined) { where.push('s.camera = ?'); args.push(f.camera); }
      if (f.alarm !== undefined) { where.push('s.id IN (SELECT snapshot_id FROM snapshot_links WHERE alarm_id = ?)'); args.push(f.alarm); }
      if (f.incident !== undefined) { where.push('s.id IN (SELECT snapshot_id FROM snapshot_links WHERE incident_id = ?)'); args.push(f.incident); }
      if (f.latestPerCamera) where.push('s.id = (SELECT s2.id FROM snapshots s2 WHERE s2.depot = s.depot AND s2.camera = s.camera ORDER BY s2.ts DESC, s2.id DESC LIMIT 1)');
      const sql = `SELECT s.* FROM snapshots s ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.ts DESC, s.id DESC LIMIT ?`;
      return db.prepare<(string | number)[], Raw>(sql).all(...args, f.limit).map(toRow);
    },
    /** every row's id, time and size, for the retention choice */
    retentionRows: () => db.prepare<[], { id: number; ts: number; bytes: number }>('SELECT id, ts, bytes FROM snapshots').all(),
    /** snapshots attached to an incident that is not closed (kept by the retention) */
    keptByOpenIncidents(): Set<number> {
      const rows = db.prepare<[], { snapshot_id: number }>(
        `SELECT DISTINCT l.snapshot_id FROM snapshot_links l JOIN incidents i ON i.id = l.incident_id WHERE i.state != 'closed'`,
      ).all();
      return new Set(rows.map((r) => r.snapshot_id));
    },
    paths(ids: readonly number[]): { id: number; path: string }[] {
      if (ids.length === 0) return [];
      return db.prepare<number[], { id: number; path: string }>(`SELECT id, path FROM snapshots WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids);
    },
    remove(ids: readonly number[]): void {
      const del = db.prepare<[number]>('DELETE FROM snapshots WHERE id = ?');
      db.transaction(() => { for (const id of ids) del.run(id); })();
    },
    totals: () => db.prepare<[], { n: number; bytes: number | null }>('SELECT COUNT(*) AS n, SUM(bytes) AS bytes FROM snapshots').get() ?? { n: 0, bytes: 0 },
  };
}
export type SnapshotRepo = ReturnType<typeof createSnapshotRepo>;
