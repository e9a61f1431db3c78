import type { ReasonCode } from '../contracts/api.js';

/**
 * A reason or an alarm as a sentence, for logs, the API's `text` (tools) and exports (the handover CSV, in
 * the language asked for). The board never shows these: it phrases the same code and params itself
 * (web/src/lib/transforms/reasons.ts), so a Vietnamese wall shows no server English.
 */
export type TextLang = 'en' | 'vi';
export const TEXT_LANGS: readonly TextLang[] = ['en', 'vi'];

type P = Record<string, string | number>;
type Phrases = Record<ReasonCode, (p: P, kind: string) => string>;

const KIND_WORDS: Record<TextLang, Record<string, string>> = {
  en: {
    temperature: 'temperature', humidity: 'humidity', smoke: 'smoke', gas: 'gas', door: 'door open', motion: 'motion',
    fence: 'fence breach', mains: 'mains voltage', ups_battery: 'UPS battery', ups_on_battery: 'UPS on battery', water: 'water',
    camera: 'camera',
  },
  vi: {
    temperature: 'nhiệt độ', humidity: 'độ ẩm', smoke: 'khói', gas: 'khí gas', door: 'cửa mở', motion: 'chuyển động',
    fence: 'hàng rào bị xâm nhập', mains: 'điện lưới', ups_battery: 'pin UPS', ups_on_battery: 'UPS chạy pin', water: 'ngập nước',
    camera: 'camera',
  },
};

const PHRASES: Record<TextLang, Phrases> = {
  en: {
    threshold_high: (p, kind) => `${p.zone} ${kind} ${p.value} ${p.unit} (above ${p.limit})`,
    threshold_low: (p, kind) => `${p.zone} ${kind} ${p.value} ${p.unit} (below ${p.limit})`,
    rate_of_change: (p, kind) => `${p.zone} ${kind} changing ${p.rate} ${p.unit}/min (limit ${p.limit})`,
    state_active: (p, kind) => `${kind} in ${p.zone} (${p.device})`,
    door_outside_schedule: (p) => `door open outside schedule in ${p.zone} (${p.device})`,
    motion_outside_schedule: (p) => `motion outside schedule in ${p.zone} (${p.device})`,
    // a depot reason counts cameras; an alarm names its one camera
    cameras_offline: (p) => (p.n !== undefined ? `${p.n} of ${p.total} cameras offline` : `camera ${p.device} offline in ${p.zone}`),
    cameras_not_recording: (p) => (p.n !== undefined ? `${p.n} of ${p.total} cameras not recording` : `camera ${p.device} not recording in ${p.zone}`),
    camera_tamper: (p) => `camera tamper: ${p.devices ?? p.device}`,
    camera_video_loss: (p) => `video loss: ${p.devices ?? p.device}`,
    collector_offline: (p) => `collector offline ${p.minutes} min`,
    not_reporting: (p, kind) => (p.n !== undefined ? `${p.n} devices not reporting` : `${p.zone} ${kind} ${p.device} not reporting`),
    no_data: () => 'no data received yet',
    in_maintenance: (p) => (p.scope === 'depot' ? 'depot in maintenance' : `${p.n} devices in maintenance or out of service (${p.devices})`),
  },
  vi: {
    threshold_high: (p, kind) => `${p.zone}: ${kind} ${p.value} ${p.unit} (vượt ngưỡng ${p.limit})`,
    threshold_low: (p, kind) => `${p.zone}: ${kind} ${p.value} ${p.unit} (dưới ngưỡng ${p.limit})`,
    rate_of_change: (p, kind) => `${p.zone}: ${kind} thay đổi ${p.rate} ${p.unit}/phút (giới hạn ${p.limit})`,
    state_active: (p, kind) => `${p.zone}: ${kind} (${p.device})`,
    door_outside_schedule: (p) => `${p.zone}: cửa mở ngoài giờ quy định (${p.device})`,
    motion_outside_schedule: (p) => `${p.zone}: có chuyển động ngoài giờ quy định (${p.device})`,
    cameras_offline: (p) => (p.n !== undefined ? `${p.n}/${p.total} camera mất kết nối` : `${p.zone}: camera ${p.device} mất kết nối`),
    cameras_not_recording: (p) => (p.n !== undefined ? `${p.n}/${p.total} camera không ghi hình` : `${p.zone}: camera ${p.device} không ghi hình`),
    camera_tamper: (p) => `camera bị can thiệp: ${p.devices ?? p.device}`,
    camera_video_loss: (p) => `camera mất hình: ${p.devices ?? p.device}`,
    collector_offline: (p) => `bộ thu thập dữ liệu mất kết nối ${p.minutes} phút`,
    not_reporting: (p, kind) => (p.n !== undefined ? `${p.n} thiết bị không gửi dữ liệu` : `${p.zone}: ${kind} ${p.device} không gửi dữ liệu`),
    no_data: () => 'chưa nhận được dữ liệu',
    in_maintenance: (p) => (p.scope === 'depot' ? 'kho đang bảo trì' : `${p.n} thiết bị đang bảo trì hoặc ngừng hoạt động (${p.devices})`),
  },
};

