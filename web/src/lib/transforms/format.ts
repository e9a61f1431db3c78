import { LOCALES, isMessageKey, translate } from '../i18n/index.js';
import type { Lang, SensorKind } from '../types.js';

/** Kinds whose value is a 0/1 state (mirrors BINARY_KINDS in the telemetry contract, without bundling zod). */
const BINARY: ReadonlySet<SensorKind> = new Set(['smoke', 'door', 'motion', 'fence', 'ups_on_battery', 'water']);

export function isBinaryKind(kind: SensorKind): boolean {
  return BINARY.has(kind);
}

/** Wire units are ASCII ("C", "%RH"); the board shows the typographic form. */
export function displayUnit(unit: string): string {
  switch (unit) {
    case 'C': return '°C';
    case 'F': return '°F';
    default: return unit;
  }
}

/** Decimals per kind: a tenth of a degree matters, a tenth of a volt does not. */
function decimalsFor(kind: SensorKind | undefined, value: number): number {
  switch (kind) {
    case 'temperature': case 'gas': return 1;
    case 'humidity': case 'mains': case 'ups_battery': return 0;
    case 'smoke': case 'door': case 'motion': case 'fence': case 'ups_on_battery': case 'water': return 0;
    case undefined: return Math.abs(value) < 10 && !Number.isInteger(value) ? 1 : 0;
  }
}

export function formatNumber(value: number, lang: Lang, decimals = 1): string {
  return new Intl.NumberFormat(LOCALES[lang], { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value);
}

/** "23,4 °C" in Vietnamese, "23.4 °C" in English; a narrow no-break space keeps number and unit together. */
export function formatQuantity(value: number, unit: string, lang: Lang, kind?: SensorKind): string {
  const u = displayUnit(unit);
  const n = formatNumber(value, lang, decimalsFor(kind, value));
  return u === '' ? n : `${n}\u202f${u}`;
}

/** A sensor reading as an officer says it: "Mở" for a door, "23,4 °C" for a temperature, "—" when none. */
export function formatSensorValue(kind: SensorKind, value: number | null, unit: string, lang: Lang): string {
  if (value === null || !Number.isFinite(value)) return '—';
  if (isBinaryKind(kind)) {
    const key = `binary.${kind}.${value >= 0.5 ? 1 : 0}`;
    return isMessageKey(key) ? translate(lang, key) : String(value);
  }
  return formatQuantity(value, unit, lang, kind);
}

/** Coarse, glanceable age: seconds under two minutes, then minutes, hours, days. */
export function formatDuration(ms: number, lang: Lang): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return translate(lang, 'age.seconds', { n: s });
  const m = Math.floor(s / 60);
  if (m < 120) return translate(lang, 'age.minutes', { n: m });
  const h = Math.floor(m / 60);
  if (h < 48) return translate(lang, 'age.hours', { n: h });
  return translate(lang, 'age.days', { n: Math.floor(h / 24) });
}

/** whole minutes as the server counts them ("collector offline 12 min"); no false second precision */
export function formatMinutes(minutes: number, lang: Lang): string {
  const m = Math.max(0, Math.floor(minutes));
  return m < 120 ? translate(lang, 'age.minutes', { n: m }) : formatDuration(m * 60_000, lang);
}

export function formatAge(ts: number | null, now: number, lang: Lang): string | null {
  if (ts === null) return null;
  const ms = now - ts;
  if (ms < 5000) return translate(lang, 'age.now');
  return translate(lang, 'age.ago', { age: formatDuration(ms, lang) });
}

export function formatClockTime(t: number, lang: Lang, seconds = true): string {
  return new Intl.DateTimeFormat(LOCALES[lang], {
    hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}), hourCycle: 'h23',
  }).format(t);
}

export function formatClockDate(t: number, lang: Lang): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric' }).format(t);
}

/** "22/11": a date within a list where the year is obvious (CLDR's Vietnamese "22-11" would clash with the full dates' 22/11/2026) */
export function formatShortDate(t: number, _lang: Lang): string {
  const d = new Date(t);
  return `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** "22/11/2026 14:02": a full point in time for reports, timelines and expiries */
export function formatDateTime(t: number, lang: Lang): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);
}

/** the same calendar day in the browser's time zone */
export function sameDay(a: number, b: number): boolean {
  return new Date(a).toDateString() === new Date(b).toDateString();
}

/** a time today as "14:02", another day as "21/11 14:02" */
export function formatWhen(t: number, now: number, lang: Lang): string {
  return sameDay(t, now) ? formatClockTime(t, lang, false) : `${formatShortDate(t, lang)} ${formatClockTime(t, lang, false)}`;
}
