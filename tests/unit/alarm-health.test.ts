import { describe, expect, it } from 'vitest';
import { aggregateAlarmHealth, dayEnds, windowStart, type AlarmHealthFacts } from '../../server/src/domain/alarm-health.js';

/*
 * A hand-built history reduced to the counts the SQL gives, over 3 local days (UTC+7) with the fake
 * "now" at 06:00 on day 2, so day 2 has 36 intervals and the window 144 + 144 + 36 = 324:
 *   day 0  interval 0: 25 raises (a flood for one operator, 12.5 each for two: still a flood);
 *          interval 5: 11 (a flood for one, 5.5 for two: not); interval 100: 4
 *   day 1  nothing
 *   day 2  interval 288 (00:00): 2
 * Standing counts come at each day's end: day 0 two shelved, day 2 one stale and standing, one out of service.
 */
const H = 3_600_000;
const OFF = 420;
const NOW = Date.UTC(2026, 11, 3, 23); // 06:00 on 4 Dec, Vietnam time
const FROM = windowStart(NOW, 3, OFF);
const facts = (over: Partial<AlarmHealthFacts> = {}): AlarmHealthFacts => ({
  per10Min: new Map([[0, 25], [5, 11], [100, 4], [288, 2]]),
  top: [
    { alarm: 'D1/high:T1', depot: 'D1', code: 'high', device: 'T1', count: 30, perDay: new Map([[0, 30]]) },
    { alarm: 'D1/door:DR1', depot: 'D1', code: 'door', device: 'DR1', count: 12, perDay: new Map([[0, 10], [2, 2]]) },
  ],
  chatteringPerDay: new Map([[0, 1]]),
  chattering: 1,
  standingPerDay: new Map([[0, { stale: 0, standing: 0, shelved: 2, outOfService: 0 }], [2, { stale: 1, standing: 1, shelved: 0, outOfService: 1 }]]),
  ...over,
});

describe('aggregateAlarmHealth on a hand-built history', () => {
  it('the window starts at local midnight two days before today; each day is measured at its end or now', () => {
    expect(FROM).toBe(Date.UTC(2026, 11, 1, 17)); // 2 Dec 00:00 in Vietnam
    expect(dayEnds(FROM, NOW, 3)).toEqual([FROM + 24 * H, FROM + 48 * H, NOW]);
  });

  it('per day: raises, average and peak per operator per 10 minutes, flood share, chattering, what stands', () => {
    const r = aggregateAlarmHealth(facts(), { from: FROM, now: NOW, days: 3, operators: 1, utcOffsetMin: OFF });
    expect(r.daily).toEqual([
      { day: '2026-12-02', from: FROM, raises: 40, avgPer10Min: 0.28, peakPer10Min: 25, floodPercent: 1.39, chattering: 1, stale: 0, standing: 0, shelved: 2, outOfService: 0 },
      { day: '2026-12-03', from: FROM + 24 * H, raises: 0, avgPer10Min: 0, peakPer10Min: 0, floodPercent: 0, chattering: 0, stale: 0, standing: 0, shelved: 0, outOfService: 0 },
      { day: '2026-12-04', from: FROM + 48 * H, raises: 2, avgPer10Min: 0.06, peakPer10Min: 2, floodPercent: 0, chattering: 0, stale: 1, standing: 1, shelved: 0, outOfService: 1 },
    ]);
  });

  it('over the window: per-operator average over the intervals that passed, flood share, top ten with shares and daily counts', () => {
    const r = aggregateAlarmHealth(facts(), { from: FROM, now: NOW, days: 3, operators: 1, utcOffsetMin: OFF });
    expect(r.summary).toEqual({ raises: 42, avgPer10Min: 0.13, peakPer10Min: 25, floodPercent: 0.62, chattering: 1, top10SharePercent: 100, stale: 1, standing: 1, shelved: 0, outOfService: 1 });
    expect(r.top.map((t) => [t.alarm, t.sharePercent, t.daily])).toEqual([['D1/high:T1', 71.43, [30, 0, 0]], ['D1/door:DR1', 28.57, [10, 0, 2]]]);
    expect(r.targets).toMatchObject({ avgPer10MinAcceptable: 1, avgPer10MinManageable: 2, floodPercentMax: 1 });
  });

  it('two operators: the rates halve, and 11 in 10 minutes is no flood but 25 still is', () => {
    const r = aggregateAlarmHealth(facts(), { from: FROM, now: NOW, days: 3, operators: 2, utcOffsetMin: OFF });
    expect(r.daily[0]).toMatchObject({ raises: 40, avgPer10Min: 0.14, peakPer10Min: 12.5, floodPercent: 0.69 });
    expect(r.summary.avgPer10Min).toBe(0.06);
  });

  it('an empty history: zeros everywhere, no division by zero, and a window that just began counts one interval', () => {
    const empty = facts({ per10Min: new Map(), top: [], chatteringPerDay: new Map(), chattering: 0, standingPerDay: new Map() });
    const r = aggregateAlarmHealth(empty, { from: NOW, now: NOW, days: 1, operators: 1, utcOffsetMin: OFF });
    expect(r.summary).toEqual({ raises: 0, avgPer10Min: 0, peakPer10Min: 0, floodPercent: 0, chattering: 0, top10SharePercent: 0, stale: 0, standing: 0, shelved: 0, outOfService: 0 });
    expect(r.daily).toHaveLength(1);
    expect(r.daily[0]).toMatchObject({ avgPer10Min: 0, floodPercent: 0 });
    const more = aggregateAlarmHealth(empty, { from: FROM, now: NOW, days: 3, operators: 1, utcOffsetMin: OFF });
    expect(more.top).toEqual([]);
    expect(more.summary.top10SharePercent).toBe(0);
  });

  it('only intervals that passed count: 6 h in, interval 100 is ahead, (25 + 11) / 36 = 1; later days are zero', () => {
    const r = aggregateAlarmHealth(facts(), { from: FROM + 24 * H, now: FROM + 30 * H, days: 3, operators: 1, utcOffsetMin: OFF });
    expect(r.daily.map((d) => d.avgPer10Min)).toEqual([1, 0, 0]);
    expect(r.daily[0]?.raises).toBe(36);
  });
});
