import { MAX_HISTORY_POINTS, type HistoryQuery, type HistorySeries, type Reading, type ReadingsQuery, type TelemetryPoint } from '../contracts/telemetry.js';

/**
 * Where telemetry history lives: InfluxDB (v1-compatible HTTP API) or the embedded SQLite store.
 * Both pass the same contract suite (tests/integration/telemetry-store.contract.test.ts).
 */
export interface TelemetryStore {
  readonly kind: 'influx' | 'sqlite';
  /** creates the database / retention policies / tables when missing */
  init(): Promise<void>;
  /**
   * One write attempt of a batch. Rewriting a point with the same measurement, tags and ts replaces it
   * (replay is idempotent). Throws TelemetryWriteError; `retryable` says whether trying again can help.
   *
   * Partial writes: a point the store cannot accept (non-finite number, type conflict, older than the
   * retention policy…) does not sink its batch. The store writes the others, then throws a non-retryable
   * TelemetryWriteError whose `rejected` is the number of refused points. Without `rejected`, a non-retryable
   * error means none of the batch was written.
   */
  write(points: readonly TelemetryPoint[]): Promise<void>;
  /**
   * A server-side downsampled series: at most `maxPoints` (default 1000) buckets whatever the range.
   * Buckets are `historyBucketMs(query)` wide and aligned on `from`; empty buckets are left out.
   */
  history(query: HistoryQuery): Promise<HistorySeries>;
  /** a sensor's readings in [from, to) as stored, in time order, at most `limit` (the backtest pages through them) */
  readings(query: ReadingsQuery): Promise<Reading[]>;
  /** number of points of a measurement in [from, to), optionally for one depot (tests, benchmarks) */
  count(query: { measurement: TelemetryPoint['measurement']; depot?: string; from: number; to: number }): Promise<number>;
  /** resolves when the store answers; rejects otherwise (used by /readyz) */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class TelemetryWriteError extends Error {
  /**
   * @param rejected on a partial write, how many points of the batch the store refused (the rest were written);
   *   undefined when the whole batch failed.
   */
  constructor(message: string, readonly retryable: boolean, readonly status?: number, readonly rejected?: number) {
    super(message);
    this.name = 'TelemetryWriteError';
  }
}

/**
 * The bucket width every store uses, so both return the same buckets for the same query: the smallest
 * whole number of milliseconds that fits [from, to) into `maxPoints` buckets.
 */
export function historyBucketMs(query: Pick<HistoryQuery, 'from' | 'to' | 'maxPoints'>): number {
  const maxPoints = Math.max(1, Math.floor(query.maxPoints ?? MAX_HISTORY_POINTS));
  return Math.max(1, Math.ceil((query.to - query.from) / maxPoints));
}
