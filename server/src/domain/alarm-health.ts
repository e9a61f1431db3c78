import type { AlarmState } from './alarm-engine.js';

/**
 * Alarm-system health (ISA-18.2 §16, EEMUA 191): how much the operators are asked to handle, per day,
 * so that engineers can tune the rules that make noise. Pure: the facts come from the audit log
 * (adapters/sqlite/alarm-health-queries.ts), every number here can be checked by hand.
 */

export const TEN_MIN_MS = 600_000;
export const DAY_MS = 86_400_000;
/** ISA-18.2: more than 10 new alarms in 10 minutes per operator is a flood */
export const FLOOD_PER_10_MIN = 10;
/** active this long without any change is stale; raised this long ago and still standing is standing */
export const STALE_MS = DAY_MS;

/** the targets shown beside each figure (EEMUA 191 table 35, ISA-18.2 table 5) */
export const ALARM_HEALTH_TARGETS = {
  /** average new alarms per 10 minutes per operator: ≤ 1 very likely acceptable, ≤ 2 manageable */
  avgPer10MinAcceptable: 1, avgPer10MinManageable: 2,
  /** peak new alarms per 10 minutes per operator */
  peakPer10MinMax: 10,
  floodPercentMax: 1,
  /** the ten most frequent alarms' share of all alarms, at most */
  top10SharePercentMax: 5,
  chatteringMax: 0,
  staleMax: 5,
} as const;

/** One alarm transition from the audit log. */
export interface HealthTransition { alarm: string; at: number; event: string; to: AlarmState }
/** Where an alarm stood when the window opened: its last transition and last raise before `from`. */
export interface HealthBaseline { alarm: string; lastAt: number; to: AlarmState; raisedAt: number | null }

export interface AlarmHealthFacts {
  /** raised and reraised alarms per 10-minute interval since `from` (interval index → count) */
  per10Min: ReadonlyMap<number, number>;
  /** the most frequent alarms, most first */
  top: readonly { alarm: string; depot: string; code: string; device: string; count: number }[];
  /** distinct alarms marked chattering per day (day index → count) */
  chatteringPerDay: ReadonlyMap<number, number>;
  baseline: readonly HealthBaseline[];
  /** transitions in [from, to), oldest first */
  transitions: readonly HealthTransition[];
}

export interface AlarmHealthDay {
  /** local date, YYYY-MM-DD */
  day: string;
  from: number;
  raises: number;
  avgPer10Min: number;
  peakPer10Min: number;
  floodPercent: number;
  chattering: number;
  /** at the end of the day (or now, for today) */
  stale: number; standing: number; shelved: number; outOfService: number;
}

export interface AlarmHealthReport {
  from: number; to: number; operators: number;
  targets: typeof ALARM_HEALTH_TARGETS;
  summary: Omit<AlarmHealthDay, 'day' | 'from'> & { top10SharePercent: number };
  daily: AlarmHealthDay[];
  top: (AlarmHealthFacts['top'][number] & { sharePercent: number })[];
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const annunciated = (s: AlarmState) => s === 'unack' || s === 'acked';

/** Midnight, local time, of the day `days - 1` before the one holding `now`: the window's start. */
export function windowStart(now: number, days: number, utcOffsetMin: number): number {
  const off = utcOffsetMin * 60_000;
  return Math.floor((now + off) / DAY_MS) * DAY_MS - off - (days - 1) * DAY_MS;
}

/** Counts of what stands at `at`, from each alarm's state, last change and last raise. */
function standingAt(alarms: ReadonlyMap<string, { to: AlarmState; lastAt: number; raisedAt: number | null }>, at: number) {
  let stale = 0, standing = 0, shelved = 0, outOfService = 0;
  for (const a of alarms.values()) {
    if (a.to === 'shelved') shelved++;
    else if (a.to === 'out_of_service') outOfService++;
    else if (annunciated(a.to)) {
      if (at - a.lastAt > STALE_MS) stale++;
      if (a.raisedAt !== null && at - a.raisedAt > STALE_MS) standing++;
    }
  }
  return { stale, standing, shelved, outOfService };
}

/**
 * The report over [from, now): per local day, and for the whole window. Rates are per operator (the
 * load is shared by `operators` positions) over the 10-minute intervals that have passed.
 */
export function aggregateAlarmHealth(facts: AlarmHealthFacts, opts: { from: number; now: number; days: number; operators: number; utcOffsetMin: number }): AlarmHealthReport {
  const { from, now, days, operators } = opts;
  const perDay = 144; // 10-minute intervals in a day
  const elapsed = Math.max(1, Math.ceil((now - from) / TEN_MIN_MS));
  const state = new Map(facts.baseline.map((b) => [b.alarm, { to: b.to, lastAt: b.lastAt, raisedAt: b.raisedAt }]));
  let next = 0, floodTotal = 0;
  const daily: AlarmHealthDay[] = [];
  for (let d = 0; d < days; d++) {
    const dayFrom = from + d * DAY_MS;
    const dayEnd = Math.min(dayFrom + DAY_MS, now);
    const first = d * perDay;
    const intervals = Math.max(0, Math.min(perDay, elapsed - first));
    let raises = 0, peak = 0, flood = 0;
    for (let i = first; i < first + intervals; i++) {
      const n = (facts.per10Min.get(i) ?? 0) / operators;
      raises += facts.per10Min.get(i) ?? 0;
      peak = Math.max(peak, n);
      if (n > FLOOD_PER_10_MIN) flood++;
    }
    floodTotal += flood;
    for (; next < facts.transitions.length; next++) {
      const t = facts.transitions[next];
      if (!t || t.at >= dayFrom + DAY_MS) break;
      const prev = state.get(t.alarm);
      const raised = t.event === 'raised' || t.event === 'reraised';
      state.set(t.alarm, { to: t.to, lastAt: t.at, raisedAt: raised ? t.at : prev?.raisedAt ?? null });
    }
    const local = new Date(dayFrom + opts.utcOffsetMin * 60_000).toISOString().slice(0, 10);
    daily.push({
      day: local, from: dayFrom, raises,
      avgPer10Min: intervals ? round2(raises / operators / intervals) : 0,
      peakPer10Min: round2(peak),
      floodPercent: intervals ? round2((flood / intervals) * 100) : 0,
      chattering: facts.chatteringPerDay.get(d) ?? 0,
      ...standingAt(state, dayEnd),
    });
  }
  const raises = daily.reduce((s, d) => s + d.raises, 0);
  const intervals = Math.min(elapsed, days * perDay);
  const top = facts.top.slice(0, 10).map((t) => ({ ...t, sharePercent: raises ? round2((t.count / raises) * 100) : 0 }));
  const last = daily[daily.length - 1];
  return {
    from, to: now, operators, targets: ALARM_HEALTH_TARGETS,
    summary: {
      raises,
      avgPer10Min: round2(raises / operators / intervals),
      peakPer10Min: Math.max(0, ...daily.map((d) => d.peakPer10Min)),
      floodPercent: round2((floodTotal / intervals) * 100),
      chattering: new Set(facts.transitions.filter((t) => t.event === 'chattering').map((t) => t.alarm)).size,
      top10SharePercent: round2(top.reduce((s, t) => s + t.sharePercent, 0)),
      stale: last?.stale ?? 0, standing: last?.standing ?? 0, shelved: last?.shelved ?? 0, outOfService: last?.outOfService ?? 0,
    },
    daily, top,
  };
}
