import { translate, type MessageKey, type Params } from '../i18n/index.js';
import type { AlarmView, Lang, SensorKind, ZoneView } from '../types.js';
import { alarmReason } from './alarms.js';
import { formatQuantity } from './format.js';
import { activeState, formatReason, kindOf, num, str } from './reasons.js';

/**
 * An alarm in parts, for lists that show "which device, in which zone, what" in columns: the
 * readiness reasons (reasons.ts) say it as one sentence, these split it. Same params, same fallbacks:
 * when a part cannot be phrased in the board's language, the server's English text is shown.
 */

/** first letter up, for a phrase that now starts a cell instead of following "Zone A:" */
export function capitalise(s: string, lang: Lang): string {
  return s.charAt(0).toLocaleUpperCase(lang) + s.slice(1);
}

/** the zone in the board's language: the depot's zones when known, else the names the alarm carries */
export function alarmZone(a: AlarmView, lang: Lang, zones?: readonly ZoneView[]): string | null {
  const id = a.device.zone ?? str(a.params, 'zoneId');
  const z = id === undefined ? undefined : zones?.find((zone) => zone.id === id);
  if (z) return lang === 'en' ? z.nameEn ?? z.name : z.name;
  const vi = a.device.zoneName ?? str(a.params, 'zone');
  return (lang === 'en' ? str(a.params, 'zoneNameEn') : undefined) ?? vi ?? id ?? null;
}

export type DeviceIcon = SensorKind | 'camera' | 'collector';
export interface DeviceLabel { icon: DeviceIcon; kind: string; id: string }

/** "Khói · A-SM1", "Camera · CAM03": what kind of device and its id, as the guard reads it on the label */
export function alarmDevice(a: AlarmView, lang: Lang): DeviceLabel {
  switch (a.device.type) {
    case 'sensor': {
      const kind = kindOf(a.params);
      return { icon: kind ?? 'smoke', kind: kind ? translate(lang, `kind.${kind}`) : translate(lang, 'device.sensor'), id: a.device.id };
    }
    case 'camera': return { icon: 'camera', kind: translate(lang, 'device.camera'), id: a.device.id };
    case 'collector': return { icon: 'collector', kind: translate(lang, 'device.collector'), id: a.device.id };
  }
}

/** what happened, without where: "Phát hiện khói", "Nhiệt độ 31,2 °C vượt ngưỡng 30,0 °C" */
export function alarmWhat(a: AlarmView, lang: Lang, now: number): string {
  const p = a.params;
  const t = (key: MessageKey, params?: Params): string => translate(lang, key, params);
  const kind = kindOf(p);
  const unit = str(p, 'unit') ?? '';
  switch (a.code) {
    case 'threshold_high':
    case 'threshold_low': {
      const value = num(p, 'value'); const limit = num(p, 'limit');
      if (kind === undefined || value === undefined || limit === undefined) break;
      return t(`what.${a.code}`, { kind: t(`kind.${kind}`), value: formatQuantity(value, unit, lang, kind), limit: formatQuantity(limit, unit, lang, kind) });
    }
    case 'rate_of_change': {
      const rate = num(p, 'rate'); const limit = num(p, 'limit');
      if (kind === undefined || rate === undefined || limit === undefined) break;
      return t('what.rate_of_change', { kind: t(`kind.${kind}`), rate: formatQuantity(rate, unit, lang, kind), limit: formatQuantity(limit, unit, lang, kind) });
    }
    case 'state_active': return capitalise(activeState(kind, lang), lang);
    case 'door_outside_schedule':
    case 'motion_outside_schedule':
    case 'not_reporting':
      return t(`what.${a.code}`);
    // an alarm names its one camera (a depot's reason counts them: reasons.ts)
    case 'cameras_offline': case 'cameras_not_recording':
      return t(`what.${a.code}`, { camera: str(p, 'device') ?? a.device.id });
    case 'camera_tamper': case 'camera_video_loss': case 'collector_offline': case 'no_data': case 'in_maintenance':
      break;
  }
  return capitalise(formatReason(alarmReason(a), lang, { now }), lang);
}

