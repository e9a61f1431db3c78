import type { Recurrence, Weekday } from '../contracts/maintenance.js';

export type { MonthlyOn, Recurrence, Weekday } from '../contracts/maintenance.js';

/**
 * Recurring maintenance windows (issue 8, item 2): "every Tuesday and Thursday 22:00 for 2 h",
 * "the 1st of each month 08:00 for 4 h", "the first Monday", "the last day of the month". Pure: given
 * a rule and an instant, which occurrence covers it and when the next one starts and ends.
 *
 * Times are wall-clock times in the rule's IANA zone (the depots' Asia/Ho_Chi_Minh by default): the
 * zone's offset comes from the platform's Intl data, so a zone with summer time is handled too (a start
 * in a skipped hour moves forward with the clock, as the zone's own clocks do).
 *
 * How each part decides:
 *   weekly            the local date's weekday is in `days`
 *   monthly day N     the local date's day of month is N; a month without day N has no occurrence
 *                     (31 in April, 30 in February): "last" is the way to say the month's end
 *   monthly last      the local date is the last day of its month (28, 29, 30 or 31)
 *   monthly nth W     the local date is the nth weekday W of its month (1..4), or the last one (-1)
 *   validity          an occurrence counts when it ends after `from` and starts before `until`
 *                     (when given): a window created while an occurrence is under way covers now,
 *                     and the last one may run past `until`, as the engineer planned it
 */

export interface RecurringRule {
  recurrence: Recurrence;
  timeZone: string;
  /** no occurrence ends at or before this instant (the window's creation, or a planned first day) */
  from: number;
  /** no occurrence starts at or after this instant; null: for ever */
  until: number | null;
}

export interface Occurrence { start: number; end: number }

export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';
/** occurrences are kept shorter than their period, so two never overlap */
export const MAX_DURATION_MIN = { weekly: 7 * 24 * 60 - 1, monthly: 28 * 24 * 60 } as const;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** whether the platform knows this IANA zone */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** the zone's offset from UTC at `at`, in ms (local = utc + offset) */
export function zoneOffsetMs(at: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(at));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - (at - (at % 1000 + 1000) % 1000);
}

/** the instant when the zone's clocks show `localMs` (a wall-clock time written as if it were UTC) */
export function zonedToInstant(localMs: number, timeZone: string): number {
  // two passes: the offset at the guess, then at the corrected guess (they differ only near a change)
  const first = localMs - zoneOffsetMs(localMs, timeZone);
  const second = localMs - zoneOffsetMs(first, timeZone);
  return second;
}

/** "HH:MM" → minutes after midnight; undefined when it is not a time of day */
export function parseTimeOfDay(s: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** does the local calendar day `dayNo` (days since 1970-01-01) carry an occurrence? */
export function matchesDay(r: Recurrence, dayNo: number): boolean {
  const d = new Date(dayNo * DAY_MS);
  if (r.kind === 'weekly') return r.days.includes(d.getUTCDay() as Weekday);
  const dom = d.getUTCDate();
  const daysInMonth = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  const on = r.on;
  if ('nth' in on) {
    if (d.getUTCDay() !== on.weekday) return false;
    return on.nth === -1 ? dom + 7 > daysInMonth : Math.ceil(dom / 7) === on.nth;
  }
  return on.day === 'last' ? dom === daysInMonth : dom === on.day;
}

function occurrenceOn(rule: RecurringRule, dayNo: number, startMin: number): Occurrence {
  const start = zonedToInstant(dayNo * DAY_MS + startMin * MINUTE_MS, rule.timeZone);
  return { start, end: start + rule.recurrence.durationMin * MINUTE_MS };
}

const counts = (rule: RecurringRule, o: Occurrence) => o.end > rule.from && (rule.until === null || o.start < rule.until);

/**
 * The occurrence covering `t` (start ≤ t < end), if any, and the first one starting after `t`, if any
 * (within `horizonDays` of local days: a monthly rule finds its next day within two months, except
 * "the 31st" which may wait through two short months; 400 days covers every rule).
 */
export function occurrencesAt(rule: RecurringRule, t: number, horizonDays = 400): { active: Occurrence | null; next: Occurrence | null } {
  const startMin = parseTimeOfDay(rule.recurrence.start);
  if (startMin === undefined) return { active: null, next: null };
  const today = Math.floor((t + zoneOffsetMs(t, rule.timeZone)) / DAY_MS);
  // an occurrence that began up to its duration ago (plus a day for the start time) may still cover t
  const back = Math.ceil(rule.recurrence.durationMin / (24 * 60)) + 1;
  let active: Occurrence | null = null;
  for (let day = today - back; day <= today; day++) {
    if (!matchesDay(rule.recurrence, day)) continue;
    const o = occurrenceOn(rule, day, startMin);
    if (o.start <= t && t < o.end && counts(rule, o)) active = o;
  }
  let next: Occurrence | null = null;
  for (let day = today; day <= today + horizonDays && next === null; day++) {
    if (rule.until !== null && day * DAY_MS - 2 * DAY_MS > rule.until) break;
    if (!matchesDay(rule.recurrence, day)) continue;
    const o = occurrenceOn(rule, day, startMin);
    if (o.start > t && counts(rule, o)) next = o;
  }
  return { active, next };
}

/**
 * A depot's zone for local times: its `timeZone`, else the fixed-offset zone of its `utcOffsetMin`
 * (`Etc/GMT-7` is UTC+7: the Etc names count the other way), else the depots' default zone.
 */
export function depotTimeZone(d: { timeZone?: string | undefined; utcOffsetMin: number }): string {
  if (d.timeZone) return d.timeZone;
  if (d.utcOffsetMin === 420) return DEFAULT_TIME_ZONE;
  const h = d.utcOffsetMin / 60;
  return Number.isInteger(h) && h >= -12 && h <= 14 ? (h === 0 ? 'Etc/UTC' : `Etc/GMT${h > 0 ? '-' : '+'}${Math.abs(h)}`) : DEFAULT_TIME_ZONE;
}

/** the depot's offset from UTC at `at`, minutes: from its time zone when it names one */
export function depotOffsetMin(d: { timeZone?: string | undefined; utcOffsetMin: number }, at: number): number {
  return d.timeZone ? Math.round(zoneOffsetMs(at, d.timeZone) / MINUTE_MS) : d.utcOffsetMin;
}
