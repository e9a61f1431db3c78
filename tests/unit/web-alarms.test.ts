import { describe, expect, it } from 'vitest';
import type { AlarmView, IncidentView } from '../../server/src/contracts/alarms.js';
import type { DepotSummary } from '../../server/src/contracts/api.js';
import { composeAckNote, NOTE_MAX } from '../../web/src/lib/transforms/ack-note.js';
import { alarmDevice, alarmWhat, alarmZone } from '../../web/src/lib/transforms/alarm-text.js';
import { HORN_IDLE, hornEscalated, hornKey, hornState, pendingKeys, retain, silence } from '../../web/src/lib/transforms/horn.js';
import { attentionDepots, compareAlarms, tickerAlarms, wallOrder } from '../../web/src/lib/transforms/ticker.js';

/** an alarm as the server sends it; `at` is when it was raised */
const alarm = (id: string, o: Partial<AlarmView> & { at?: number } = {}): AlarmView => {
  const { at = 1_000, ...rest } = o;
  return {
    id, depot: 'K101', code: 'state_active', severity: 'critical',
    device: { type: 'sensor', id: id.split(':')[1] ?? 'S1', zone: 'A', zoneName: 'Nhà kho đạn A' },
    params: { kind: 'smoke', zone: 'Nhà kho đạn A', zoneId: 'A', zoneNameEn: 'Store A', device: id }, text: 'smoke in Store A',
    state: 'unack', active: true, chattering: false, raisedAt: at, clearedAt: null, updatedAt: at,
    ack: null, shelf: null, suppression: null, outOfService: null, incidentId: null, ...rest,
  };
};

const incident = (id: string, o: Partial<IncidentView> = {}): IncidentView => ({
  id, depot: 'K101', severity: 'critical', state: 'open', title: 'smoke', openedAt: 1_000, updatedAt: 1_000, assignee: null,
  escalatedAt: null, unacked: 1, alarms: [], timeline: [], timelineOmitted: 0, ...o,
});

describe('the latched horn', () => {
  const a1 = alarm('K101/smoke:A-SM1', { at: 1_000 });
  const a2 = alarm('K101/smoke:B-SM1', { at: 2_000 });

  it('is armed only by critical alarms that wait for a person', () => {
    const keys = pendingKeys([
      a1,
      alarm('K101/x:rtn', { state: 'rtn_unack', active: false }),
      alarm('K101/x:acked', { state: 'acked' }),
      alarm('K101/x:major', { severity: 'major' }),
      alarm('K101/x:shelved', { state: 'shelved' }),
    ]);
    expect([...keys].sort()).toEqual([hornKey(a1), `K101/x:rtn@1000`].sort());
  });

  it('sounds while something waits, and is off when nothing does', () => {
    expect(hornState(new Set(), HORN_IDLE)).toBe('off');
    expect(hornState(pendingKeys([a1]), HORN_IDLE)).toBe('sounding');
  });

  it('silences locally without acknowledging: the alarm still waits', () => {
    const pending = pendingKeys([a1]);
    const m = silence(pending);
    expect(hornState(pending, m)).toBe('silenced');
    expect(pendingKeys([a1]).size).toBe(1); // nothing about the alarm changed
  });

  it('re-arms on a new critical alarm after silencing, and silencing again covers both', () => {
    const m = silence(pendingKeys([a1]));
    const both = pendingKeys([a1, a2]);
    expect(hornState(both, m)).toBe('sounding');
    expect(hornState(both, silence(both))).toBe('silenced');
  });

  it('treats the same device raising again after acknowledgement as a new alarm', () => {
    const m = silence(pendingKeys([a1]));
    const again = alarm('K101/smoke:A-SM1', { at: 9_000 });
    expect(hornState(pendingKeys([again]), m)).toBe('sounding');
  });

  it('goes off when the alarms are acknowledged, silenced or not, and forgets what it silenced', () => {
    const m = silence(pendingKeys([a1, a2]));
    expect(hornState(pendingKeys([{ ...a1, state: 'acked' }, { ...a2, state: 'normal' }]), m)).toBe('off');
    const kept = retain(pendingKeys([a2]), m);
    expect([...kept.silenced]).toEqual([hornKey(a2)]);
    expect(retain(pendingKeys([a1, a2]), m)).toBe(m); // nothing dropped: same object, no re-render
  });

  it('is more insistent for an escalated incident that still waits', () => {
    expect(hornEscalated([incident('INC-1', { escalatedAt: 5 })])).toBe(true);
    expect(hornEscalated([incident('INC-1', { escalatedAt: 5, unacked: 0, state: 'acknowledged' })])).toBe(false);
    expect(hornEscalated([incident('INC-1')])).toBe(false);
  });
});

