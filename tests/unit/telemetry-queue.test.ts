import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TelemetryPoint } from '../../server/src/contracts/telemetry.js';
import { QueueLockedError, openTelemetryQueue } from '../../server/src/adapters/sqlite/telemetry-queue.js';
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

  it('runs onDurable only after the group commit, and keeps the points across a reopen', async () => {
    const file = path();
    const q = make(file, 1024 ** 2);
    const durable = vi.fn();
    for (let i = 10; i < 15; i++) q.append([point(i)], durable);
    expect(durable).not.toHaveBeenCalled();
    expect(q.stats()).toMatchObject({ rows: 0, pendingRows: 5 });
    await new Promise((r) => setImmediate(r));
    expect(durable).toHaveBeenCalledTimes(5);
    expect(q.stats()).toMatchObject({ rows: 5, points: 5, bytes: 5 * ROW_BYTES, pendingRows: 0 });
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
