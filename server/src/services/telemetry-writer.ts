import type { TelemetryPoint } from '../contracts/telemetry.js';
import type { TelemetryQueue } from '../ports/telemetry-queue.js';
import { TelemetryWriteError, type TelemetryStore } from '../ports/telemetry-store.js';
import type { Logger } from '../adapters/logger.js';

/**
 * Moves telemetry from the durable queue (ports/telemetry-queue.ts) into the store: batches of up to
 * batchSize points, by size or every flushMs, at most maxInflight writes at once, retryable failures
 * retried with capped exponential backoff and jitter (one probing batch while the store is down).
 *
 * A point leaves the queue in exactly one of three ways: written (deleted after the store accepted it),
 * failed (the store refused it as invalid) or dropped by the queue's byte bound (counted there). Nothing
 * is dropped at shutdown: what drain() could not write stays on disk and is written after the restart.
 */

/** Hooks for the composition root to feed Prometheus; the writer stays free of prom-client. */
export interface TelemetryWriterMetrics {
  onWritten(points: number, seconds: number): void;
  onFailed(points: number): void;
  onRetry(): void;
  /** points waiting in the queue (in flight included) and their bytes on disk */
  queueDepth(points: number, bytes: number): void;
}

export interface TelemetryWriterOptions {
  batchSize?: number;
  flushMs?: number;
  maxInflight?: number;
  backoff?: { initialMs: number; maxMs: number };
  logger: Logger;
  metrics?: TelemetryWriterMetrics;
}

export interface TelemetryWriterStats {
  /** points in the queue, in flight included */
  queued: number;
  inflight: number;
  written: number;
  failed: number;
  retries: number;
}

export interface TelemetryWriter {
  /** queues a message's points; `onDurable` runs once they are on disk (the PUBACK waits for it) */
  enqueue(points: readonly TelemetryPoint[], onDurable?: () => void): void;
  /** resolves once the queue is empty (everything written or refused) */
  flush(): Promise<void>;
  /** flush with a deadline, for shutdown; what is left stays queued on disk */
  drain(timeoutMs?: number): Promise<void>;
  stats(): TelemetryWriterStats;
  /** drains, then stops the timers; the queue's owner closes it */
  stop(): Promise<void>;
}

const DEFAULTS = { batchSize: 5000, flushMs: 250, maxInflight: 2, backoff: { initialMs: 200, maxMs: 30_000 }, drainTimeoutMs: 10_000 } as const;

interface Batch { first: number; last: number; points: TelemetryPoint[] }

