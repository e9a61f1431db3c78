import { describe, expect, it } from 'vitest';
import { alarmParts, kpiTiles } from '../../web/src/lib/transforms/engineer-health.js';
import { durationText, endOfLocalDay, monthlyOn, recurrenceText } from '../../web/src/lib/transforms/engineer-maintenance.js';
import type { AlarmHealthReport } from '../../server/src/contracts/alarm-health.js';
import { ALARM_HEALTH_TARGETS } from '../../server/src/domain/alarm-health.js';

describe('recurring maintenance in words', () => {
  it('weekly, Monday first; every day; monthly day, last day and nth weekday, in both languages', () => {
    expect(recurrenceText({ kind: 'weekly', days: [4, 2], start: '22:00', durationMin: 120 }, 'vi')).toBe('T3, T5 · 22:00 · 2 giờ');
    expect(recurrenceText({ kind: 'weekly', days: [0, 1], start: '06:30', durationMin: 90 }, 'en')).toBe('Mon, Sun · 06:30 · 1 h 30 min');
    expect(recurrenceText({ kind: 'weekly', days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', durationMin: 30 }, 'en')).toBe('every day · 00:00 · 30 min');
    expect(recurrenceText({ kind: 'monthly', on: { day: 15 }, start: '08:00', durationMin: 240 }, 'vi')).toBe('ngày 15 hằng tháng · 08:00 · 4 giờ');
    expect(recurrenceText({ kind: 'monthly', on: { day: 'last' }, start: '23:00', durationMin: 1500 }, 'en')).toBe('the last day of each month · 23:00 · 1 d 1 h');
    expect(recurrenceText({ kind: 'monthly', on: { nth: 1, weekday: 1 }, start: '07:00', durationMin: 60 }, 'vi')).toBe('thứ Hai đầu tiên hằng tháng · 07:00 · 1 giờ');
    expect(recurrenceText({ kind: 'monthly', on: { nth: -1, weekday: 5 }, start: '07:00', durationMin: 60 }, 'en')).toBe('the last Friday of each month · 07:00 · 1 h');
    expect(durationText(0, 'en')).toBe('0 min');
  });
  it('the form\'s monthly choice becomes the API\'s, and an end date ends at local midnight', () => {
    expect(monthlyOn('day', 31, 1, 1)).toEqual({ day: 31 });
    expect(monthlyOn('last', 31, 1, 1)).toEqual({ day: 'last' });
    expect(monthlyOn('nth', 31, -1, 5)).toEqual({ nth: -1, weekday: 5 });
    expect(endOfLocalDay('2026-12-31', 420)).toBe(Date.parse('2027-01-01T00:00:00+07:00'));
    expect(endOfLocalDay('', 420)).toBeNull();
  });
});

describe('alarm health tiles', () => {
  const day = { day: '2026-12-01', from: 0, raises: 30, avgPer10Min: 1.5, peakPer10Min: 14, floodPercent: 2, chattering: 1, stale: 0, standing: 6, shelved: 2, outOfService: 1 };
  const report: AlarmHealthReport = {
    from: 0, to: 1, operators: 1, targets: ALARM_HEALTH_TARGETS, daily: [day, { ...day, raises: 10 }], top: [],
    summary: { raises: 40, avgPer10Min: 1.5, peakPer10Min: 14, floodPercent: 0.5, chattering: 0, top10SharePercent: 12, stale: 3, standing: 6, shelved: 2, outOfService: 1 },
  };
  it('judges each figure against its target; the top-10 share trends as raises per day', () => {
    const t = new Map(kpiTiles(report).map((k) => [k.key, k]));
    expect(t.get('avgPer10Min')).toMatchObject({ verdict: 'fair', target: 1 });
    expect(kpiTiles({ ...report, summary: { ...report.summary, avgPer10Min: 2.5 } })[0]?.verdict).toBe('poor');
    expect(kpiTiles({ ...report, summary: { ...report.summary, avgPer10Min: 0.4 } })[0]?.verdict).toBe('good');
    expect(t.get('peakPer10Min')?.verdict).toBe('poor');
    expect(t.get('floodPercent')).toMatchObject({ verdict: 'good', unit: '%', daily: [2, 2] });
    expect(t.get('top10SharePercent')).toMatchObject({ verdict: 'fair', daily: [30, 10] });
    expect(kpiTiles({ ...report, summary: { ...report.summary, top10SharePercent: 60 } })[3]?.verdict).toBe('poor');
    expect(kpiTiles({ ...report, summary: { ...report.summary, top10SharePercent: 4 } })[3]?.verdict).toBe('good');
    expect(t.get('chattering')?.verdict).toBe('good');
    expect(t.get('stale')?.verdict).toBe('good');
    expect(t.get('standing')?.verdict).toBe('poor');
    expect(t.get('shelved')).toMatchObject({ verdict: 'info', target: null });
    expect(kpiTiles(report)).toHaveLength(9);
  });
  it('splits an alarm id into depot, rule and device for the links', () => {
    expect(alarmParts('D1/ammo-humidity-high:H1')).toEqual({ depot: 'D1', rule: 'ammo-humidity-high', device: 'H1' });
    expect(alarmParts('odd')).toEqual({ depot: '', rule: 'odd', device: '' });
  });
});