/** The sentence for a reason in `lang` (English by default: logs and the API's `text`). */
export function reasonText(code: ReasonCode, p: P, lang: TextLang = 'en'): string {
  const kind = KIND_WORDS[lang][String(p.kind)] ?? String(p.kind ?? '');
  return PHRASES[lang][code](p, kind);
}

/** The words exports use around reasons: timeline entries the system wrote, alarm transitions, states. */
const WORDS: Record<TextLang, Record<string, string>> = {
  en: {
    'timeline.opened': 'incident opened', 'timeline.resolved': 'all alarms returned to normal',
    'timeline.escalated': 'not acknowledged in time: escalated to duty officers', 'timeline.unassigned': '(unassigned)',
    'event.raised': 'raised', 'event.reraised': 'raised again', 'event.cleared': 'returned to normal', 'event.acknowledged': 'acknowledged',
    'event.shelved': 'shelved', 'event.unshelved': 'unshelved', 'event.suppressed': 'maintenance', 'event.unsuppressed': 'maintenance ended',
    'event.out_of_service': 'out of service', 'event.returned_to_service': 'returned to service', 'event.chattering': 'chattering',
    'state.normal': 'normal', 'state.unack': 'unacknowledged', 'state.acked': 'acknowledged', 'state.rtn_unack': 'returned, unacknowledged',
    'state.shelved': 'shelved', 'state.suppressed': 'in maintenance', 'state.out_of_service': 'out of service',
  },
  vi: {
    'timeline.opened': 'mở sự cố', 'timeline.resolved': 'mọi báo động đã trở về bình thường',
    'timeline.escalated': 'chưa được xác nhận đúng hạn: đã báo lên sĩ quan trực', 'timeline.unassigned': '(bỏ giao việc)',
    'event.raised': 'báo động', 'event.reraised': 'báo động lại', 'event.cleared': 'trở về bình thường', 'event.acknowledged': 'xác nhận',
    'event.shelved': 'tạm hoãn', 'event.unshelved': 'bỏ tạm hoãn', 'event.suppressed': 'bảo trì', 'event.unsuppressed': 'hết bảo trì',
    'event.out_of_service': 'ngừng hoạt động', 'event.returned_to_service': 'hoạt động trở lại', 'event.chattering': 'lặp lại liên tục',
    'state.normal': 'bình thường', 'state.unack': 'chưa xác nhận', 'state.acked': 'đã xác nhận', 'state.rtn_unack': 'đã trở lại, chưa xác nhận',
    'state.shelved': 'tạm hoãn', 'state.suppressed': 'đang bảo trì', 'state.out_of_service': 'ngừng hoạt động',
  },
};

/** an export word (see WORDS); an unknown key is returned as it is, so nothing is silently blanked */
export function exportWord(lang: TextLang, key: string): string {
  return WORDS[lang][key] ?? key;
}

const TRANSITION = /^(\w+): (\w+) → (\w+)$/;

/** "raised: normal → unack" (what the timeline stores) in `lang` */
export function transitionText(detail: string, lang: TextLang): string {
  const m = TRANSITION.exec(detail);
  if (!m) return detail;
  return `${exportWord(lang, `event.${m[1] ?? ''}`)}: ${exportWord(lang, `state.${m[2] ?? ''}`)} → ${exportWord(lang, `state.${m[3] ?? ''}`)}`;
}