export function createTelemetryWriter(store: TelemetryStore, queue: TelemetryQueue, opts: TelemetryWriterOptions): TelemetryWriter {
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULTS.batchSize);
  const flushMs = opts.flushMs ?? DEFAULTS.flushMs;
  const maxInflight = Math.max(1, opts.maxInflight ?? DEFAULTS.maxInflight);
  const backoff = opts.backoff ?? DEFAULTS.backoff;
  const { logger } = opts;
  const metrics = guardMetrics(opts.metrics, logger);

  /** the highest queue id taken into a batch; rows after it are untouched */
  let cursor = 0;
  /** batches that failed retryably, oldest first: they go again before anything newer */
  const retry: Batch[] = [];
  const inflight = new Set<Batch>();
  let takenPoints = 0;
  const counters = { written: 0, failed: 0, retries: 0 };
  let consecutiveFailures = 0;
  let backoffTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  const ticker = setInterval(() => pump(true), flushMs);
  ticker.unref();
  queue.onCommit(() => pump(waiters.size > 0));

  function report(): void {
    const s = queue.stats();
    metrics.queueDepth(s.points, s.bytes);
  }

  function untaken(): number {
    return queue.stats().points - takenPoints;
  }

  function take(): Batch | undefined {
    const rows = queue.readAfter(cursor, batchSize);
    const firstRow = rows[0];
    const lastRow = rows.at(-1);
    if (firstRow === undefined || lastRow === undefined) return undefined;
    const points: TelemetryPoint[] = [];
    for (const r of rows) for (const p of r.points) points.push(p);
    cursor = lastRow.id;
    queue.protectThrough(cursor);
    takenPoints += points.length;
    return { first: firstRow.id, last: lastRow.id, points };
  }

  /** Starts as many writes as allowed; `force` also sends a partial batch (time-based flush). */
  function pump(force: boolean): void {
    if (backoffTimer !== undefined || stopped) return;
    const limit = consecutiveFailures > 0 ? 1 : maxInflight;
    while (inflight.size < limit) {
      let batch = retry.shift();
      if (batch === undefined) {
        if (!force && untaken() < batchSize) break;
        batch = take();
      }
      if (batch === undefined) break;
      void send(batch);
    }
  }

  function settle(batch: Batch): void {
    takenPoints -= batch.points.length;
    try {
      queue.remove(batch.first, batch.last);
    } catch (err) {
      // the queue closed under a write that outlived drain(): the rows are written again after the restart
      logger.warn({ err, points: batch.points.length }, 'telemetry queue closed before a finished write was removed');
    }
  }

  async function send(batch: Batch): Promise<void> {
    inflight.add(batch);
    const started = performance.now();
    try {
      // deferred by a microtask so a store that throws synchronously cannot re-enter pump()
      await Promise.resolve().then(() => store.write(batch.points));
      consecutiveFailures = 0;
      counters.written += batch.points.length;
      metrics.onWritten(batch.points.length, (performance.now() - started) / 1000);
      settle(batch);
    } catch (err) {
      onWriteError(batch, err, (performance.now() - started) / 1000);
    } finally {
      inflight.delete(batch);
      report();
      pump(waiters.size > 0);
      checkWaiters();
    }
  }

  function onWriteError(batch: Batch, err: unknown, seconds: number): void {
    const n = batch.points.length;
    if (err instanceof TelemetryWriteError && err.retryable) {
      consecutiveFailures += 1;
      counters.retries += 1;
      metrics.onRetry();
      const delay = backoffDelay(consecutiveFailures);
      logger.warn({ err: err.message, status: err.status, points: n, attempt: consecutiveFailures, retryInMs: delay, queued: queue.stats().points },
        'telemetry write failed; kept on disk, will retry');
      retry.push(batch);
      retry.sort((a, b) => a.first - b.first);
      startBackoff(delay);
      return;
    }
    // Not retryable: the store refused these points as invalid (retrying would only repeat). On a partial
    // write the store says how many it refused; the rest are stored.
    const rejected = err instanceof TelemetryWriteError && err.rejected !== undefined ? Math.min(err.rejected, n) : n;
    consecutiveFailures = 0;
    counters.failed += rejected;
    metrics.onFailed(rejected);
    if (rejected < n) {
      counters.written += n - rejected;
      metrics.onWritten(n - rejected, seconds);
    }
    settle(batch);
    const message = err instanceof Error ? err.message : String(err);
    logger.error({ err: message, status: err instanceof TelemetryWriteError ? err.status : undefined, points: n, rejected }, 'telemetry store refused points');
  }

  function backoffDelay(attempt: number): number {
    const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt - 1, 30));
    // "equal jitter": at least half the ceiling, so a dead store is not hammered, yet writers spread out
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  function startBackoff(delay: number): void {
    if (backoffTimer !== undefined) return;
    backoffTimer = setTimeout(() => {
      backoffTimer = undefined;
      pump(true);
    }, delay);
    // an idle writer must not keep the process alive, but someone awaiting flush/drain needs the retry
    if (waiters.size === 0) backoffTimer.unref();
  }

  function empty(): boolean {
    const s = queue.stats();
    return s.points === 0 && s.pendingRows === 0 && inflight.size === 0;
  }

  /** flush()/drain() callers, resolved when the queue is empty */
  const waiters = new Set<() => void>();
  function checkWaiters(): void {
    if (waiters.size === 0 || !empty()) return;
    for (const w of waiters) w();
    waiters.clear();
    backoffTimer?.unref();
  }

  /** resolves true once the queue is empty, false at the deadline */
  function waitEmpty(timeoutMs: number): Promise<boolean> {
    queue.commit();
    pump(true);
    if (empty()) return Promise.resolve(true);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => { clearTimeout(timer); resolve(true); };
      waiters.add(done);
      // someone waits for the retry now: the backoff timer must keep the process alive
      backoffTimer?.ref();
      if (Number.isFinite(timeoutMs)) {
        timer = setTimeout(() => { waiters.delete(done); if (waiters.size === 0) backoffTimer?.unref(); resolve(false); }, timeoutMs);
      }
    });
  }

  async function drain(timeoutMs: number = DEFAULTS.drainTimeoutMs): Promise<void> {
    if (!(await waitEmpty(timeoutMs))) {
      const s = queue.stats();
      logger.warn({ queued: s.points, bytes: s.bytes, timeoutMs }, 'telemetry drain timed out; the rest stays queued on disk for the next start');
    }
  }

  return {
    enqueue(points, onDurable) {
      if (points.length === 0) { onDurable?.(); return; }
      queue.append(points, onDurable);
      pump(false);
    },
    flush: async () => { await waitEmpty(Infinity); },
    drain,
    async stop() {
      if (stopped) return;
      await drain();
      stopped = true;
      clearInterval(ticker);
      if (backoffTimer !== undefined) clearTimeout(backoffTimer);
      backoffTimer = undefined;
      report();
    },
    stats: () => ({
      queued: queue.stats().points, inflight: [...inflight].reduce((n, b) => n + b.points.length, 0),
      written: counters.written, failed: counters.failed, retries: counters.retries,
    }),
  };
}

/** A throwing metrics hook must not break the write path. */
function guardMetrics(metrics: TelemetryWriterMetrics | undefined, logger: Logger): TelemetryWriterMetrics {
  const call = (name: string, fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      logger.warn({ err, hook: name }, 'telemetry writer metrics hook threw');
    }
  };
  if (metrics === undefined) return { onWritten: () => {}, onFailed: () => {}, onRetry: () => {}, queueDepth: () => {} };
  return {
    onWritten: (n, s) => call('onWritten', () => metrics.onWritten(n, s)),
    onFailed: (n) => call('onFailed', () => metrics.onFailed(n)),
    onRetry: () => call('onRetry', () => metrics.onRetry()),
    queueDepth: (n, b) => call('queueDepth', () => metrics.queueDepth(n, b)),
  };
}
