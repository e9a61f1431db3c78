import type { HistoryQuery, HistorySeries, TelemetryPoint } from '../contracts/telemetry.js';

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
   */
  write(points: readonly TelemetryPoint[]): Promise<void>;
  /** a server-side downsampled series: at most `maxPoints` (default 1000) buckets whatever the range */
  history(query: HistoryQuery): Promise<HistorySeries>;
  /** number of points of a measurement in [from, to), optionally for one depot (tests, benchmarks) */
  count(query: { measurement: TelemetryPoint['measurement']; depot?: string; from: number; to: number }): Promise<number>;
  /** resolves when the store answers; rejects otherwise (used by /readyz) */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class TelemetryWriteError extends Error {
  constructor(message: string, readonly retryable: boolean, readonly status?: number) {
    super(message);
    this.name = 'TelemetryWriteError';
  }
}
