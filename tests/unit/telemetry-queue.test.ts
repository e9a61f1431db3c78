import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TelemetryPoint } from '../../server/src/contracts/telemetry.js';
import { QueueLockedError, openTelemetryQueue, type FileSync } from '../../server/src/adapters/sqlite/telemetry-queue.js';
import type { QueueDropReason, TelemetryQueue } from '../../server/src/ports/telemetry-queue.js';

const silent = pino({ level: 'silent' });
const point = (v: number): TelemetryPoint => ({
  measurement: 'sensor', tags: { depot: 'D1', zone: 'A', sensor: 'T1', kind: 'temperature' }, fields: { value: v }, ts: 1_700_000_000_000 + v,
});
/** every value below has two digits, so every row is the same size */
const ROW_BYTES = Buffer.byteLength(JSON.stringify([point(10)]));
const valuesOf = (q: TelemetryQueue) => q.readAfter(0, 1000).flatMap((r) => r.points.map((p) => (p.measurement === 'sensor' ? p.fields.value : NaN)));

/** The on-disk telemetry queue: durability, the byte bound and its drop policy, one process per file. */
describe('telemetry queue (SQLite)', () => {
  const dirs: string[] = [];
  const open: TelemetryQueue[] = [];
  const path = () => {
    const d = mkdtempSync(join(tmpdir(), 'depotwatch-queue-'));
    dirs.push(d);
    return join(d, 'telemetry-queue.db');
  };
  const make = (file: string, maxBytes: number, onDropped?: (n: number, reason: QueueDropReason) => void) => {
    const q = openTelemetryQueue({ path: file, maxBytes, logger: silent, ...(onDropped ? { onDropped } : {}) });
    open.push(q);
    return q;
  };
  afterEach(() => {
    for (const q of open.splice(0)) q.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('runs onDurable only after the group is committed and synced, and keeps the points across a reopen', async () => {
    const file = path();
    const q = make(file, 1024 ** 2);
    let calls = 0;
    let allSynced: () => void = () => {};
    const allDurable = new Promise<void>((resolve) => { allSynced = resolve; });
    const durable = () => { calls += 1; if (calls === 5) allSynced(); };
    for (let i = 10; i < 15; i++) q.append([point(i)], durable);
    expect(calls).toBe(0);
    expect(q.stats()).toMatchObject({ rows: 0, pendingRows: 5 });
    await new Promise((r) => setImmediate(r));
    // committed in one group; its PUBACKs wait for the WAL's sync on the thread pool
    expect(q.stats()).toMatchObject({ rows: 5, points: 5, bytes: 5 * ROW_BYTES, pendingRows: 0 });
    await allDurable;
    q.close();
    open.splice(0);
    const again = make(file, 1024 ** 2);
    expect(again.stats()).toMatchObject({ rows: 5, points: 5, bytes: 5 * ROW_BYTES });
    expect(valuesOf(again)).toEqual([10, 11, 12, 13, 14]);
  });

  it('past maxBytes drops the oldest rows no write is using, and counts every point', () => {
    const dropped: Array<[number, QueueDropReason]> = [];
    const q = make(path(), 10 * ROW_BYTES, (n, reason) => dropped.push([n, reason]));
    for (let i = 10; i < 14; i++) q.append([point(i)]);
    q.commit();
    // rows 1..2 are being written: the bound must not take them
    q.protectThrough(2);
    for (let i = 14; i < 24; i++) q.append([point(i)]);
    q.commit();
    expect(q.stats().bytes).toBeLessThanOrEqual(10 * ROW_BYTES);
    expect(dropped).toEqual([[4, 'queue_full']]);
    // kept: the two in flight, then the newest
    expect(valuesOf(q)).toEqual([10, 11, 16, 17, 18, 19, 20, 21, 22, 23]);
    expect(q.stats()).toMatchObject({ rows: 10, points: 10 });
  });

  it('removes what the store accepted and keeps counting right', () => {
    const q = make(path(), 1024 ** 2);
    q.append([point(0), point(1)]);
    q.append([point(2)]);
    q.append([point(3)]);
    q.commit();
    const rows = q.readAfter(0, 3);
    expect(rows.map((r) => r.points.length)).toEqual([2, 1]);
    q.remove(rows[0]?.id ?? 0, rows.at(-1)?.id ?? 0);
    expect(q.stats()).toMatchObject({ rows: 1, points: 1 });
    expect(valuesOf(q)).toEqual([3]);
  });

  it('never reuses an id after the table was emptied, so a reader after the last id still sees new rows', () => {
    const q = make(path(), 1024 ** 2);
    q.append([point(0)]);
    q.append([point(1)]);
    q.commit();
    const taken = q.readAfter(0, 10);
    const last = taken.at(-1)?.id ?? 0;
    q.remove(taken[0]?.id ?? 0, last);
    expect(q.stats().rows).toBe(0);
    q.append([point(2)]);
    q.commit();
    expect(q.readAfter(last, 10).flatMap((r) => r.points)).toEqual([point(2)]);
  });

  it('refuses a second process (connection) on the same file with a clear error', () => {
    const file = path();
    make(file, 1024 ** 2);
    expect(() => make(file, 1024 ** 2)).toThrow(QueueLockedError);
    expect(() => make(file, 1024 ** 2)).toThrow(/in use by another process; give each ingest process its own DATA_DIR/);
  });
});

/**
 * Group commit with the sync off the event loop (adapters/sqlite/telemetry-queue.ts): a fake fdatasync the
 * test completes or fails by hand, and a fake clock for the event-loop turns and the retry delay.
 */
describe('telemetry queue group commit and sync', () => {
  const dirs: string[] = [];
  const open: TelemetryQueue[] = [];
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => {
    for (const q of open.splice(0)) q.close();
    vi.useRealTimers();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** syncs in flight, completed by the test; `now` counts blocking syncs */
  function fakeSync() {
    const inFlight: ((err: Error | null) => void)[] = [];
    const sync: FileSync = { async: (_fd, done) => { inFlight.push(done); }, now: () => { blocking += 1; } };
    let blocking = 0;
    return {
      sync,
      started: () => inFlight.length,
      blocking: () => blocking,
      /** completes the oldest sync in flight */
      finish: (err: Error | null = null) => { const done = inFlight.shift(); if (!done) throw new Error('no sync in flight'); done(err); },
    };
  }
  function make(sync: FileSync, extra: { maxGroupRows?: number; onSynced?: (s: number, n: number) => void } = {}) {
    const d = mkdtempSync(join(tmpdir(), 'depotwatch-queue-'));
    dirs.push(d);
    const q = openTelemetryQueue({ path: join(d, 'telemetry-queue.db'), maxBytes: 1024 ** 2, logger: silent, fdatasync: sync, ...extra });
    open.push(q);
    return q;
  }
  /** runs the queue's setImmediate (the end of this turn of the event loop) */
  const endOfTurn = () => vi.advanceTimersByTime(0);

  it('acknowledges a group only when its sync returns; what arrives meanwhile goes to disk as the next group', () => {
    const f = fakeSync();
    const synced: number[] = [];
    const q = make(f.sync, { onSynced: (_s, n) => synced.push(n) });
    const acked: number[] = [];
    q.append([point(10)], () => acked.push(10));
    q.append([point(11)], () => acked.push(11));
    endOfTurn();
    expect(q.stats()).toMatchObject({ rows: 2, pendingRows: 0 });
    expect(f.started()).toBe(1);
    expect(acked).toEqual([]);

    // during the sync: buffered, not committed, no second sync
    q.append([point(12)], () => acked.push(12));
    q.append([point(13)], () => acked.push(13));
    endOfTurn();
    expect(q.stats()).toMatchObject({ rows: 2, pendingRows: 2 });
    expect(f.started()).toBe(1);

    f.finish();
    expect(acked).toEqual([10, 11]);
    // the next group is committed and its own sync started at once
    expect(q.stats()).toMatchObject({ rows: 4, pendingRows: 0 });
    expect(f.started()).toBe(1);
    f.finish();
    expect(acked).toEqual([10, 11, 12, 13]);
    expect(synced).toEqual([2, 2]);
    expect(valuesOf(q)).toEqual([10, 11, 12, 13]);
  });

  it('commits a full group at once even during a sync, and acknowledges it only after the next sync', () => {
    const f = fakeSync();
    const q = make(f.sync, { maxGroupRows: 3 });
    const acked: number[] = [];
    q.append([point(10)], () => acked.push(10));
    endOfTurn();
    for (let i = 11; i < 14; i++) q.append([point(i)], () => acked.push(i));
    expect(q.stats()).toMatchObject({ rows: 4, pendingRows: 0 });
    expect(acked).toEqual([]);
    f.finish();
    // rows 11-13 were committed after the first sync had started: it does not cover them
    expect(acked).toEqual([10]);
    f.finish();
    expect(acked).toEqual([10, 11, 12, 13]);
  });

  it('holds the PUBACKs of a failed sync and tries again after 500 ms', () => {
    const f = fakeSync();
    const q = make(f.sync);
    const acked: number[] = [];
    q.append([point(10)], () => acked.push(10));
    endOfTurn();
    f.finish(new Error('EIO'));
    q.append([point(11)], () => acked.push(11));
    endOfTurn();
    vi.advanceTimersByTime(499);
    expect(f.started()).toBe(0);
    expect(acked).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(f.started()).toBe(1);
    f.finish();
    expect(acked).toEqual([10, 11]);
  });

  it('commit() syncs at once, covering what a sync in flight carries; that sync returning later acknowledges nothing twice', () => {
    const f = fakeSync();
    const q = make(f.sync);
    const acked: number[] = [];
    q.append([point(10)], () => acked.push(10));
    endOfTurn();
    q.append([point(11)], () => acked.push(11));
    q.commit();
    expect(f.blocking()).toBe(1);
    expect(acked).toEqual([10, 11]);
    f.finish();
    expect(acked).toEqual([10, 11]);
    expect(q.stats()).toMatchObject({ rows: 2, pendingRows: 0 });
  });
});
