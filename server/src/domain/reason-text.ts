import type { ReasonCode } from '../contracts/api.js';

const KIND_WORDS: Record<string, string> = {
  temperature: 'temperature', humidity: 'humidity', smoke: 'smoke', gas: 'gas', door: 'door open', motion: 'motion',
  fence: 'fence breach', mains: 'mains voltage', ups_battery: 'UPS battery', ups_on_battery: 'UPS on battery', water: 'water',
  camera: 'camera',
};

/** English sentence for a reason; the board phrases the same code and params in Vietnamese itself. */
export function reasonText(code: ReasonCode, p: Record<string, string | number>): string {
  const kind = KIND_WORDS[String(p.kind)] ?? String(p.kind ?? '');
  switch (code) {
    case 'threshold_high': return `${p.zone} ${kind} ${p.value} ${p.unit} (above ${p.limit})`;
    case 'threshold_low': return `${p.zone} ${kind} ${p.value} ${p.unit} (below ${p.limit})`;
    case 'rate_of_change': return `${p.zone} ${kind} changing ${p.rate} ${p.unit}/min (limit ${p.limit})`;
    case 'state_active': return `${kind} in ${p.zone} (${p.device})`;
    case 'door_outside_schedule': return `door open outside schedule in ${p.zone} (${p.device})`;
    case 'motion_outside_schedule': return `motion outside schedule in ${p.zone} (${p.device})`;
    // a depot reason counts cameras; an alarm names its one camera
    case 'cameras_offline': return p.n !== undefined ? `${p.n} of ${p.total} cameras offline` : `camera ${p.device} offline in ${p.zone}`;
    case 'cameras_not_recording': return p.n !== undefined ? `${p.n} of ${p.total} cameras not recording` : `camera ${p.device} not recording in ${p.zone}`;
    case 'camera_tamper': return `camera tamper: ${p.devices ?? p.device}`;
    case 'camera_video_loss': return `video loss: ${p.devices ?? p.device}`;
    case 'collector_offline': return `collector offline ${p.minutes} min`;
    case 'not_reporting': return p.n !== undefined ? `${p.n} devices not reporting` : `${p.zone} ${kind} ${p.device} not reporting`;
    case 'no_data': return 'no data received yet';
  }
}
