import { z } from 'zod';
import { rateRuleSchema, stateRuleSchema, thresholdRuleSchema, type RateRule, type StateRule, type ThresholdRule } from '../../../config/schema.js';
import { idSchema } from './ids.js';
import type { ReasonCode } from './api.js';

/**
 * `POST /api/rules/backtest` (SPEC §9): a proposed rule evaluated over stored telemetry history, beside
 * the rule of the same id that runs now, so an engineer sees how often each would have fired.
 */
export const BACKTEST_DEFAULT_DAYS = 7;
export const BACKTEST_MAX_DAYS = 30;
/**
 * The most samples one backtest replays (over every sensor it covers): 30 days of nineteen sensors
 * reporting every 10 s, so a whole depot of them fits. The replays run on worker threads and the
 * history is paged, so the bound is about time, not memory: on the shared 2-core box (one replay
 * thread, load average 18) a whole depot of seven such sensors (1.8 M samples) took 32 s on SQLite
 * and 42 s on InfluxDB (bench/backtest.ts), so at that load the bound is a request of 1.5 to 2 minutes.
 * Beyond it the answer is 413, naming the days that would fit.
 */
export const BACKTEST_MAX_POINTS = 5_000_000;

export const backtestRuleSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('threshold'), rule: thresholdRuleSchema }).strict(),
  z.object({ type: z.literal('state'), rule: stateRuleSchema }).strict(),
  z.object({ type: z.literal('rate'), rule: rateRuleSchema }).strict(),
]);
export type BacktestRule =
  | { type: 'threshold'; rule: ThresholdRule }
  | { type: 'state'; rule: StateRule }
  | { type: 'rate'; rule: RateRule };

export const backtestRequestSchema = z.object({
  depot: idSchema,
  /** one sensor; absent: every sensor of the depot that the current or the proposed rule covers */
  sensor: idSchema.optional(),
  proposed: backtestRuleSchema,
  /** the window ends now unless `to` (epoch ms) says otherwise */
  days: z.number().positive().max(BACKTEST_MAX_DAYS).default(BACKTEST_DEFAULT_DAYS),
  to: z.number().int().positive().optional(),
}).strict();
export type BacktestRequest = z.infer<typeof backtestRequestSchema>;

/** one alarm the rule would have raised: from activation (after the on-delay) to clearing (after the off-delay) */
export interface BacktestAlarm {
  sensor: string;
  code: ReasonCode;
  start: number;
  /** null: still active at the end of the window */
  end: number | null;
  /** the highest reading (a high limit, a state), the lowest (a low limit), or the fastest rate, while active */
  peak: number;
}

export interface BacktestOutcome {
  alarms: number;
  /** total time in alarm within the window, ms */
  alarmMs: number;
  /** the alarms, oldest first; at most BACKTEST_MAX_LISTED, `alarms` counts them all */
  list: BacktestAlarm[];
}
export const BACKTEST_MAX_LISTED = 500;

export interface BacktestSensor {
  sensor: string;
  zone: string;
  samples: number;
  /** the limits in force for this sensor (a zone's limits replace a rule's, as in the live engine) */
  current: { high?: number; low?: number } | null;
  proposed: { high?: number; low?: number } | null;
}

export interface BacktestResponse {
  depot: string;
  ruleId: string;
  from: number;
  to: number;
  samples: number;
  /** null: no rule of this id runs now (a new rule) */
  current: BacktestOutcome | null;
  proposed: BacktestOutcome;
  sensors: BacktestSensor[];
  /** how long the backtest took on the server, ms */
  elapsedMs: number;
  /** of which reading history from the telemetry store, ms, summed over the sensors (their reads overlap the replays) */
  historyMs: number;
}
