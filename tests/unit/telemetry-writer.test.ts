import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TelemetryPoint } from '../../server/src/contracts/telemetry.js';
import { TelemetryWriteError, type TelemetryStore } from '../../server/src/ports/telemetry-store.js';
import { openTelemetryQueue } from '../../server/src/adapters/sqlite/telemetry-queue.js';
import type { TelemetryQueue } from '../../server/src/ports/telemetry-queue.js';
import { createTelemetryWriter, type TelemetryWriter, type TelemetryWriterMetrics } from '../../server/src/services/telemetry-writer.js';

/** Points numbered by their value, so tests can check order and identity. */
function points(from: number, n: number): TelemetryPoint[] {
  return Array.from({ length: n }, (_, i) => ({
    measurement: 'sensor' as const,
    tags: { depot: 'D01', zone: 'z', sensor: 's1', kind: 'temperature' as const },
    fields: { value: from + i },
    ts: 1_700_000_000_000 + from + i,
  }));
}
const values = (ps: readonly TelemetryPoint[]): number[] => ps.map((p) => (p.measurement === 'sensor' ? p.fields.value : Number.NaN));

type WriteBehaviour = (batch: readonly TelemetryPoint[], call: number) => Promise<void> | void;

/** A fake of the port: records every attempt and the batches that succeeded. */
function fakeStore(behaviour: WriteBehaviour = () => {}) {
  const attempts: TelemetryPoint[][] = [];
  const stored: TelemetryPoint[][] = [];
  const store: TelemetryStore = {
    kind: 'sqlite',
    init: async () => {},
    write: async (batch) => {
      attempts.push([...batch]);
      await behaviour(batch, attempts.length);
      stored.push([...batch]);
    },
    history: async () => ({ intervalMs: 1, points: [] }),
    readings: async () => [],
    count: async () => 0,
    ping: async () => {},
    close: async () => {},
  };
  return { store, attempts, stored };
}

function captureLogger() {
  const lines: Array<{ level: number; msg: string } & Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => { lines.push(JSON.parse(s) as (typeof lines)[number]); } });
  const errors = () => lines.filter((l) => l.level >= 50);
  return { logger, lines, errors };
}

/** The real queue, in memory: the writer is tested against what it runs on. */
function memQueue(): TelemetryQueue {
  return openTelemetryQueue({ path: ':memory:', maxBytes: 1024 ** 3, logger: pino({ level: 'silent' }) });
}
/** one message per point, as ingest queues them */
function enqueueEach(writer: TelemetryWriter, ps: readonly TelemetryPoint[]): void {
  for (const p of ps) writer.enqueue([p]);
}

const retryable = () => new TelemetryWriteError('InfluxDB /write answered 503: busy', true, 503);

