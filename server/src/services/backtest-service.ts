import type { RulesConfig, SensorConfig, ZoneConfig } from '../../../config/schema.js';
import {
  BACKTEST_MAX_LISTED, BACKTEST_MAX_POINTS, type BacktestOutcome, type BacktestRequest, type BacktestResponse,
  type BacktestRule, type BacktestSensor,
} from '../contracts/backtest.js';
import { alarmPolicyOf } from '../domain/alarm-engine.js';
import type { ReplayResult } from '../domain/backtest.js';
import { applies, resolveSensor, type SensorEntry, type SiteIndex } from '../domain/site-index.js';
import type { Clock } from '../ports/clock.js';
import type { ReplayRunner, SamplePage } from '../ports/replay-runner.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';

const DAY_MS = 86_400_000;
/** the window is whole seconds (delays are whole seconds, so the replay keeps their resolution) */
const SAMPLE_MS = 1000;
/**
 * History is read as stored (TelemetryStore.readings, not downsampled) in pages of this many readings,
 * each starting after the last reading of the one before: one short store query each on the event loop
 * (a SQLite read blocks it while it runs, an InfluxDB answer is parsed on it), and a sensor's replay
 * holds at most two pages (the one it replays, the next being read) rather than its 30 days, however
 * densely it reported.
 */
const PAGE_READINGS = 10_000;
/**
 * Backtests replaying at once. Each takes every replay thread while it runs (one task per sensor), so a
 * third would only wait behind the first two, holding its connection and, once started, its pages; the
 * engineer is told at once instead, and a page closed while waiting never starts a replay nobody reads.
 */
const BACKTEST_MAX_RUNNING = 2;

export type BacktestOutcomeKind = 'done' | 'refused' | 'busy' | 'failed' | 'aborted';

