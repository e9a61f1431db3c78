import { setImmediate as yieldToLiveWork } from 'node:timers/promises';
import type { RulesConfig, SensorConfig, ZoneConfig } from '../../../config/schema.js';
import {
  BACKTEST_MAX_LISTED, BACKTEST_MAX_POINTS, type BacktestAlarm, type BacktestOutcome, type BacktestRequest, type BacktestResponse,
  type BacktestRule, type BacktestSensor,
} from '../contracts/backtest.js';
import { alarmPolicyOf } from '../domain/alarm-engine.js';
import { backtest, type Sample } from '../domain/backtest.js';
import { applies, resolveSensor, type SensorEntry, type SiteIndex } from '../domain/site-index.js';
import type { Clock } from '../ports/clock.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';

const DAY_MS = 86_400_000;
/**
 * History is read in 1-second buckets: finer than any device reports (the fastest is 1 s), so each
 * bucket holds one reading and its mean is that reading; delays are whole seconds, so the replay keeps
 * their resolution.
 */
const SAMPLE_MS = 1000;

export class BacktestError extends Error {
  constructor(readonly status: 400 | 404 | 413 | 503, readonly code: string, message: string, readonly fields?: { path: string; message: string }[]) {
    super(message);
  }
}

type AnyRule = BacktestRule['rule'];
const listOf = (rules: RulesConfig, type: BacktestRule['type']): readonly AnyRule[] =>
  type === 'threshold' ? rules.thresholds : type === 'state' ? rules.states : rules.rates;

/** the rules with only `rule` in its list: an entry resolved from them carries that one rule */
function onlyRule(rules: RulesConfig, r: BacktestRule): RulesConfig {
  return {
    ...rules,
    thresholds: r.type === 'threshold' ? [r.rule] : [],
    states: r.type === 'state' ? [r.rule] : [],
    rates: r.type === 'rate' ? [r.rule] : [],
  };
}

const limitsOf = (e: SensorEntry | null) => {
  const t = e?.thresholds[0];
  if (!e || (!t && e.states.length === 0 && e.rates.length === 0)) return null;
  return { ...(t?.high !== undefined ? { high: t.high } : {}), ...(t?.low !== undefined ? { low: t.low } : {}) };
};

function outcome(runs: { alarms: BacktestAlarm[]; alarmMs: number }[]): BacktestOutcome {
  const all = runs.flatMap((r) => r.alarms).sort((a, b) => a.start - b.start);
  return { alarms: all.length, alarmMs: runs.reduce((n, r) => n + r.alarmMs, 0), list: all.slice(0, BACKTEST_MAX_LISTED) };
}

/**
 * SPEC §9 `POST /api/rules/backtest`: the proposed rule and the running rule of the same id, each
 * replayed over the same stored history (domain/backtest.ts). The work is bounded before any history
 * is read (the expected samples from the sensors' intervals) and again as it is read (the samples the
 * store returns), so a dense history cannot make one request replay more than BACKTEST_MAX_POINTS.
 */
export function createBacktestService(deps: { index: () => SiteIndex; telemetry: Pick<TelemetryStore, 'history'>; clock: Clock }) {
  return {
    async run(req: BacktestRequest): Promise<BacktestResponse> {
      const started = performance.now();
      const index = deps.index();
      const depot = index.depot(req.depot);
      if (!depot) throw new BacktestError(404, 'not_found', `depot ${req.depot} not found`);
      const rules = index.site.rules;
      const proposed = req.proposed;
      const currentRule = listOf(rules, proposed.type).find((r) => r.id === proposed.rule.id);
      const current = currentRule ? ({ type: proposed.type, rule: currentRule } as BacktestRule) : null;

      let targets: { sensor: SensorConfig; zone: ZoneConfig }[];
      if (req.sensor !== undefined) {
        const e = index.sensor(depot.id, req.sensor);
        if (!e) throw new BacktestError(404, 'not_found', `sensor ${req.sensor} not found in depot ${depot.id}`);
        if (e.sensor.kind !== proposed.rule.kind) {
          throw new BacktestError(400, 'bad_request', 'invalid fields: sensor', [{ path: 'sensor', message: `is a ${e.sensor.kind} sensor; the rule is for ${proposed.rule.kind}` }]);
        }
        targets = [{ sensor: e.sensor, zone: e.zone }];
      } else {
        targets = index.sensorsOf(depot.id)
          .filter((e) => applies(proposed.rule, e.sensor, e.zone) || (currentRule !== undefined && applies(currentRule, e.sensor, e.zone)))
          .map((e) => ({ sensor: e.sensor, zone: e.zone }));
      }

      const to = Math.floor((req.to ?? deps.clock.now()) / SAMPLE_MS) * SAMPLE_MS;
      const from = to - Math.round(req.days * DAY_MS / SAMPLE_MS) * SAMPLE_MS;
      const windowMs = to - from;
      const expected = targets.reduce((n, t) => n + Math.ceil(windowMs / (t.sensor.intervalS * 1000)), 0);
      if (expected > BACKTEST_MAX_POINTS) {
        throw new BacktestError(413, 'too_large', `${targets.length} sensors over ${req.days} days is about ${expected} readings; a backtest replays at most ${BACKTEST_MAX_POINTS}: choose one sensor or fewer days`);
      }

      const policy = alarmPolicyOf(rules.alarms);
      const window = { from, to };
      const sensors: BacktestSensor[] = [];
      const currentRuns: { alarms: BacktestAlarm[]; alarmMs: number }[] = [];
      const proposedRuns: { alarms: BacktestAlarm[]; alarmMs: number }[] = [];
      let samples = 0;
      for (const t of targets) {
        let series;
        try {
          series = await deps.telemetry.history({ series: { measurement: 'sensor', depot: depot.id, sensor: t.sensor.id }, from, to, maxPoints: Math.ceil(windowMs / SAMPLE_MS) });
        } catch (err) {
          throw new BacktestError(503, 'telemetry_unavailable', `telemetry history could not be read: ${err instanceof Error ? err.message : String(err)}`);
        }
        samples += series.points.length;
        if (samples > BACKTEST_MAX_POINTS) {
          throw new BacktestError(413, 'too_large', `history holds more than ${BACKTEST_MAX_POINTS} readings for this backtest: choose one sensor or fewer days`);
        }
        const history: Sample[] = series.points.map((p) => ({ ts: p.t, value: p.mean }));
        const cur = current ? resolveSensor(depot, t.zone, t.sensor, onlyRule(rules, current)) : null;
        const prop = resolveSensor(depot, t.zone, t.sensor, onlyRule(rules, proposed));
        const curLimits = limitsOf(cur);
        const propLimits = limitsOf(prop);
        // each replay holds the event loop (~0.75 s for 30 days at 10 s): live readings and alarms go between them
        if (cur && curLimits) currentRuns.push(backtest(cur, rules, history, window, policy));
        await yieldToLiveWork();
        if (propLimits) proposedRuns.push(backtest(prop, rules, history, window, policy));
        await yieldToLiveWork();
        sensors.push({ sensor: t.sensor.id, zone: t.zone.id, samples: history.length, current: curLimits, proposed: propLimits });
      }
      return {
        depot: depot.id, ruleId: proposed.rule.id, from, to, samples,
        current: current ? outcome(currentRuns) : null,
        proposed: outcome(proposedRuns),
        sensors,
        elapsedMs: Math.round(performance.now() - started),
      };
    },
  };
}
export type BacktestService = ReturnType<typeof createBacktestService>;
