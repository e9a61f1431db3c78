import { translate } from '../i18n/index.js';
import type { Lang, LinkOutage, SensorKind, ZoneView } from '../types.js';
import { formatClockTime, formatQuantity, formatShortDate, sameDay } from './format.js';
import { activeState, lower } from './reasons.js';

/**
 * The depot view's account of a time its link was down (SPEC §3: "door A-D1 opened 02:14–02:16 while the link
 * was down"), phrased from the centre's codes in the board's language. Pure.
 */
const UNIT: Readonly<Partial<Record<SensorKind, string>>> = { temperature: 'C', humidity: '%RH', gas: '%LEL', mains: 'V', ups_battery: '%' };
const KINDS: ReadonlySet<string> = new Set(['temperature', 'humidity', 'smoke', 'gas', 'door', 'motion', 'fence', 'mains', 'ups_battery', 'ups_on_battery', 'water']);
const isKind = (k: string): k is SensorKind => KINDS.has(k);

/** a time, with its date when it is not on the same day as `ref` */
function at(t: number, ref: number, lang: Lang): string {
  const time = formatClockTime(t, lang, false);
  return sameDay(t, ref) ? time : `${formatShortDate(t, lang)} ${time}`;
}

function zoneName(id: string, zones: readonly ZoneView[], lang: Lang): string {
  const z = zones.find((x) => x.id === id);
  return z ? (lang === 'en' ? z.nameEn ?? z.name : z.name) : id;
}

function stateOf(e: LinkOutage['events'][number], lang: Lang): string {
  switch (e.code) {
    case 'state_active': return activeState(isKind(e.params.kind) ? e.params.kind : undefined, lang);
    case 'cameras_offline': case 'camera_tamper': case 'camera_video_loss': return lower(translate(lang, `reasonShort.${e.code}`), lang);
  }
}

export interface OutageView {
  key: string;
  headline: string;
  events: string[];
  measurements: string[];
  /** "and N more events" when the centre cut the list */
  more: string | null;
}

export function outageView(o: LinkOutage, lang: Lang, zones: readonly ZoneView[], now: number): OutageView {
  const t = (time: number) => at(time, now, lang);
  const events = o.events.map((e) => {
    const p = { device: e.params.device, zone: zoneName(e.params.zone, zones, lang), state: stateOf(e, lang), from: t(e.from) };
    return e.to === null ? translate(lang, 'link.eventOpen', p) : translate(lang, 'link.event', { ...p, to: t(e.to) });
  });
  const measurements = o.measurements.map((m) => {
    const kind = isKind(m.kind) ? m.kind : undefined;
    const unit = (kind && UNIT[kind]) ?? '';
    return translate(lang, 'link.measure', {
      device: m.device, kind: kind ? lower(translate(lang, `kind.${kind}`), lang) : m.kind,
      min: formatQuantity(m.min, unit, lang, kind), max: formatQuantity(m.max, unit, lang, kind),
    });
  });
  return {
    key: `${o.at}:${o.from}`,
    headline: translate(lang, 'link.span', { from: t(o.from), to: t(o.to), readings: o.readings, devices: o.devices }),
    events,
    measurements,
    more: o.moreEvents > 0 ? translate(lang, 'link.more', { n: o.moreEvents }) : null,
  };
}
