import type { TelemetryPoint } from '../contracts/telemetry.js';
import { TelemetryWriteError, type TelemetryStore } from '../ports/telemetry-store.js';
import type { Logger } from '../adapters/logger.js';

/**
 * Batches accepted telemetry into store writes: by size (batchSize) and by time (flushMs), at most
 * maxInflight writes at once, retrying retryable failures with capped exponential backoff and jitter.
 *
 * Memory is bounded: past maxQueuedPoints the OLDEST queued points are dropped (the live board needs the
 * newest data most), always counted and logged at error level. A point leaves the writer in exactly one
 * of three ways: written, failed (the store refused it as invalid) or dropped (overflow, or still queued
 * when stop() gave up).
 */

/** Hooks for the composition root to feed Prometheus; the writer stays free of prom-client. */
export interface TelemetryWriterMetrics {
  /** a batch was stored: its size and how long the store took */
  onWritten(points: number, seconds: number): void;
  /** points the store refused as invalid (non-retryable) */
  onFailed(points: number): void;
  /** points discarded by overflow or shutdown */
  onDropped(points: number): void;
  /** a batch is being retried after a retryable failure */
  onRetry(): void;
  /** points waiting in the queue (not counting in-flight ones) */
  queueDepth(points: number): void;
}

export interface TelemetryWriterOptions {
  batchSize?: number;
  flushMs?: number;
  maxQueuedPoints?: number;
  maxInflight?: number;
  backoff?: { initialMs: number; maxMs: number };
  logger: Logger;
  metrics?: TelemetryWriterMetrics;
}

export interface TelemetryWriterStats {
  queued: number;
  /** points in batches being written */
  inflight: number;
  written: number;
  failed: number;
  dropped: number;
  retries: number;
}

export interface TelemetryWriter {
  enqueue(points: readonly TelemetryPoint[]): void;
  /** writes out everything enqueued so far (partial batches too); resolves once all of it is settled */
  flush(): Promise<void>;
  /** flush with a deadline, for shutdown: resolves at the deadline at the latest, logging what is left */
  drain(timeoutMs?: number): Promise<void>;
  stats(): TelemetryWriterStats;
  /** drains, then stops the timers; later enqueues are dropped (and logged) */
  stop(): Promise<void>;
}

const DEFAULTS = {
  batchSize: 5000, flushMs: 250, maxQueuedPoints: 1_000_000, maxInflight: 2,
  backoff: { initialMs: 200, maxMs: 30_000 }, drainTimeoutMs: 10_000,
} as const;
/** Overflow under a long outage happens on every enqueue; one error line per second carries the total. */
const DROP_LOG_INTERVAL_MS = 1000;

/**
 * Queued points in enqueue order. `seq` is the enqueue number of the first point (every point gets the next
 * number), so a retried batch goes back exactly where it came from and flush() knows what came before it.
 */
interface Segment { seq: number; points: TelemetryPoint[] }
type Batch = Segment;

const OVERFLOW = 'queue full';

