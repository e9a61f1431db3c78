import type { MonthlyOn, Recurrence, Weekday } from '../../../../server/src/contracts/maintenance.js';
import type { Lang } from '../types.js';

/**
 * Words for recurring maintenance windows on the engineer's Maintenance tab. Pure; the dictionary
 * (i18n/engineer/maintenance.ts) holds the labels, this puts them in order.
 */

export const WEEKDAYS: readonly Weekday[] = [1, 2, 3, 4, 5, 6, 0]; // Monday first, as calendars here are

const DAY_SHORT: Record<Lang, readonly string[]> = {
  vi: ['CN', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7'],
  en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
};
const DAY_LONG: Record<Lang, readonly string[]> = {
  vi: ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};
const NTH: Record<Lang, Record<string, string>> = {
  vi: { '1': 'đầu tiên', '2': 'thứ hai', '3': 'thứ ba', '4': 'thứ tư', '-1': 'cuối cùng' },
  en: { '1': 'first', '2': 'second', '3': 'third', '4': 'fourth', '-1': 'last' },
};

export const dayShort = (d: Weekday, lang: Lang): string => DAY_SHORT[lang][d] ?? '';

/** "90 min" → "1 h 30", "2 h", "45 min"; "1 d 2 h" past a day */
export function durationText(min: number, lang: Lang): string {
  const d = Math.floor(min / 1440), h = Math.floor((min % 1440) / 60), m = min % 60;
  const H = lang === 'vi' ? 'giờ' : 'h', D = lang === 'vi' ? 'ngày' : 'd', M = lang === 'vi' ? 'phút' : 'min';
  const parts = [d ? `${d} ${D}` : '', h ? `${h} ${H}` : '', m ? `${m} ${M}` : ''].filter(Boolean);
  return parts.join(' ') || `0 ${M}`;
}

function monthlyText(on: MonthlyOn, lang: Lang): string {
  if ('nth' in on) {
    const w = DAY_LONG[lang][on.weekday] ?? '';
    return lang === 'vi' ? `${w} ${NTH.vi[String(on.nth)] ?? ''} hằng tháng` : `the ${NTH.en[String(on.nth)] ?? ''} ${w} of each month`;
  }
  if (on.day === 'last') return lang === 'vi' ? 'ngày cuối tháng' : 'the last day of each month';
  return lang === 'vi' ? `ngày ${on.day} hằng tháng` : `day ${on.day} of each month`;
}

/** "T3, T5 · 22:00 · 2 giờ" / "Tue, Thu · 22:00 · 2 h"; "ngày cuối tháng · 23:00 · 2 giờ" */
export function recurrenceText(r: Recurrence, lang: Lang): string {
  const when = r.kind === 'weekly'
    ? (r.days.length === 7 ? (lang === 'vi' ? 'hằng ngày' : 'every day') : WEEKDAYS.filter((d) => r.days.includes(d)).map((d) => dayShort(d, lang)).join(', '))
    : monthlyText(r.on, lang);
  return `${when} · ${r.start} · ${durationText(r.durationMin, lang)}`;
}

/** The form's choice for a monthly window, as the API takes it. */
export type MonthlyMode = 'day' | 'last' | 'nth';
export function monthlyOn(mode: MonthlyMode, day: number, nth: 1 | 2 | 3 | 4 | -1, weekday: Weekday): MonthlyOn {
  switch (mode) {
    case 'day': return { day };
    case 'last': return { day: 'last' };
    case 'nth': return { nth, weekday };
  }
}

/** A local date "YYYY-MM-DD" (the form's end date) as the instant its day ends in a zone of fixed offset; null when empty */
export function endOfLocalDay(date: string, utcOffsetMin: number): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1) - utcOffsetMin * 60_000;
}
