import type { RulesConfig } from '../../../config/schema.js';
import type { BacktestAlarm } from '../contracts/backtest.js';
import type { Alarm, AlarmPolicy } from './alarm-engine.js';
import { emptyDelays, reconcileDepot } from './alarm-reconcile.js';
import { evaluateSensor, type Condition, type EvalContext } from './conditions.js';
import { nextSensorLive, type SensorLive } from './live-types.js';
import type { SensorEntry } from './site-index.js';

export interface Sample { ts: number; value: number }

/**
 * A door schedule changes with the clock, not with readings: with an outside-schedule rule the replay
 * also looks once a minute, as the live engine's once-a-second full evaluation would (to the minute).
 */
const SCHEDULE_STEP_MS = 60_000;

export interface ReplayResult { alarms: BacktestAlarm[]; alarmMs: number }

/**
 * One rule's replay over one sensor's history, fed in pages (a worker thread reads them as the server
 * pages them out of the telemetry store, so a whole depot over 30 days is never in memory at once).
 * Pages must follow each other in time order; the outcome is the same however the history is cut.
 */
export interface Replay {
  push(ts: ArrayLike<number>, values: ArrayLike<number>): void;
  finish(): ReplayResult;
}

/**
 * Replays one sensor's history through the live engine's own pure steps (nextSensorLive →
 * evaluateSensor → reconcileDepot → activate/clear) on a replayed clock, so a backtest cannot
 * disagree with what the live engine would have done with the same readings.
 *
 * The clock stops at every sample and at every moment something could change without one: an on-delay
 * or off-delay running out, the sensor going stale (a gap in history is a device that was not
 * reporting, so its threshold condition is gone), and, for schedule rules, every minute. Between those
 * moments the live engine's evaluations all see the same inputs and so change nothing.
 *
 * `entry` should carry only the rule under test; conditions other than its own (not reporting) are not
 * counted. Alarms are counted as activations (raised or re-raised); nobody acknowledges in a replay.
 * Samples must be in time order; `to` is exclusive.
 */
export function createReplay(entry: SensorEntry, rules: RulesConfig, window: { from: number; to: number }, policy: AlarmPolicy): Replay {
  const depot = entry.depot.id;
  const sensorId = entry.sensor.id;
  const staleMs = rules.staleFactor * entry.sensor.intervalS * 1000;
  const delayOf = new Map<string, { on: number; off: number }>();
  for (const r of [...entry.thresholds, ...entry.states, ...entry.rates]) delayOf.set(`${depot}/${r.id}:${sensorId}`, { on: r.onDelayS * 1000, off: r.offDelayS * 1000 });
  const scheduled = entry.states.some((r) => r.outsideSchedule);

  let reading: SensorLive | undefined;
  let active: ReadonlySet<string> = new Set();
  const alarms = new Map<string, Alarm>();
  const pending = emptyDelays();
  const out: BacktestAlarm[] = [];
  /** the alarm currently open per alarm id (index into out) */
  const open = new Map<string, number>();
  let lastConditions: Condition[] = [];

  function evaluate(now: number): void {
    const ctx: EvalContext = {
      rules, now, collectorOffline: false, wasActive: (k) => active.has(k),
      // the depot counts as heard from the window's start, so silence before the first sample is not an alarm of this rule
      startedAt: window.from, depotHasData: true,
    };
    const r = evaluateSensor(entry, reading, ctx);
    active = new Set(r.activeThresholds);
    lastConditions = r.conditions.filter((c) => delayOf.has(`${depot}/${c.key}`));
    const step = reconcileDepot({ depot, alarms, conditions: lastConditions, now, policy, pending, maintenanceFor: () => null });
    for (const a of step.changed) alarms.set(a.id, a);
    for (const e of step.events) {
      if (e.type === 'raised' || e.type === 'reraised') {
        const a = alarms.get(e.alarmId);
        if (!a) continue;
        open.set(e.alarmId, out.length);
        out.push({ sensor: sensorId, code: a.code, start: now, end: null, peak: peakOf(a.code, lastConditions.find((c) => `${depot}/${c.key}` === e.alarmId), reading) });
      } else if (e.type === 'cleared') {
        const i = open.get(e.alarmId);
        if (i !== undefined) out[i]!.end = now;
        open.delete(e.alarmId);
      }
    }
    // the peak follows the readings while the alarm is active
    for (const [id, i] of open) {
      const o = out[i]!;
      const c = lastConditions.find((x) => `${depot}/${x.key}` === id);
      const v = peakOf(o.code, c, reading);
      if (Number.isNaN(v)) continue;
      o.peak = Number.isNaN(o.peak) ? v : o.code === 'threshold_low' ? Math.min(o.peak, v) : Math.max(o.peak, v);
    }
  }

  /** the next moment without a sample at which the outcome could change */
  function nextDeadline(after: number): number {
    let t = Infinity;
    for (const [id, since] of pending.on) t = Math.min(t, since + (delayOf.get(id)?.on ?? 0));
    for (const [id, since] of pending.off) t = Math.min(t, since + (delayOf.get(id)?.off ?? 0));
    // stale is "more than staleMs since received": the first whole millisecond past it
    if (reading) { const s = reading.receivedAt + staleMs + 1; if (s > after) t = Math.min(t, s); }
    if (scheduled) t = Math.min(t, after + SCHEDULE_STEP_MS);
    return t > after ? t : after + 1;
  }

  let now = window.from;
  /** every moment before `until` (and before the window's end) at which a deadline falls */
  function runDeadlinesBefore(until: number): void {
    const bound = Math.min(until, window.to);
    for (;;) {
      const t = nextDeadline(now);
      if (t >= bound) return;
      now = t;
      evaluate(now);
    }
  }

  // the samples of one instant are held until the next instant (or the end) shows none more can come,
  // then read together before one evaluation, as a live tick after the messages
  let heldTs = Number.NaN;
  const heldValues: number[] = [];
  function flushHeld(): void {
    if (heldValues.length === 0) return;
    runDeadlinesBefore(heldTs);
    if (heldTs < window.to) {
      now = heldTs;
      for (const v of heldValues) reading = nextSensorLive(reading, v, now, now);
      evaluate(now);
    }
    heldValues.length = 0;
  }

  let finished = false;
  return {
    push(ts, values) {
      if (finished) throw new Error('replay already finished');
      for (let j = 0; j < ts.length; j++) {
        const t = ts[j]!;
        if (t < window.from) continue;
        if (heldValues.length > 0 && t !== heldTs) flushHeld();
        heldTs = t;
        heldValues.push(values[j]!);
      }
    },
    finish() {
      if (!finished) {
        finished = true;
        flushHeld();
        runDeadlinesBefore(window.to);
      }
      let alarmMs = 0;
      for (const a of out) alarmMs += (a.end ?? window.to) - a.start;
      return { alarms: out, alarmMs };
    },
  };
}

/** one replay over a history held whole (tests, small histories) */
export function backtest(
  entry: SensorEntry, rules: RulesConfig, samples: readonly Sample[], window: { from: number; to: number }, policy: AlarmPolicy,
): ReplayResult {
  const replay = createReplay(entry, rules, window, policy);
  replay.push(samples.map((s) => s.ts), samples.map((s) => s.value));
  return replay.finish();
}

/** NaN when there is nothing to measure (a rate alarm waiting out its off-delay has no rate) */
function peakOf(code: string, c: Condition | undefined, reading: SensorLive | undefined): number {
  if (code === 'rate_of_change') return typeof c?.params.rate === 'number' ? c.params.rate : Number.NaN;
  return reading?.value ?? Number.NaN;
}