describe('the wall ticker', () => {
  const list = [
    alarm('K1/a:minor-new', { severity: 'minor', at: 9_000 }),
    alarm('K1/a:crit-old', { at: 1_000, state: 'acked' }),
    alarm('K1/a:crit-new', { at: 5_000 }),
    alarm('K1/a:major', { severity: 'major', at: 8_000, state: 'rtn_unack' }),
    alarm('K1/a:shelved', { state: 'shelved', at: 10_000 }),
    alarm('K1/a:oos', { state: 'out_of_service', at: 10_000 }),
  ];

  it('orders by severity, then newest first within a severity, and leaves overlays to the desk', () => {
    expect(tickerAlarms(list).map((a) => a.id)).toEqual(['K1/a:crit-new', 'K1/a:crit-old', 'K1/a:major', 'K1/a:minor-new']);
  });

  it('breaks ties by id so the order never flickers', () => {
    const [x, y] = [alarm('K1/b', { at: 5 }), alarm('K1/a', { at: 5 })];
    expect([x, y].sort(compareAlarms).map((a) => a.id)).toEqual(['K1/a', 'K1/b']);
  });

  it('phrases each part in the board language: what, where, which device', () => {
    const a = alarm('K101/smoke:A-SM1');
    expect(alarmWhat(a, 'vi', 0)).toBe('Phát hiện khói');
    expect(alarmWhat(a, 'en', 0)).toBe('Smoke detected');
    expect(alarmZone(a, 'vi')).toBe('Nhà kho đạn A');
    expect(alarmZone(a, 'en')).toBe('Store A');
    expect(alarmDevice(a, 'vi')).toEqual({ icon: 'smoke', kind: 'Khói', id: 'A-SM1' });
    const t = alarm('K101/t:A-T1', { code: 'threshold_high', params: { kind: 'temperature', value: 31.24, limit: 30, unit: 'C', zone: 'Kho A' } });
    expect(alarmWhat(t, 'vi', 0)).toBe('Nhiệt độ 31,2\u202f°C vượt ngưỡng 30,0\u202f°C');
    const cam = alarm('K101/cam:CAM03', { code: 'camera_tamper', device: { type: 'camera', id: 'CAM03' }, params: { device: 'CAM03' } });
    expect(alarmWhat(cam, 'en', 0)).toBe('Camera CAM03 tampered with');
    expect(alarmDevice(cam, 'en').kind).toBe('Camera');
  });
});

describe('bringing a depot forward on the wall', () => {
  const depot = (id: string, readiness: DepotSummary['readiness']) => ({ id, readiness });
  const depots = [depot('K101', 'ready'), depot('K102', 'not_ready'), depot('K103', 'degraded'), depot('K104', 'not_ready')];

  it('marks depots with unacknowledged critical alarms, counting them and keeping the newest time', () => {
    const m = attentionDepots([
      alarm('K101/a', { at: 3 }), alarm('K101/b', { at: 7, state: 'rtn_unack' }), alarm('K101/c', { at: 9, state: 'acked' }),
      alarm('K102/a', { depot: 'K102', severity: 'major' }),
    ]);
    expect([...m]).toEqual([['K101', { count: 2, latest: 7 }]]);
  });

  it('puts the depot with the newest critical alarm first, ahead of depots already not ready', () => {
    const order = wallOrder(depots, new Map([['K101', { count: 1, latest: 50 }]]));
    expect(order.map((d) => d.id)).toEqual(['K101', 'K102', 'K104', 'K103']);
    const two = wallOrder(depots, new Map([['K104', { count: 1, latest: 10 }], ['K101', { count: 1, latest: 50 }]]));
    expect(two.map((d) => d.id)).toEqual(['K101', 'K104', 'K102', 'K103']);
  });

  it('keeps the usual worst-first order when nothing waits', () => {
    expect(wallOrder(depots, new Map()).map((d) => d.id)).toEqual(['K102', 'K104', 'K103', 'K101']);
  });
});

describe('the guard acknowledgement note', () => {
  it('joins a quick reason and free text into one sentence', () => {
    expect(composeAckNote('Báo động giả', 'chim đậu trên đầu báo')).toBe('Báo động giả. chim đậu trên đầu báo');
    expect(composeAckNote('Đã kiểm tra tại chỗ — bình thường.', '  ')).toBe('Đã kiểm tra tại chỗ — bình thường');
  });

  it('takes either alone, or nothing, and tidies whitespace', () => {
    expect(composeAckNote(null, '  đã  kiểm tra \n cổng  ')).toBe('đã kiểm tra cổng');
    expect(composeAckNote('Đang xử lý', '')).toBe('Đang xử lý');
    expect(composeAckNote(null, '')).toBe('');
  });

  it('never exceeds what the server accepts', () => {
    expect(composeAckNote('Báo động giả', 'x'.repeat(5000))).toHaveLength(NOTE_MAX);
  });
});