describe('telemetry writer', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('sends full batches as soon as they fill, without waiting for the timer', async () => {
    const { store, stored } = fakeStore();
    const writer = createTelemetryWriter(store, memQueue(), { batchSize: 3, flushMs: 60_000, logger: captureLogger().logger });
    enqueueEach(writer, points(0, 7));
    await vi.advanceTimersByTimeAsync(0);
    expect(stored.map((b) => b.length)).toEqual([3, 3]);
    expect(writer.stats()).toMatchObject({ queued: 1, written: 6 });
    await writer.stop();
  });

  it('sends a partial batch after flushMs', async () => {
    const { store, stored } = fakeStore();
    const writer = createTelemetryWriter(store, memQueue(), { batchSize: 100, flushMs: 250, logger: captureLogger().logger });
    enqueueEach(writer, points(0, 5));
    await vi.advanceTimersByTimeAsync(200);
    expect(stored).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(60);
    expect(stored.map(values)).toEqual([[0, 1, 2, 3, 4]]);
    await writer.stop();
  });

  it('retries retryable failures with backoff and writes everything, in order', async () => {
    const { store, stored, attempts } = fakeStore((_, call) => { if (call <= 2) throw retryable(); });
    const { logger, lines } = captureLogger();
    const writer = createTelemetryWriter(store, memQueue(), {
      batchSize: 5, maxInflight: 1, flushMs: 60_000, backoff: { initialMs: 100, maxMs: 1000 }, logger,
    });
    enqueueEach(writer, points(0, 15));
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toHaveLength(1);
    // No new attempt before the backoff (≥ half of 100 ms) has passed.
    await vi.advanceTimersByTimeAsync(40);
    expect(attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(stored.flatMap(values)).toEqual(values(points(0, 15)));
    expect(writer.stats()).toMatchObject({ written: 15, failed: 0, retries: 2, queued: 0, inflight: 0 });
    expect(lines.filter((l) => l.level === 40 && l.msg.includes('will retry'))).toHaveLength(2);
    await writer.stop();
  });

  it('probes a failing store with one batch at a time', async () => {
    let failing = true;
    let concurrent = 0;
    let maxConcurrentWhileFailing = 0;
    const { store, stored } = fakeStore(async () => {
      concurrent += 1;
      if (failing) maxConcurrentWhileFailing = Math.max(maxConcurrentWhileFailing, concurrent);
      await new Promise((resolve) => setTimeout(resolve, 10));
      concurrent -= 1;
      if (failing) throw retryable();
    });
    const writer = createTelemetryWriter(store, memQueue(), {
      batchSize: 2, maxInflight: 2, flushMs: 60_000, backoff: { initialMs: 50, maxMs: 200 }, logger: captureLogger().logger,
    });
    enqueueEach(writer, points(0, 10));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(maxConcurrentWhileFailing).toBe(2); // the first round, before anything had failed
    maxConcurrentWhileFailing = 0;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(maxConcurrentWhileFailing).toBe(1);
    failing = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(stored.flat()).toHaveLength(10);
    await writer.stop();
  });

  it('counts a non-retryable batch as failed, logs the store message and loses nothing else', async () => {
    const { store, stored } = fakeStore((batch) => {
      if (values(batch).includes(3)) throw new TelemetryWriteError('InfluxDB /write answered 400: field type conflict', false, 400);
    });
    const { logger, errors } = captureLogger();
    const failed = vi.fn<(n: number) => void>();
    const writer = createTelemetryWriter(store, memQueue(), { batchSize: 5, flushMs: 60_000, logger, metrics: { ...noMetrics(), onFailed: failed } });
    enqueueEach(writer, points(0, 12));
    await writer.flush();
    expect(writer.stats()).toMatchObject({ written: 7, failed: 5, retries: 0, queued: 0 });
    expect(stored.flatMap(values)).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(failed).toHaveBeenCalledWith(5);
    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toMatchObject({ err: 'InfluxDB /write answered 400: field type conflict', rejected: 5 });
    await writer.stop();
  });

  it('on a partial write counts only the points the store refused', async () => {
    const { store } = fakeStore(() => { throw new TelemetryWriteError('partial write: dropped=2', false, 400, 2); });
    const writer = createTelemetryWriter(store, memQueue(), { batchSize: 10, flushMs: 60_000, logger: captureLogger().logger });
    enqueueEach(writer, points(0, 10));
    await writer.flush();
    expect(writer.stats()).toMatchObject({ written: 8, failed: 2 });
    await writer.stop();
  });

  it('treats an unexpected error from the store as a failed batch', async () => {
    const { store } = fakeStore(() => { throw new TypeError('bug in store'); });
    const { logger, errors } = captureLogger();
    const writer = createTelemetryWriter(store, memQueue(), { batchSize: 4, flushMs: 60_000, logger });
    enqueueEach(writer, points(0, 4));
    await writer.flush();
    expect(writer.stats()).toMatchObject({ written: 0, failed: 4 });
    expect(errors()[0]?.err).toBe('bug in store');
    await writer.stop();
  });

  it('drain() waits for queued and in-flight points', async () => {
    vi.useRealTimers();
    const { store, stored } = fakeStore(() => new Promise((resolve) => setTimeout(resolve, 20)));
    const writer = createTelemetryWriter(store, memQueue(), { batchSize: 5, flushMs: 60_000, logger: captureLogger().logger });
    enqueueEach(writer, points(0, 12));
    await writer.drain(5_000);
    expect(stored.flat()).toHaveLength(12);
    expect(writer.stats()).toMatchObject({ queued: 0, inflight: 0, written: 12 });
    await writer.stop();
  });

  it('drain() gives up at its deadline with a warning when the store stays down; the points stay queued', async () => {
    const { store } = fakeStore(() => { throw retryable(); });
    const { logger, lines } = captureLogger();
    const writer = createTelemetryWriter(store, memQueue(), { batchSize: 5, flushMs: 60_000, backoff: { initialMs: 50, maxMs: 100 }, logger });
    enqueueEach(writer, points(0, 5));
    const drained = writer.drain(1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    await drained;
    expect(writer.stats().queued).toBe(5);
    expect(lines.some((l) => l.level === 40 && l.msg.includes('drain timed out'))).toBe(true);
  });

  it('flush() resolves at once when nothing is pending, and waits for points enqueued before it', async () => {
    const { store } = fakeStore(() => new Promise((resolve) => setTimeout(resolve, 30)));
    const writer = createTelemetryWriter(store, memQueue(), { batchSize: 100, flushMs: 60_000, logger: captureLogger().logger });
    await writer.flush();
    enqueueEach(writer, points(0, 3));
    let flushed = false;
    const done = writer.flush().then(() => { flushed = true; });
    await vi.advanceTimersByTimeAsync(10);
    expect(flushed).toBe(false);
    await vi.advanceTimersByTimeAsync(30);
    await done;
    expect(writer.stats().written).toBe(3);
    await writer.stop();
  });

  it('stop() writes what is queued and clears its timers', async () => {
    const { store } = fakeStore();
    const writer = createTelemetryWriter(store, memQueue(), { logger: captureLogger().logger });
    enqueueEach(writer, points(0, 3));
    await writer.stop();
    expect(writer.stats().written).toBe(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('calls onDurable once the message is committed, not before', async () => {
    const { store } = fakeStore();
    const writer = createTelemetryWriter(store, memQueue(), { batchSize: 100, flushMs: 60_000, logger: captureLogger().logger });
    const durable = vi.fn();
    writer.enqueue(points(0, 2), durable);
    expect(durable).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(0);
    expect(durable).toHaveBeenCalledTimes(1);
    await writer.stop();
  });

  it('reports to the metrics hooks and survives a hook that throws', async () => {
    const { store } = fakeStore((_, call) => { if (call === 1) throw retryable(); });
    const calls: string[] = [];
    const depth: number[] = [];
    const metrics: TelemetryWriterMetrics = {
      onWritten: (n, seconds) => { calls.push(`written:${n}`); expect(seconds).toBeGreaterThanOrEqual(0); },
      onFailed: (n) => calls.push(`failed:${n}`),
      onRetry: () => { calls.push('retry'); throw new Error('broken hook'); },
      queueDepth: (n) => depth.push(n),
    };
    const writer = createTelemetryWriter(store, memQueue(), { batchSize: 4, flushMs: 60_000, backoff: { initialMs: 10, maxMs: 10 }, logger: captureLogger().logger, metrics });
    enqueueEach(writer, points(0, 4));
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toEqual(['retry', 'written:4']);
    expect(depth.at(-1)).toBe(0);
    await writer.stop();
  });
});

function noMetrics(): TelemetryWriterMetrics {
  return { onWritten: () => {}, onFailed: () => {}, onRetry: () => {}, queueDepth: () => {} };
}
