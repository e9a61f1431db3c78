import type { ConfigChange } from '../../domain/config-diff.js';
import type { ConfigSource, ConfigStore, ConfigVersionMeta, ConfigVersionRecord } from '../../ports/config-store.js';
import type { StateDb } from './state-db.js';

interface Row { n: number; at: number; author: string; comment: string; source: ConfigSource; rollback_of: number | null; hash: string; config: string; diff: string }
type MetaRow = Omit<Row, 'config' | 'diff'> & { changes: number };

const META = "n, at, author, comment, source, rollback_of, hash, json_array_length(diff) AS changes";
const toMeta = (r: MetaRow): ConfigVersionMeta => ({ n: r.n, at: r.at, author: r.author, comment: r.comment, source: r.source, rollbackOf: r.rollback_of, hash: r.hash, changes: r.changes });
const toRecord = (r: Row): ConfigVersionRecord => {
  const diff = JSON.parse(r.diff) as ConfigChange[];
  return { ...toMeta({ ...r, changes: diff.length }), config: JSON.parse(r.config) as unknown, diff };
};

export class ConfigVersionTaken extends Error {}

/** Configuration versions in the state database (migration `config_versions`). */
export function createConfigRepo(db: StateDb): ConfigStore {
  const latest = db.prepare<[], Row>('SELECT * FROM config_versions ORDER BY n DESC LIMIT 1');
  const byN = db.prepare<[number], Row>('SELECT * FROM config_versions WHERE n = ?');
  const list = db.prepare<[number, number], MetaRow>(`SELECT ${META} FROM config_versions WHERE n < ? ORDER BY n DESC LIMIT ?`);
  const provisioned = db.prepare<[], MetaRow>(`SELECT ${META} FROM config_versions WHERE source = 'provisioned' ORDER BY n DESC LIMIT 1`);
  const maxN = db.prepare<[], { n: number | null }>('SELECT max(n) AS n FROM config_versions');
  const insert = db.prepare('INSERT INTO config_versions (n, at, author, comment, source, rollback_of, hash, config, diff) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');

  return {
    latest: () => { const r = latest.get(); return r && toRecord(r); },
    get: (n) => { const r = byN.get(n); return r && toRecord(r); },
    list: (q) => list.all(q.before ?? Number.MAX_SAFE_INTEGER, q.limit).map(toMeta),
    latestProvisioned: () => { const r = provisioned.get(); return r && toMeta(r); },
    append(v) {
      // another process may have written since we read: the next number is a fact of the table, not of memory
      const next = (maxN.get()?.n ?? 0) + 1;
      if (v.n !== next) throw new ConfigVersionTaken(`version ${v.n} is not the next one (${next})`);
      insert.run(v.n, v.at, v.author, v.comment, v.source, v.rollbackOf, v.hash, JSON.stringify(v.config), JSON.stringify(v.diff));
    },
    // IMMEDIATE: take the write lock before reading the latest version, so the check and the insert are one step
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
  };
}