export class BacktestError extends Error {
  constructor(
    readonly status: 400 | 404 | 413 | 503, readonly code: string, message: string,
    readonly fields?: { path: string; message: string }[], readonly params?: Record<string, string | number>,
  ) {
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

function outcome(runs: ReplayResult[]): BacktestOutcome {
  const all = runs.flatMap((r) => r.alarms).sort((a, b) => a.start - b.start);
  return { alarms: all.length, alarmMs: runs.reduce((n, r) => n + r.alarmMs, 0), list: all.slice(0, BACKTEST_MAX_LISTED) };
}

/**
 * SPEC §9 `POST /api/rules/backtest`: the proposed rule and the running rule of the same id, each
 * replayed over the same stored history (domain/backtest.ts) on the replay runner's worker threads,
 * one job per sensor, all sensors at once (the runner queues what its threads cannot take yet). The
 * history is paged to the replays as they ask for it. The work is bounded before any history is read
 * (the expected samples from the sensors' intervals) and again as it is read (the samples the store
 * returns), so a dense history cannot make one request replay more than BACKTEST_MAX_POINTS. A
 * request whose `signal` aborts (the engineer closed the page) stops its replays and reads no more.
 */
export function createBacktestService(deps: {
  index: () => SiteIndex; telemetry: Pick<TelemetryStore, 'readings'>; clock: Clock; runner: ReplayRunner;
  /** each request's end: answered, refused (4xx), busy (too many at once), failed (503, a bug) or aborted by the client */
  onOutcome?: (outcome: BacktestOutcomeKind, seconds: number) => void;
  /** how many run now, at each start and end (a gauge on /metrics) */
  onRunning?: (n: number) => void;
}) {
  let running = 0;
  async function run(req: BacktestRequest, signal?: AbortSignal): Promise<BacktestResponse> {
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
      const fitDays = Math.floor(req.days * BACKTEST_MAX_POINTS / expected * 10) / 10;
      const narrower = targets.length > 1 ? `choose one sensor, or at most ${fitDays} days` : `choose at most ${fitDays} days`;
      throw new BacktestError(413, 'too_large', `${targets.length} sensor${targets.length === 1 ? '' : 's'} over ${req.days} days is about ${expected} readings; a backtest replays at most ${BACKTEST_MAX_POINTS}: ${narrower}`,
        undefined, { sensors: targets.length, days: req.days, readings: expected, max: BACKTEST_MAX_POINTS, fitDays });
    }

    const policy = alarmPolicyOf(rules.alarms);
    const window = { from, to };
    // one sensor's failure (the store, the bound) ends the others' replays too
    const cancel = new AbortController();
    const stop = signal ? AbortSignal.any([signal, cancel.signal]) : cancel.signal;
    let samples = 0;
    let historyMs = 0;

    async function* pages(sensor: SensorConfig, counted: { samples: number }): AsyncGenerator<SamplePage> {
      for (let cursor = from; cursor < to;) {
        if (stop.aborted) return;
        const t0 = performance.now();
        let points;
        try {
          points = await deps.telemetry.readings({ depot: depot!.id, sensor: sensor.id, from: cursor, to, limit: PAGE_READINGS });
        } catch (err) {
          throw new BacktestError(503, 'telemetry_unavailable', `telemetry history could not be read: ${err instanceof Error ? err.message : String(err)}`);
        } finally {
          historyMs += performance.now() - t0;
        }
        samples += points.length;
        counted.samples += points.length;
        if (samples > BACKTEST_MAX_POINTS) {
          throw new BacktestError(413, 'too_large', `history holds more than ${BACKTEST_MAX_POINTS} readings for this backtest: choose one sensor or fewer days`,
            undefined, { sensors: targets.length, days: req.days, max: BACKTEST_MAX_POINTS });
        }
        const page: SamplePage = { ts: new Float64Array(points.length), value: new Float64Array(points.length) };
        for (let i = 0; i < points.length; i++) {
          page.ts[i] = points[i]!.t;
          page.value[i] = points[i]!.value;
        }
        yield page;
        const last = points.at(-1);
        if (points.length < PAGE_READINGS || last === undefined) return;
        cursor = last.t + 1;
      }
    }

    const jobs = targets.map(async (t) => {
      const cur = current ? resolveSensor(depot, t.zone, t.sensor, onlyRule(rules, current)) : null;
      const prop = resolveSensor(depot, t.zone, t.sensor, onlyRule(rules, proposed));
      const curLimits = limitsOf(cur);
      const propLimits = limitsOf(prop);
      const counted = { samples: 0 };
      try {
        const [curRun, propRun] = await deps.runner.replay(
          { rules, policy, window, entries: [cur && curLimits ? cur : null, propLimits ? prop : null] },
          pages(t.sensor, counted), stop,
        );
        const sensor: BacktestSensor = { sensor: t.sensor.id, zone: t.zone.id, samples: counted.samples, current: curLimits, proposed: propLimits };
        return { sensor, curRun, propRun };
      } catch (err) {
        cancel.abort();
        throw err;
      }
    });
    const done = await Promise.all(jobs);
    const runs = (pick: (d: (typeof done)[number]) => ReplayResult | null | undefined) => done.map(pick).filter((r): r is ReplayResult => !!r);
    return {
      depot: depot.id, ruleId: proposed.rule.id, from, to, samples,
      current: current ? outcome(runs((d) => d.curRun)) : null,
      proposed: outcome(runs((d) => d.propRun)),
      sensors: done.map((d) => d.sensor),
      elapsedMs: Math.round(performance.now() - started),
      historyMs: Math.round(historyMs),
    };
  }

  return {
    async run(req: BacktestRequest, opts: { signal?: AbortSignal } = {}): Promise<BacktestResponse> {
      const started = performance.now();
      // one more than the bound is refused (503 `busy`) rather than queued behind the others
      if (running >= BACKTEST_MAX_RUNNING) {
        deps.onOutcome?.('busy', 0);
        throw new BacktestError(503, 'busy', `${running} backtests are running, the most at once; try again when one has finished`, undefined, { running });
      }
      running++;
      deps.onRunning?.(running);
      let kind: BacktestOutcomeKind = 'failed';
      try {
        const r = await run(req, opts.signal);
        kind = 'done';
        return r;
      } catch (err) {
        kind = opts.signal?.aborted ? 'aborted' : err instanceof BacktestError && err.status !== 503 ? 'refused' : 'failed';
        throw err;
      } finally {
        running--;
        deps.onRunning?.(running);
        deps.onOutcome?.(kind, (performance.now() - started) / 1000);
      }
    },
  };
}
export type BacktestService = ReturnType<typeof createBacktestService>;
