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
 * The most samples one backtest replays (over every sensor it covers): 30 days of three sensors, or 7
 * days of sixteen, reporting every 10 s. Measured on the shared 2-core box: 30 days of one sensor
 * (259,200 samples, both rules) took 2.3 s, seven sensors (1.8 M) 18 to 24 s; a million keeps a request
 * near 10 s. Beyond it the answer is 413; a narrower window or one sensor fits.
 */
export const BACKTEST_MAX_POINTS = 1_000_000;

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
  /** how long the replay took on the server, ms */
  elapsedMs: number;
}
