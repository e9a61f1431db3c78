import { closeSync, fdatasync, fdatasyncSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { TelemetryPoint } from '../../contracts/telemetry.js';
import type { QueueDropReason, QueueRow, TelemetryQueue, TelemetryQueueStats } from '../../ports/telemetry-queue.js';
import type { Logger } from '../logger.js';

/**
 * The centre's telemetry queue on disk: accepted points wait here between the MQTT PUBACK and the
 * telemetry store, so neither a crash nor a long store outage loses what the broker handed over.
 *
 * - Group commit, with the flush to disk off the event loop. append() only buffers; one transaction takes
 *   every message that arrived in the same turn of the event loop (WAL, synchronous=NORMAL: the commit
 *   writes to the OS and returns without waiting for the disk), then the WAL file is fdatasync'ed on
 *   libuv's thread pool, and only when that returns do the group's `onDurable` callbacks run (they release
 *   the PUBACKs). That is synchronous=FULL's guarantee (a WAL commit is durable once the WAL is synced
 *   after it), but the one JavaScript thread that also runs the live board and the alarms no longer
 *   sits in fsync: that cost 1.5-2 ms a commit here, a few hundred commits a second at 1,000 msg/s, and
 *   tens of milliseconds each when other work loads the disk. While a sync is in flight, new messages
 *   wait and go to disk in the next group together: one sync at a time, as many messages as arrived.
 * - Bounded by bytes (the JSON of the queued points, `maxBytes`). Policy when full: the OLDEST rows that no
 *   write is using are deleted, and every point is counted (onDropped). Why the oldest: refusing new ones
 *   would have to stop acknowledging, which stalls the broker's in-flight window and with it the live
 *   board and the alarms; and the newest readings continue the series operators are looking at. Sized for
 *   the outage to be survived (README: about 130 bytes of JSON per reading).
 * - One process per file: the file is opened with an exclusive lock, and a second process that tries
 *   gets a clear error (several ingest processes on one host each need their own DATA_DIR).
 * Rows are removed by the writer only after the store accepted them, so replays after a crash are
 * possible and harmless: the stores rewrite a point with the same series and timestamp. A row may reach
 * the store before its sync returns; that is harmless too (its message is simply not acknowledged yet).
 */
export interface TelemetryQueueOptions {
  path: string;
  maxBytes: number;
  /** a group is committed at once when it reaches this many messages (default 2000), even while a sync is in flight */
  maxGroupRows?: number;
  logger: Logger;
  /** points deleted to keep the bound (or unreadable rows); counted on /metrics */
  onDropped?: (points: number, reason: QueueDropReason) => void;
  onChange?: (stats: TelemetryQueueStats) => void;
  /** each sync of the WAL: how long it took and how many messages it made durable (for /metrics) */
  onSynced?: (seconds: number, messages: number) => void;
  /** how the WAL file is flushed to disk: node:fs by default; tests hold and fail syncs */
  fdatasync?: FileSync;
}

export interface FileSync {
  /** off the event loop; `done` runs on it afterwards */
  async(fd: number, done: (err: Error | null) => void): void;
  /** blocking, for commit() (shutdown, tests) */
  now(fd: number): void;
}

const NODE_FILE_SYNC: FileSync = { async: fdatasync, now: fdatasyncSync };

const COMMIT_RETRY_MS = 500;
/** rows examined per step when making room */
const DROP_CHUNK = 1000;

export class QueueLockedError extends Error {}

export function openTelemetryQueue(opts: TelemetryQueueOptions): TelemetryQueue {
  const { logger } = opts;
  const maxGroupRows = opts.maxGroupRows ?? 2000;
  if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
  // no busy wait: a file another process holds is an error at once, not a 5 s stall
  const db = new Database(opts.path, { timeout: 0 });
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL: a commit does not wait for the disk (the WAL is synced below, off the event loop, before any
    // PUBACK); checkpoints still sync, so the file stays consistent after a power loss
    db.pragma('synchronous = NORMAL');
    // held from the first write until close: a second process on the same file fails at once below
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec(`CREATE TABLE IF NOT EXISTS queue (
      id INTEGER PRIMARY KEY,
      n INTEGER NOT NULL,
      bytes INTEGER NOT NULL,
      body TEXT NOT NULL
    )`);
    db.exec('BEGIN IMMEDIATE; COMMIT');
  } catch (err) {
    db.close();
    if (err instanceof Error && /SQLITE_BUSY|database is locked/i.test(`${(err as { code?: string }).code ?? ''} ${err.message}`)) {
      throw new QueueLockedError(`${opts.path}: the telemetry queue is in use by another process; give each ingest process its own DATA_DIR`);
    }
    throw err;
  }

  const insert = db.prepare<[number, number, number, string]>('INSERT INTO queue (id, n, bytes, body) VALUES (?, ?, ?, ?)');
  const readStmt = db.prepare<[number, number], { id: number; n: number; body: string }>('SELECT id, n, body FROM queue WHERE id > ? ORDER BY id LIMIT ?');
  const sizesAfter = db.prepare<[number, number], { id: number; n: number; bytes: number }>('SELECT id, n, bytes FROM queue WHERE id > ? ORDER BY id LIMIT ?');
  const rangeTotals = db.prepare<[number, number], { rows: number; points: number | null; bytes: number | null }>(
    'SELECT count(*) AS rows, sum(n) AS points, sum(bytes) AS bytes FROM queue WHERE id BETWEEN ? AND ?');
  const deleteRange = db.prepare<[number, number]>('DELETE FROM queue WHERE id BETWEEN ? AND ?');
  const totals = db.prepare<[], { rows: number; points: number | null; bytes: number | null }>('SELECT count(*) AS rows, sum(n) AS points, sum(bytes) AS bytes FROM queue').get();
  const state = { rows: totals?.rows ?? 0, points: totals?.points ?? 0, bytes: totals?.bytes ?? 0 };
  // Ids are handed out here, never reused within a process: SQLite would give an emptied table's next row
  // id 1 again, below the writer's cursor, and that row would wait unseen until the next restart.
  let nextId = (db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM queue').get()?.id ?? 0) + 1;
  if (state.rows > 0) logger.info({ ...state, path: opts.path }, 'telemetry queue holds points from before the restart; writing them first');

  // The WAL file is what a commit writes; syncing it (any descriptor of the file will do) makes the commit
  // durable. SQLite keeps the same file while the connection is open and deletes it on close.
  const walFd = opts.path === ':memory:' ? undefined : openSync(`${opts.path}-wal`, 'r');
  const fileSync = opts.fdatasync ?? NODE_FILE_SYNC;

  type Callbacks = ((() => void) | undefined)[];
  let pending: { n: number; body: string; onDurable: (() => void) | undefined }[] = [];
  /** committed to SQLite, waiting for a sync that starts after their commit */
  let unsynced: Callbacks = [];
  /** the callbacks the sync in flight will release (undefined: no sync in flight) */
  let syncing: Callbacks | undefined;
  /** fdatasync calls not yet returned: the descriptor is closed only after the last */
  let syncCalls = 0;
  let scheduled: NodeJS.Immediate | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let protectedThrough = 0;
  let closed = false;

  const commitGroup = db.transaction((group: typeof pending) => {
    for (const row of group) {
      const bytes = Buffer.byteLength(row.body);
      insert.run(nextId, row.n, bytes, row.body);
      nextId += 1;
      state.rows += 1;
      state.points += row.n;
      state.bytes += bytes;
    }
    if (state.bytes > opts.maxBytes) makeRoom();
  });

  function makeRoom(): void {
    let dropped = 0;
    while (state.bytes > opts.maxBytes) {
      const rows = sizesAfter.all(protectedThrough, DROP_CHUNK);
      if (rows.length === 0) break; // everything left is being written
      let last = -1;
      for (const r of rows) {
        if (state.bytes <= opts.maxBytes) break;
        state.bytes -= r.bytes;
        state.points -= r.n;
        state.rows -= 1;
        dropped += r.n;
        last = r.id;
      }
      if (last < 0) break;
      deleteRange.run(protectedThrough + 1, last);
    }
    if (dropped > 0) opts.onDropped?.(dropped, 'queue_full');
  }

  /**
   * The pending group into SQLite (not yet durable). False when it failed, or when a failure earlier waits
   * for its retry (unless `now`): a full disk is retried every COMMIT_RETRY_MS, not at every message.
   */
  function commitPending(now = false): boolean {
    if (retryTimer !== undefined && !now) return false;
    if (pending.length === 0 || closed) return true;
    const group = pending;
    const snapshot = { ...state };
    const snapshotId = nextId;
    try {
      commitGroup(group);
    } catch (err) {
      // Nothing acknowledged: the group stays pending and is tried again (a full disk may be freed).
      Object.assign(state, snapshot);
      nextId = snapshotId;
      logger.error({ err, messages: group.length }, 'telemetry queue commit failed; PUBACKs held, retrying');
      retryLater();
      return false;
    }
    pending = [];
    for (const row of group) unsynced.push(row.onDurable);
    opts.onChange?.(stats());
    for (const l of commitListeners) {
      try { l(); } catch (err) { logger.error({ err }, 'telemetry queue commit listener threw'); }
    }
    return true;
  }

  function release(callbacks: Callbacks): void {
    for (const cb of callbacks) {
      try { cb?.(); } catch (err) { logger.error({ err }, 'telemetry queue onDurable threw'); }
    }
  }

  function retryLater(): void {
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    retryTimer = setTimeout(() => { retryTimer = undefined; flush(); }, COMMIT_RETRY_MS);
  }

  /** the hot path: commit what is pending, then sync it off the event loop unless a sync is already in flight */
  function flush(): void {
    scheduled = undefined;
    // the sync in flight calls flush() when it returns; a failure's retry timer does
    if (syncing !== undefined || retryTimer !== undefined || closed) return;
    if (!commitPending()) return;
    if (unsynced.length === 0) return;
    const batch = unsynced;
    unsynced = [];
    if (walFd === undefined) { release(batch); return; } // in memory: nothing to sync
    syncing = batch;
    syncCalls += 1;
    const started = performance.now();
    fileSync.async(walFd, (err) => {
      syncCalls -= 1;
      if (closed) {
        if (syncCalls === 0) closeSync(walFd);
        return;
      }
      if (syncing !== batch) return; // commit() synced and released these meanwhile
      syncing = undefined;
      if (err) {
        // held, never acknowledged on a failed sync: tried again, and the broker keeps the messages meanwhile
        unsynced = batch.concat(unsynced);
        logger.error({ err, messages: batch.length }, 'telemetry queue sync failed; PUBACKs held, retrying');
        retryLater();
        return;
      }
      opts.onSynced?.((performance.now() - started) / 1000, batch.length);
      release(batch);
      // what arrived during the sync goes to disk now, as one group
      flush();
    });
  }

  /** everything pending committed and synced before it returns (blocking): shutdown, tests */
  function commit(): void {
    if (scheduled !== undefined) clearImmediate(scheduled);
    scheduled = undefined;
    if (closed || !commitPending(true)) return;
    // what a sync in flight carries was committed before now: this sync covers it as well
    const batch = (syncing ?? []).concat(unsynced);
    if (batch.length === 0) return;
    if (walFd !== undefined) {
      try {
        fileSync.now(walFd);
      } catch (err) {
        logger.error({ err, messages: batch.length }, 'telemetry queue sync failed; PUBACKs held, retrying');
        retryLater();
        return;
      }
    }
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    retryTimer = undefined;
    syncing = undefined;
    unsynced = [];
    release(batch);
  }
  const commitListeners: (() => void)[] = [];

  function stats(): TelemetryQueueStats {
    return { ...state, pendingRows: pending.length };
  }

  return {
    append(points, onDurable) {
      if (closed) throw new Error('telemetry queue is closed');
      pending.push({ n: points.length, body: JSON.stringify(points), onDurable });
      // a long sync must not let the pending group grow without bound: into SQLite with it, synced next
      if (pending.length >= maxGroupRows) {
        if (syncing === undefined) flush();
        else commitPending();
      } else if (syncing === undefined) scheduled ??= setImmediate(flush);
    },
    commit,
    readAfter(afterId, maxPoints) {
      const out: QueueRow[] = [];
      let points = 0;
      let after = afterId;
      while (points < maxPoints) {
        const rows = readStmt.all(after, Math.max(1, Math.min(DROP_CHUNK, maxPoints - points)));
        if (rows.length === 0) break;
        for (const r of rows) {
          after = r.id;
          let parsed: TelemetryPoint[];
          try {
            parsed = JSON.parse(r.body) as TelemetryPoint[];
          } catch (err) {
            // a torn or foreign row cannot be written anywhere: count it and move on
            logger.error({ err, id: r.id }, 'unreadable row in the telemetry queue; dropped');
            deleteRange.run(r.id, r.id);
            state.rows -= 1;
            state.points -= r.n;
            state.bytes -= Buffer.byteLength(r.body);
            opts.onDropped?.(r.n, 'unreadable');
            continue;
          }
          out.push({ id: r.id, points: parsed });
          points += parsed.length;
          if (points >= maxPoints) break;
        }
      }
      return out;
    },
    remove(fromId, toId) {
      const t = rangeTotals.get(fromId, toId);
      deleteRange.run(fromId, toId);
      state.rows -= t?.rows ?? 0;
      state.points -= t?.points ?? 0;
      state.bytes -= t?.bytes ?? 0;
      opts.onChange?.(stats());
    },
    protectThrough(id) { protectedThrough = Math.max(protectedThrough, id); },
    stats,
    onCommit(listener) { commitListeners.push(listener); },
    close() {
      if (closed) return;
      commit();
      closed = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      db.close();
      if (walFd !== undefined && syncCalls === 0) closeSync(walFd);
    },
  };
}
