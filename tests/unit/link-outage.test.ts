import { describe, expect, it } from 'vitest';
import { outageView } from '../../web/src/lib/transforms/link-outage.js';
import type { LinkOutage, ZoneView } from '../../web/src/lib/types.js';

const at = (h: number, m: number) => new Date(2026, 11, 2, h, m).getTime();
const zones = [{ id: 'A', name: 'Kho A', nameEn: 'Store A' }] as unknown as ZoneView[];
const outage: LinkOutage = {
  at: at(3, 0), depot: 'K101', from: at(2, 10), to: at(2, 40), readings: 1234, devices: 12,
  events: [
    { code: 'state_active', params: { device: 'A-D1', kind: 'door', zone: 'A' }, from: at(2, 14), to: at(2, 16) },
    { code: 'camera_video_loss', params: { device: 'CAM01', kind: 'camera', zone: 'A' }, from: at(2, 20), to: null },
  ],
  moreEvents: 0,
  measurements: [{ device: 'A-T1', kind: 'temperature', zone: 'A', min: 21.4, max: 23, n: 180 }],
};

describe('the depot view\'s account of a link outage', () => {
  it('phrases the door, the camera still without video and the extremes, in Vietnamese first', () => {
    const v = outageView(outage, 'vi', zones, at(9, 0));
    expect(v.headline).toBe('Mất liên lạc 02:10 – 02:40 · 1234 số liệu gửi bù từ 12 thiết bị');
    expect(v.events).toEqual(['A-D1 (Kho A): cửa mở, 02:14 – 02:16', 'CAM01 (Kho A): camera mất hình từ 02:20, vẫn còn khi có liên lạc lại']);
    expect(v.measurements).toEqual(['A-T1 nhiệt độ: 21,4\u202f°C – 23,0\u202f°C']);
    expect(v.more).toBeNull();
  });

  it('speaks English with the English zone name, dates a span on another day and counts what was cut', () => {
    const v = outageView({ ...outage, moreEvents: 7 }, 'en', zones, at(9, 0) + 86_400_000);
    expect(v.events[0]).toBe('A-D1 (Store A): door open, 02/12 02:14 – 02/12 02:16');
    expect(v.measurements[0]).toBe('A-T1 temperature: 21.4\u202f°C – 23.0\u202f°C');
    expect(v.more).toBe('and 7 more events');
  });
});
