import { isMessageKey, translate, type MessageKey, type Params } from '../i18n/index.js';
import type { Lang, Reason, SensorKind, ZoneView } from '../types.js';
import { formatMinutes, formatQuantity } from './format.js';

/**
 * Phrases a readiness reason in the board's language from its code and params, so a Vietnamese
 * wall never shows the server's English. The params the server sends (server/src/domain/conditions.ts):
 *   zone            the zone's display name (Vietnamese); zoneId / zoneNameEn are used when present,
 *                   and the depot's zones (ctx.zones) give the English name
 *   device, kind    which device (kind may be "camera")
 *   value, limit, unit   the reading and the limit it crossed
 *   rate            rate of change per minute (rate_of_change)
 *   n, total, devices    how many cameras of how many, and which
 *   minutes         how long the collector has been offline
 * When the params a phrase needs are missing, a shorter phrase of the same code is shown (reasonShort.*),
 * and for a code this board does not know, "other abnormal condition": the server's English `text` is
 * for tools and is never shown on the board.
 */
export interface ReasonContext {
  now: number;
  /** the depot's zones, when the caller has them: they give the zone's name in the board's language */
  zones?: readonly ZoneView[];
}

const KINDS: ReadonlySet<string> = new Set(['temperature', 'humidity', 'smoke', 'gas', 'door', 'motion', 'fence', 'mains', 'ups_battery', 'ups_on_battery', 'water']);

type P = Reason['params'];
export function str(p: P, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = p[k];
    if (v !== undefined && v !== '') return String(v);
  }
  return undefined;
}
export function num(p: P, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = p[k];
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}
export function kindOf(p: P): SensorKind | undefined {
  const k = str(p, 'kind');
  return k !== undefined && KINDS.has(k) ? (k as SensorKind) : undefined;
}

/** the zone in the board's language: found among the depot's zones by id, or by the (Vietnamese) name the server sent */
function where(p: P, lang: Lang, ctx: ReasonContext): string | undefined {
  const id = str(p, 'zoneId');
  const name = str(p, 'zone');
  const z = ctx.zones?.find((zone) => (id !== undefined && zone.id === id) || (name !== undefined && zone.name === name));
  if (z) return lang === 'en' ? z.nameEn ?? z.name : z.name;
  return (lang === 'en' ? str(p, 'zoneNameEn') : undefined) ?? name;
}

/** sentence-case a label for use mid-sentence, leaving acronyms ("UPS battery") alone */
export function lower(s: string, lang: Lang): string {
  const second = s.charAt(1);
  if (second !== '' && second === second.toLocaleUpperCase(lang) && second !== second.toLocaleLowerCase(lang)) return s;
  return s.charAt(0).toLocaleLowerCase(lang) + s.slice(1);
}

export function activeState(kind: SensorKind | undefined, lang: Lang): string {
  const key = `active.${kind ?? ''}`;
  if (isMessageKey(key)) return translate(lang, key);
  return translate(lang, 'active.other', { kind: kind ? lower(translate(lang, `kind.${kind}`), lang) : '?' });
}

function phrase(r: Pick<Reason, 'code' | 'params'>, lang: Lang, ctx: ReasonContext): string | undefined {
  const p = r.params;
  const t = (key: MessageKey, params: Params = {}): string => translate(lang, key, params);
  switch (r.code) {
    case 'threshold_high':
    case 'threshold_low': {
      const w = where(p, lang, ctx); const kind = kindOf(p); const value = num(p, 'value'); const limit = num(p, 'limit');
      if (w === undefined || kind === undefined || value === undefined || limit === undefined) return undefined;
      const unit = str(p, 'unit') ?? '';
      return t(`reason.${r.code}`, {
        where: w, kind: lower(t(`kind.${kind}`), lang),
        value: formatQuantity(value, unit, lang, kind), limit: formatQuantity(limit, unit, lang, kind),
      });
    }
    case 'rate_of_change': {
      const w = where(p, lang, ctx); const kind = kindOf(p); const rate = num(p, 'rate'); const limit = num(p, 'limit');
      if (w === undefined || kind === undefined || rate === undefined || limit === undefined) return undefined;
      const unit = str(p, 'unit') ?? '';
      return t('reason.rate_of_change', {
        where: w, kind: lower(t(`kind.${kind}`), lang),
        rate: formatQuantity(rate, unit, lang, kind), limit: formatQuantity(limit, unit, lang, kind),
      });
    }
    case 'state_active': {
      const w = where(p, lang, ctx);
      return w === undefined ? undefined : t('reason.state_active', { where: w, state: activeState(kindOf(p), lang) });
    }
    case 'door_outside_schedule':
    case 'motion_outside_schedule': {
      const w = where(p, lang, ctx);
      return w === undefined ? undefined : t(`reason.${r.code}`, { where: w });
    }
    case 'cameras_offline':
    case 'cameras_not_recording': {
      // a depot's reason counts its cameras; an alarm names its one camera and where it is
      const count = num(p, 'n', 'count'); const total = num(p, 'total');
      if (count !== undefined && total !== undefined) return t(`reason.${r.code}`, { count, total });
      const camera = str(p, 'device', 'camera'); const w = where(p, lang, ctx);
      return camera === undefined || w === undefined ? undefined : t(`reason.${r.code}_one`, { where: w, camera });
    }
    case 'camera_tamper':
    case 'camera_video_loss': {
      const camera = str(p, 'devices', 'device', 'camera');
      return camera === undefined ? undefined : t(`reason.${r.code}`, { camera });
    }
    case 'collector_offline': {
      const minutes = num(p, 'minutes');
      // under a minute the server says 0: "offline" alone reads better than "offline 0 s"
      return minutes === undefined || minutes < 1
        ? t('reason.collector_offline_nodur')
        : t('reason.collector_offline', { duration: formatMinutes(minutes, lang) });
    }
    case 'not_reporting': {
      const device = str(p, 'device', 'sensor', 'camera');
      const w = where(p, lang, ctx);
      if (device !== undefined && w !== undefined) return t('reason.not_reporting', { where: w, device });
      const count = num(p, 'n', 'count');
      return count === undefined ? undefined : t('reason.not_reporting_count', { count });
    }
    case 'no_data':
      return t('reason.no_data');
    case 'in_maintenance': {
      if (str(p, 'scope') === 'depot') return t('reason.in_maintenance_depot');
      const count = num(p, 'n');
      return count === undefined ? undefined : t('reason.in_maintenance', { count, devices: str(p, 'devices') ?? '' });
    }
  }
}

export function formatReason(reason: Pick<Reason, 'code' | 'params'>, lang: Lang, ctx: ReasonContext): string {
  const short = `reasonShort.${reason.code}`;
  // an unknown code (a newer server) still reads in the board's language
  if (!isMessageKey(short)) return translate(lang, 'reason.unknown');
  return phrase(reason, lang, ctx) ?? translate(lang, short);
}
