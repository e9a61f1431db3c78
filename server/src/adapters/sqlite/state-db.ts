import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { chainHash, GENESIS, type ChainRow } from '../../domain/audit-chain.js';

export type StateDb = Database.Database;

/** SQL, or a step that needs code (hashing rows) as well */
type Migration = string | ((db: StateDb) => void);

/**
 * The relational store for users, sessions and (later) incidents, audit and configuration versions.
 * Each migration runs once, in order, inside a transaction; `user_version` records how far we got.
 */
const MIGRATIONS: readonly Migration[] = [
  `CREATE TABLE users (
     id INTEGER PRIMARY KEY,
     username TEXT NOT NULL UNIQUE COLLATE NOCASE,
     password_hash TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('admin','officer','guard','engineer','display')),
     depots TEXT,            -- JSON array of depot ids, NULL = every depot
     disabled INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,  -- sha256 of the bearer token; the token itself is never stored
     user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     csrf_token TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     last_used_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE INDEX sessions_user ON sessions(user_id);`,
  // alarms and incidents keep their whole record as JSON beside the columns that queries filter on
  `CREATE TABLE alarms (
     id TEXT PRIMARY KEY,
     depot TEXT NOT NULL,
     state TEXT NOT NULL,
     incident_id TEXT,
     updated_at INTEGER NOT NULL,
     data TEXT NOT NULL
   );
   CREATE INDEX alarms_depot ON alarms(depot);
   CREATE INDEX alarms_state ON alarms(state);
   CREATE TABLE incidents (
     id TEXT PRIMARY KEY,
     seq INTEGER NOT NULL UNIQUE,
     depot TEXT NOT NULL,
     state TEXT NOT NULL,
     severity TEXT NOT NULL,
     opened_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     data TEXT NOT NULL
   );
   CREATE INDEX incidents_state ON incidents(state, updated_at);
   CREATE INDEX incidents_depot ON incidents(depot, updated_at);
   CREATE TABLE timeline (
     id INTEGER PRIMARY KEY,
     incident_id TEXT NOT NULL REFERENCES incidents(id),
     at INTEGER NOT NULL,
     type TEXT NOT NULL,
     actor TEXT NOT NULL,
     note TEXT,
     alarm_id TEXT,
     detail TEXT
   );
   CREATE INDEX timeline_incident ON timeline(incident_id, id);
   CREATE TABLE audit (
     id INTEGER PRIMARY KEY,
     at INTEGER NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     target TEXT NOT NULL,
     depot TEXT,
     note TEXT,
     detail TEXT
   );
   CREATE INDEX audit_at ON audit(at);
   CREATE TABLE maintenance (
     id INTEGER PRIMARY KEY,
     depot TEXT NOT NULL,
     device_type TEXT,
     device_id TEXT,
     reason TEXT NOT NULL,
     by TEXT NOT NULL,
     from_at INTEGER NOT NULL,
     until_at INTEGER NOT NULL,
     ended_at INTEGER
   );`,
  // the audit log becomes a hash chain (domain/audit-chain.ts): existing entries are chained in id
  // order, then triggers make the table append-only for everyone who goes through SQLite
  (db) => {
    db.exec('ALTER TABLE audit ADD COLUMN hash TEXT');
    const rows = db.prepare<[], Omit<ChainRow, 'hash'>>('SELECT id, at, actor, action, target, depot, note, detail FROM audit ORDER BY id');
    const setHash = db.prepare('UPDATE audit SET hash = ? WHERE id = ?');
    let prev = GENESIS;
    for (const r of rows.all()) {
      prev = chainHash(prev, r);
      setHash.run(prev, r.id);
    }
    db.exec(`CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END;
             CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit entries cannot be deleted'); END;`);
  },
  // the generated first password (and one an admin set) must be changed at first login
  `ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;`,
  // the site configuration as numbered versions (issue 8): the whole config and its diff to the previous one
  `CREATE TABLE config_versions (
     n INTEGER PRIMARY KEY,
     at INTEGER NOT NULL,
     author TEXT NOT NULL,
     comment TEXT NOT NULL,
     source TEXT NOT NULL CHECK (source IN ('provisioned','api','rollback')),
     rollback_of INTEGER,
     hash TEXT NOT NULL,     -- sha256 of the canonical config JSON: a provisioned file set is compared by it
     config TEXT NOT NULL,
     diff TEXT NOT NULL
   );`,
  // recurring maintenance windows (issue 8): the rule lives here, each occurrence becomes a maintenance
  // row with its recurring_id, so suppression, expiry and audit are the one-off window's
  `CREATE TABLE maintenance_recurring (
     id INTEGER PRIMARY KEY,
     depot TEXT NOT NULL,
     device_type TEXT,
     device_id TEXT,
     reason TEXT NOT NULL,
     by TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     recurrence TEXT NOT NULL,  -- JSON, domain/recurrence.ts Recurrence
     time_zone TEXT NOT NULL,
     from_at INTEGER NOT NULL,
     until_at INTEGER,
     deleted_at INTEGER
   );
   ALTER TABLE maintenance ADD COLUMN recurring_id INTEGER;  -- maintenance_recurring.id; no foreign key, so the rule's row can go on its own
   CREATE INDEX maintenance_recurring_occurrence ON maintenance(recurring_id, from_at);`,
  // the engineer's desk across a restart (engineer-state-repo.ts): discovered devices an engineer ignored,
  // and each depot's last collector status and last-heard time. Rejection tallies stay in memory, "since" the start.
  `CREATE TABLE discovered_ignored (
     key TEXT PRIMARY KEY,
     depot TEXT NOT NULL,
     device TEXT NOT NULL     -- JSON, contracts/collectors.ts DiscoveredView with its ignored { by, at, note }
   );
   CREATE TABLE collector_state (
     depot TEXT PRIMARY KEY,
     state TEXT NOT NULL CHECK (state IN ('online','offline')),
     status_ts INTEGER NOT NULL,
     since INTEGER NOT NULL,
     version TEXT,
     config_version INTEGER,
     spooled INTEGER NOT NULL,
     dropped INTEGER NOT NULL,
     last_seen INTEGER
   );`,
  // alarm health's standing alarms: each alarm's last transition before the window, found per alarm
  `CREATE INDEX audit_alarm_target ON audit(target, at) WHERE action = 'alarm.transition';`,
];

export function openStateDb(path: string): StateDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL: an acknowledgement or a user change that was answered 200 must survive a power cut
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      const m = MIGRATIONS[v] as Migration;
      if (typeof m === 'string') db.exec(m);
      else m(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}

/**
 * Opens an existing state database for reading only, without migrating it: tools that inspect a
 * deployment (npm run audit:verify) must not change the file they check.
 */
export function openStateDbReadOnly(path: string): StateDb {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

/** whether the audit log has been chained (migration 3 has run) */
export function hasAuditChain(db: StateDb): boolean {
  return db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('audit')").all().some((c) => c.name === 'hash');
}
