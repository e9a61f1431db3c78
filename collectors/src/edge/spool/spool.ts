import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../../../lib/logger.js';
import type { EdgeReading } from '../reading.js';
import { bytesToFree, deviceKey, isStateReading, rowBytes } from './policy.js';

/** One reading waiting in the spool, in arrival order (`seq`). */
export interface SpooledReading { seq: number; device: string; reading: EdgeReading }

export interface SpoolStats {
  /** readings held, not yet acknowledged by the broker */
  spooled: number;
  /** readings discarded by the retention policy since this process started (SPEC §3 `dropped`) */
  dropped: number;
  /** what the held readings cost against `maxBytes` */
  bytes: number;
}

export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  maxAgeHours: number;
  now: () => number;
  logger: Logger;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS readings (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  device TEXT NOT NULL,
  ts INTEGER NOT NULL,
  keep INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  reading TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS readings_device ON readings (device, seq);
CREATE INDEX IF NOT EXISTS readings_keep ON readings (keep, seq);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;
const EVICT_CHUNK = 1000;
const SUPERSEDED = 'EXISTS (SELECT 1 FROM readings n WHERE n.device = readings.device AND n.seq > readings.seq)';

/**
 * The edge's on-disk store and forward (SQLite in WAL mode, `spool.db` in `spool.dir`). Every reading is
 * appended here before it is published and removed only when the broker acknowledged it (PUBACK), so a
 * kill -9 loses nothing that was appended: a committed WAL transaction survives the process (synchronous=NORMAL
 * risks only the last transactions on a power cut, not on a crash). Bounded by bytes and age with the policy
 * of `policy.ts`.
 */
export function openSpool(opts: SpoolOptions) {
  mkdirSync(opts.dir, { recursive: true });
  const db = new Database(join(opts.dir, 'spool.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  const log = opts.logger;

  const q = {
    insert: db.prepare<[string, number, number, number, string]>('INSERT INTO readings (device, ts, keep, bytes, reading) VALUES (?, ?, ?, ?, ?)'),
    page: db.prepare<[number, number], { seq: number; device: string; reading: string }>('SELECT seq, device, reading FROM readings WHERE seq > ? ORDER BY seq LIMIT ?'),
    remove: db.prepare<[number], { bytes: number }>('DELETE FROM readings WHERE seq = ? RETURNING bytes'),
    totals: db.prepare<[], { n: number; bytes: number | null }>('SELECT COUNT(*) AS n, SUM(bytes) AS bytes FROM readings'),
    expire: db.prepare<[number], { bytes: number }>(`DELETE FROM readings WHERE ts < ? AND (keep = 0 OR ${SUPERSEDED}) RETURNING bytes`),
    oldestTelemetry: db.prepare<[number], { seq: number; bytes: number }>('SELECT seq, bytes FROM readings WHERE keep = 0 ORDER BY seq LIMIT ?'),
    dropTelemetryUpTo: db.prepare<[number], { bytes: number }>('DELETE FROM readings WHERE keep = 0 AND seq <= ? RETURNING bytes'),
    oldestSuperseded: db.prepare<[number], { seq: number; bytes: number }>(`SELECT seq, bytes FROM readings WHERE keep = 1 AND ${SUPERSEDED} ORDER BY seq LIMIT ?`),
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
  };

  const t = q.totals.get();
  let spooled = t?.n ?? 0;
  let bytes = t?.bytes ?? 0;
  let dropped = 0;

  const removeMany = db.transaction((seqs: readonly number[]) => {
    let n = 0;
    for (const seq of seqs) {
      const r = q.remove.get(seq);
      if (r) { n++; bytes -= r.bytes; }
    }
    spooled -= n;
    return n;
  });

  const discard = (rows: readonly { bytes: number }[]): number => {
    for (const r of rows) bytes -= r.bytes;
    spooled -= rows.length;
    dropped += rows.length;
    return rows.length;
  };

  /** drops readings until the byte budget holds: oldest telemetry, then oldest superseded states */
  const enforceBytes = db.transaction((): number => {
    let need = bytesToFree(bytes, opts.maxBytes);
    let n = 0;
    while (need > 0) {
      const rows = q.oldestTelemetry.all(EVICT_CHUNK);
      if (rows.length === 0) break;
      let upTo = 0;
      for (const r of rows) { upTo = r.seq; need -= r.bytes; if (need <= 0) break; }
      n += discard(q.dropTelemetryUpTo.all(upTo));
    }
    while (need > 0) {
      const rows = q.oldestSuperseded.all(EVICT_CHUNK);
      if (rows.length === 0) break;
      for (const r of rows) {
        const gone = q.remove.get(r.seq);
        if (gone) { n += discard([gone]); need -= gone.bytes; }
        if (need <= 0) break;
      }
    }
    return n;
  });

  function enforce(): number {
    const cutoff = opts.now() - opts.maxAgeHours * 3600_000;
    const expired = discard(q.expire.all(cutoff));
    const evicted = bytes > opts.maxBytes ? enforceBytes() : 0;
    if (expired + evicted > 0) log.warn({ expired, evicted, dropped, spooled, bytes }, 'spool over its bounds: readings dropped by policy');
    return expired + evicted;
  }

  return {
    /** appends one reading durably; returns its sequence number */
    append(reading: EdgeReading): number {
      const device = deviceKey(reading);
      const json = JSON.stringify(reading);
      const size = rowBytes(json, device);
      const seq = Number(q.insert.run(device, reading.payload.ts, isStateReading(reading) ? 1 : 0, size, json).lastInsertRowid);
      spooled++;
      bytes += size;
      if (bytes > opts.maxBytes) enforce();
      return seq;
    },
    /** up to `limit` readings after `afterSeq`, oldest first */
    page(afterSeq: number, limit: number): SpooledReading[] {
      return q.page.all(afterSeq, limit).map((r) => ({ seq: r.seq, device: r.device, reading: JSON.parse(r.reading) as EdgeReading }));
    },
    /** the broker acknowledged these readings: they leave the spool */
    remove(seqs: readonly number[]): number {
      return seqs.length ? removeMany(seqs) : 0;
    },
    /** applies the age bound (call it now and then) and the byte bound; returns how many were dropped */
    enforce,
    stats: (): SpoolStats => ({ spooled, dropped, bytes }),
    /** small durable settings of the edge (the centre's last configuration) kept beside the readings */
    getMeta: (key: string): string | undefined => q.getMeta.get(key)?.value,
    setMeta: (key: string, value: string): void => { q.setMeta.run(key, value); },
    close(): void {
      if (db.open) db.close();
    },
  };
}
export type Spool = ReturnType<typeof openSpool>;
