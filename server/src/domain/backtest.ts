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
export function backtest(
  entry: SensorEntry, rules: RulesConfig, samples: readonly Sample[], window: { from: number; to: number }, policy: AlarmPolicy,
): { alarms: BacktestAlarm[]; alarmMs: number } {
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

  let i = 0;
  while (i < samples.length && samples[i]!.ts < window.from) i++;
  let now = window.from;
  for (;;) {
    const next = i < samples.length ? samples[i]!.ts : Infinity;
    const deadline = nextDeadline(now);
    const t = Math.min(next, deadline);
    if (t >= window.to || t === Infinity) break;
    now = t;
    // every sample at this instant first, then one evaluation, as a live tick after the messages
    while (i < samples.length && samples[i]!.ts === now) {
      reading = nextSensorLive(reading, samples[i]!.value, now, now);
      i++;
    }
    evaluate(now);
  }
  let alarmMs = 0;
  for (const a of out) alarmMs += (a.end ?? window.to) - a.start;
  return { alarms: out, alarmMs };
}

/** NaN when there is nothing to measure (a rate alarm waiting out its off-delay has no rate) */
function peakOf(code: string, c: Condition | undefined, reading: SensorLive | undefined): number {
  if (code === 'rate_of_change') return typeof c?.params.rate === 'number' ? c.params.rate : Number.NaN;
  return reading?.value ?? Number.NaN;
}
