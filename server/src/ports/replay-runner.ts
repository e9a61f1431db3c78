import type { RulesConfig } from '../../../config/schema.js';
import type { AlarmPolicy } from '../domain/alarm-engine.js';
import type { ReplayResult } from '../domain/backtest.js';
import type { SensorEntry } from '../domain/site-index.js';

/** one page of a sensor's history in time order: epoch ms and values, as typed arrays so they move between threads without a copy */
export interface SamplePage { ts: Float64Array<ArrayBuffer>; value: Float64Array<ArrayBuffer> }

/** one sensor's backtest: each entry (the running rule, the proposed one; null for none) replayed over the same pages */
export interface ReplayJob {
  rules: RulesConfig;
  policy: AlarmPolicy;
  window: { from: number; to: number };
  entries: readonly (SensorEntry | null)[];
}

/**
 * Where backtest replays run: off the server's event loop (adapters/workers/replay-pool.ts), so live
 * readings and alarms never wait for one.
 */
export interface ReplayRunner {
  /**
   * Replays every entry of `job` over `pages`, read one page at a time as the replay asks for the next.
   * The answer is one result per entry (null for a null entry). Rejects with the pages' own error when
   * reading them fails, and with an AbortError once `signal` aborts (the replay's thread is stopped).
   */
  replay(job: ReplayJob, pages: AsyncIterator<SamplePage>, signal?: AbortSignal): Promise<(ReplayResult | null)[]>;
  /** stops every thread; replays still running are rejected */
  close(): Promise<void>;
}
