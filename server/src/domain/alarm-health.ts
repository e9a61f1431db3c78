/**
 * Alarm-system health (ISA-18.2 §16, EEMUA 191): how much the operators are asked to handle, per day,
 * so that engineers can tune the rules that make noise. Pure: the facts are counts the SQL queries
 * take from the audit log (adapters/sqlite/alarm-health-queries.ts); every number here can be checked by hand.
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

/** What stands at one instant: annunciated alarms unchanged or raised more than a day ago, and those set aside. */
export interface StandingCounts { stale: number; standing: number; shelved: number; outOfService: number }

/** more activations than this within CHATTER_WINDOW_MS make an alarm chattering (EEMUA 191: 3 in a minute) */
export const CHATTER_ACTIVATIONS = 3;
export const CHATTER_WINDOW_MS = 60_000;

/**
 * What the SQL queries (adapters/sqlite/alarm-health-queries.ts) reduce the audit log to: counts per
 * 10-minute interval and per day, never the rows themselves.
 */
export interface AlarmHealthFacts {
  /** raised and reraised alarms per 10-minute interval since `from` (interval index → count) */
  per10Min: ReadonlyMap<number, number>;
  /** the most frequent alarms, most first, with their raises per day (day index → count) */
  top: readonly { alarm: string; depot: string; code: string; device: string; count: number; perDay: ReadonlyMap<number, number> }[];
  /** distinct chattering alarms per day (day index → count): marked by the engine, or 3 activations within a minute */
  chatteringPerDay: ReadonlyMap<number, number>;
  /** distinct chattering alarms over the whole window */
  chattering: number;
  /** what stood at the end of each day (or now, for today); a day missing here had nothing standing */
  standingPerDay: ReadonlyMap<number, StandingCounts>;
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
  /** the ten most frequent alarms with their share of all raises and their raises per day */
  top: (Omit<AlarmHealthFacts['top'][number], 'perDay'> & { sharePercent: number; daily: number[] })[];
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const NOTHING_STANDING: StandingCounts = { stale: 0, standing: 0, shelved: 0, outOfService: 0 };

/** Midnight, local time, of the day `days - 1` before the one holding `now`: the window's start. */
export function windowStart(now: number, days: number, utcOffsetMin: number): number {
  const off = utcOffsetMin * 60_000;
  return Math.floor((now + off) / DAY_MS) * DAY_MS - off - (days - 1) * DAY_MS;
}

/** Where each day's standing counts are taken: its end, or `now` for the day that holds it. */
export function dayEnds(from: number, now: number, days: number): number[] {
  return Array.from({ length: days }, (_, d) => Math.min(from + (d + 1) * DAY_MS, now));
}

/**
 * The report over [from, now): per local day, and for the whole window. Rates are per operator (the
 * load is shared by `operators` positions) over the 10-minute intervals that have passed; a flood is
 * an interval with more than 10 new alarms per operator.
 */
export function aggregateAlarmHealth(facts: AlarmHealthFacts, opts: { from: number; now: number; days: number; operators: number; utcOffsetMin: number }): AlarmHealthReport {
  const { from, now, days, operators } = opts;
  const perDay = 144; // 10-minute intervals in a day
  const elapsed = Math.max(1, Math.ceil((now - from) / TEN_MIN_MS));
  let floodTotal = 0;
  const daily: AlarmHealthDay[] = [];
  for (let d = 0; d < days; d++) {
    const dayFrom = from + d * DAY_MS;
    const first = d * perDay;
    const intervals = Math.max(0, Math.min(perDay, elapsed - first));
    let raises = 0, peak = 0, flood = 0;
    for (let i = first; i < first + intervals; i++) {
      const n = facts.per10Min.get(i) ?? 0;
      raises += n;
      peak = Math.max(peak, n / operators);
      if (n / operators > FLOOD_PER_10_MIN) flood++;
    }
    floodTotal += flood;
    const local = new Date(dayFrom + opts.utcOffsetMin * 60_000).toISOString().slice(0, 10);
    daily.push({
      day: local, from: dayFrom, raises,
      avgPer10Min: intervals ? round2(raises / operators / intervals) : 0,
      peakPer10Min: round2(peak),
      floodPercent: intervals ? round2((flood / intervals) * 100) : 0,
      chattering: facts.chatteringPerDay.get(d) ?? 0,
      ...(facts.standingPerDay.get(d) ?? NOTHING_STANDING),
    });
  }
  const raises = daily.reduce((s, d) => s + d.raises, 0);
  const intervals = Math.min(elapsed, days * perDay);
  const top = facts.top.slice(0, 10).map(({ perDay: byDay, ...t }) => ({
    ...t, sharePercent: raises ? round2((t.count / raises) * 100) : 0, daily: Array.from({ length: days }, (_, d) => byDay.get(d) ?? 0),
  }));
  const last = daily[daily.length - 1];
  return {
    from, to: now, operators, targets: ALARM_HEALTH_TARGETS,
    summary: {
      raises,
      avgPer10Min: round2(raises / operators / intervals),
      peakPer10Min: Math.max(0, ...daily.map((d) => d.peakPer10Min)),
      floodPercent: round2((floodTotal / intervals) * 100),
      chattering: facts.chattering,
      // from the counts, not the rounded shares: ten shares rounded each may add up to 100.01
      top10SharePercent: raises ? round2((top.reduce((s, t) => s + t.count, 0) / raises) * 100) : 0,
      stale: last?.stale ?? 0, standing: last?.standing ?? 0, shelved: last?.shelved ?? 0, outOfService: last?.outOfService ?? 0,
    },
    daily, top,
  };
}