export function createTelemetryWriter(store: TelemetryStore, opts: TelemetryWriterOptions): TelemetryWriter {
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULTS.batchSize);
  const flushMs = opts.flushMs ?? DEFAULTS.flushMs;
  const maxQueued = Math.max(batchSize, opts.maxQueuedPoints ?? DEFAULTS.maxQueuedPoints);
  const maxInflight = Math.max(1, opts.maxInflight ?? DEFAULTS.maxInflight);
  const backoff = opts.backoff ?? DEFAULTS.backoff;
  const { logger } = opts;
  const metrics = guardMetrics(opts.metrics, logger);

  const queue: Segment[] = [];
  const inflight = new Set<Batch>();
  const counters = { queued: 0, inflightPoints: 0, written: 0, failed: 0, dropped: 0, retries: 0 };
  let nextSeq = 0;
  let consecutiveFailures = 0;
  let backoffTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  let unloggedOverflow = 0;
  let lastOverflowLog = -Infinity;
  /** flush()/drain() callers: each waits until no point with seq < target is pending */
  const waiters: Array<{ target: number; resolve: () => void }> = [];

  const ticker = setInterval(() => {
    pump(true);
    logOverflow(false);
  }, flushMs);
  ticker.unref();

  function enqueue(points: readonly TelemetryPoint[]): void {
    if (points.length === 0) return;
    if (stopped) {
      drop(points.length, 'writer stopped');
      return;
    }
    // Points join the newest segment while it has room, so the queue holds segments of up to a batch,
    // not one per message: taking a batch off a deep backlog then costs a few shifts, not thousands.
    const tail = queue.at(-1);
    if (tail && tail.seq + tail.points.length === nextSeq && tail.points.length + points.length <= batchSize) {
      for (const p of points) tail.points.push(p);
    } else {
      // A copy: callers may reuse their array once enqueue returns.
      queue.push({ seq: nextSeq, points: points.slice() });
    }
    nextSeq += points.length;
    counters.queued += points.length;
    if (counters.queued > maxQueued) dropOldest(counters.queued - maxQueued);
    metrics.queueDepth(counters.queued);
    pump(false);
  }

  function dropOldest(n: number): void {
    let left = n;
    while (left > 0) {
      const head = queue[0];
      if (head === undefined) break;
      if (head.points.length <= left) {
        left -= head.points.length;
        queue.shift();
      } else {
        head.points.splice(0, left);
        head.seq += left;
        left = 0;
      }
    }
    counters.queued -= n - left;
    drop(n - left, OVERFLOW);
  }

  function drop(n: number, reason: string): void {
    counters.dropped += n;
    metrics.onDropped(n);
    if (reason === OVERFLOW) {
      unloggedOverflow += n;
      logOverflow(false);
    } else {
      logOverflow(true);
      logger.error({ dropped: n, totalDropped: counters.dropped, reason }, 'telemetry points dropped');
    }
    settleWaiters();
  }

  function logOverflow(force: boolean): void {
    if (unloggedOverflow === 0) return;
    const now = Date.now();
    if (!force && now - lastOverflowLog < DROP_LOG_INTERVAL_MS) return;
    logger.error(
      { dropped: unloggedOverflow, totalDropped: counters.dropped, queued: counters.queued, maxQueuedPoints: maxQueued, reason: OVERFLOW },
      'telemetry points dropped (oldest first)',
    );
    unloggedOverflow = 0;
    lastOverflowLog = now;
  }

  /** Starts as many writes as allowed. `force` also sends a partial batch (time-based flush). */
  function pump(force: boolean): void {
    if (backoffTimer !== undefined) return;
    const sendPartial = force || waiters.length > 0;
    // After a failure one batch probes the store; full concurrency returns with the first success.
    const limit = consecutiveFailures > 0 ? 1 : maxInflight;
    while (inflight.size < limit && counters.queued > 0 && (sendPartial || counters.queued >= batchSize)) {
      void send(takeBatch());
    }
  }

  function takeBatch(): Batch {
    const batch: Batch = { seq: queue[0]?.seq ?? nextSeq, points: [] };
    while (batch.points.length < batchSize) {
      const seg = queue[0];
      if (seg === undefined) break;
      const room = batchSize - batch.points.length;
      if (seg.points.length <= room) {
        batch.points.push(...seg.points);
        queue.shift();
      } else {
        batch.points.push(...seg.points.splice(0, room));
        seg.seq += room;
      }
    }
    counters.queued -= batch.points.length;
    metrics.queueDepth(counters.queued);
    return batch;
  }

  /** Puts a batch back where its points came from, so a retry does not overtake newer data. */
  function requeue(batch: Batch): void {
    let i = 0;
    while (i < queue.length && (queue[i]?.seq ?? Infinity) < batch.seq) i += 1;
    queue.splice(i, 0, batch);
    counters.queued += batch.points.length;
    if (counters.queued > maxQueued) dropOldest(counters.queued - maxQueued);
    metrics.queueDepth(counters.queued);
  }

  async function send(batch: Batch): Promise<void> {
    inflight.add(batch);
    counters.inflightPoints += batch.points.length;
    const started = performance.now();
    try {
      // Deferred by a microtask so a store that throws synchronously cannot re-enter pump().
      await Promise.resolve().then(() => store.write(batch.points));
      consecutiveFailures = 0;
      counters.written += batch.points.length;
      metrics.onWritten(batch.points.length, (performance.now() - started) / 1000);
    } catch (err) {
      onWriteError(batch, err, (performance.now() - started) / 1000);
    } finally {
      inflight.delete(batch);
      counters.inflightPoints -= batch.points.length;
      settleWaiters();
      pump(false);
    }
  }

  function onWriteError(batch: Batch, err: unknown, seconds: number): void {
    const n = batch.points.length;
    if (err instanceof TelemetryWriteError && err.retryable) {
      if (stopped) {
        drop(n, `writer stopped after a failed write: ${err.message}`);
        return;
      }
      consecutiveFailures += 1;
      counters.retries += 1;
      metrics.onRetry();
      const delay = backoffDelay(consecutiveFailures);
      logger.warn({ err: err.message, status: err.status, points: n, attempt: consecutiveFailures, retryInMs: delay }, 'telemetry write failed; will retry');
      requeue(batch);
      startBackoff(delay);
      return;
    }
    // Not retryable: the store refused these points as invalid (or an unexpected error, which retrying
    // would only repeat). On a partial write, the store says how many it refused; the rest are stored.
    const rejected = err instanceof TelemetryWriteError && err.rejected !== undefined ? Math.min(err.rejected, n) : n;
    consecutiveFailures = 0; // the store answered, so it is up: back to full concurrency
    counters.failed += rejected;
    metrics.onFailed(rejected);
    if (rejected < n) {
      counters.written += n - rejected;
      metrics.onWritten(n - rejected, seconds);
    }
    const message = err instanceof Error ? err.message : String(err);
    logger.error({ err: message, status: err instanceof TelemetryWriteError ? err.status : undefined, points: n, rejected },
      'telemetry store refused points');
  }

  function backoffDelay(attempt: number): number {
    const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt - 1, 30));
    // "Equal jitter": at least half the ceiling, so a dead store is not hammered, yet writers spread out.
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  function startBackoff(delay: number): void {
    if (backoffTimer !== undefined) return;
    backoffTimer = setTimeout(() => {
      backoffTimer = undefined;
      pump(true);
    }, delay);
    // An idle writer must not keep the process alive, but someone awaiting flush/drain needs the retry.
    if (waiters.length === 0) backoffTimer.unref();
  }

  /** The oldest seq still pending (queued or in flight); Infinity when nothing is. */
  function pendingFloor(): number {
    let floor = queue[0]?.seq ?? Infinity;
    for (const b of inflight) floor = Math.min(floor, b.seq);
    return floor;
  }

  function settleWaiters(): void {
    if (waiters.length === 0) return;
    const floor = pendingFloor();
    for (let i = waiters.length - 1; i >= 0; i -= 1) {
      const w = waiters[i];
      if (w !== undefined && w.target <= floor) {
        waiters.splice(i, 1);
        w.resolve();
      }
    }
    if (waiters.length === 0) backoffTimer?.unref();
  }

  /** Resolves once everything enqueued so far is settled; `cancel` forgets the wait (drain's deadline). */
  function waitForSettled(): { done: Promise<void>; cancel: () => void } {
    const target = nextSeq;
    if (pendingFloor() >= target) return { done: Promise.resolve(), cancel: () => {} };
    let waiter: { target: number; resolve: () => void } | undefined;
    const done = new Promise<void>((resolve) => {
      waiter = { target, resolve };
      waiters.push(waiter);
    });
    backoffTimer?.ref();
    pump(true);
    const cancel = (): void => {
      const i = waiter === undefined ? -1 : waiters.indexOf(waiter);
      if (i >= 0) waiters.splice(i, 1);
      if (waiters.length === 0) backoffTimer?.unref();
    };
    return { done, cancel };
  }

  async function drain(timeoutMs: number = DEFAULTS.drainTimeoutMs): Promise<void> {
    const wait = waitForSettled();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
    const outcome = await Promise.race([wait.done.then(() => 'done' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      wait.cancel();
      logger.error({ queued: counters.queued, inflight: counters.inflightPoints, timeoutMs }, 'telemetry drain timed out; points still pending');
    }
  }

  async function stop(): Promise<void> {
    if (stopped) return;
    await drain();
    stopped = true;
    clearInterval(ticker);
    if (backoffTimer !== undefined) clearTimeout(backoffTimer);
    backoffTimer = undefined;
    // Whatever drain could not write is lost now; say so rather than vanish.
    if (counters.queued > 0) {
      const n = counters.queued;
      queue.length = 0;
      counters.queued = 0;
      metrics.queueDepth(0);
      drop(n, 'writer stopped with points queued');
    }
    logOverflow(true);
  }

  return {
    enqueue,
    flush: () => waitForSettled().done,
    drain,
    stop,
    stats: () => ({
      queued: counters.queued, inflight: counters.inflightPoints, written: counters.written,
      failed: counters.failed, dropped: counters.dropped, retries: counters.retries,
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
  if (metrics === undefined) {
    return { onWritten: () => {}, onFailed: () => {}, onDropped: () => {}, onRetry: () => {}, queueDepth: () => {} };
  }
  return {
    onWritten: (n, s) => call('onWritten', () => metrics.onWritten(n, s)),
    onFailed: (n) => call('onFailed', () => metrics.onFailed(n)),
    onDropped: (n) => call('onDropped', () => metrics.onDropped(n)),
    onRetry: () => call('onRetry', () => metrics.onRetry()),
    queueDepth: (n) => call('queueDepth', () => metrics.queueDepth(n)),
  };
}
