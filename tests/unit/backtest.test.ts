import { describe, expect, it } from 'vitest';
import { backtest, createReplay, type Sample } from '../../server/src/domain/backtest.js';
import { DEFAULT_ALARM_POLICY } from '../../server/src/domain/alarm-engine.js';
import { buildSiteIndex, resolveSensor } from '../../server/src/domain/site-index.js';
import type { RulesConfig, StateRule, ThresholdRule } from '../../config/schema.js';
import { smallSite } from '../helpers/site.js';

/**
 * Backtests against histories computed by hand. T1 in D1 reports every 10 s; staleFactor 3 makes it
 * "not reporting" after 30 s of silence. Times below are seconds from the window's start.
 */
const site = smallSite();
const index = buildSiteIndex(site);
const T0 = 1_800_000_000_000;
const s = (sec: number) => T0 + sec * 1000;
const WINDOW = { from: T0, to: s(600) };

function entryWith(rule: ThresholdRule | StateRule, sensor = 'T1', kind: 'threshold' | 'state' = 'threshold') {
  const base = index.sensor('D1', sensor)!;
  const rules: RulesConfig = { ...site.rules, thresholds: kind === 'threshold' ? [rule as ThresholdRule] : [], states: kind === 'state' ? [rule as StateRule] : [], rates: [] };
  return resolveSensor(base.depot, base.zone, base.sensor, rules);
}
const rule = (over: Partial<ThresholdRule> = {}): ThresholdRule => ({ id: 'ammo-temp-high', kind: 'temperature', high: 30, deadband: 0, onDelayS: 0, offDelayS: 0, severity: 'major', ...over });
/** one reading every 10 s from second 0, values in order */
const every10 = (...values: number[]): Sample[] => values.map((value, i) => ({ ts: s(i * 10), value }));
const run = (r: ThresholdRule, samples: Sample[], window = WINDOW) => backtest(entryWith(r), site.rules, samples, window, DEFAULT_ALARM_POLICY);

describe('backtest (one sensor, replayed through the live engine)', () => {
  it('a value crossing the limit once: one alarm from the first reading above to the first one back, with its peak', () => {
    const r = run(rule(), every10(25, 29, 31, 33, 32, 29, 28));
    expect(r.alarms).toEqual([{ sensor: 'T1', code: 'threshold_high', start: s(20), end: s(50), peak: 33 }]);
    expect(r.alarmMs).toBe(30_000);
  });

  it('a value hovering at the limit: without deadband it chatters into four alarms, a deadband of 1 makes it one', () => {
    const hover = every10(29.9, 30.2, 29.8, 30.1, 29.9, 30.3, 29.7, 30.1, 28.5, 28);
    const bare = run(rule(), hover);
    expect(bare.alarms.map((a) => [a.start, a.end])).toEqual([[s(10), s(20)], [s(30), s(40)], [s(50), s(60)], [s(70), s(80)]]);
    expect(bare.alarmMs).toBe(40_000);
    // deadband 1: once raised it holds while above 29; it clears at 28.5 (second 80)
    const banded = run(rule({ deadband: 1 }), hover);
    expect(banded.alarms).toEqual([{ sensor: 'T1', code: 'threshold_high', start: s(10), end: s(80), peak: 30.3 }]);
  });

  it('a spike shorter than the on-delay raises nothing; one as long as the on-delay raises at its end', () => {
    const spike = every10(25, 35, 36, 25, 25, 25);
    expect(run(rule({ onDelayS: 30 }), spike).alarms).toEqual([]);
    const held = every10(25, 35, 36, 37, 38, 25, 25);
    // above from second 10; the on-delay of 30 s runs out at second 40, at a reading
    expect(run(rule({ onDelayS: 30 }), held).alarms).toEqual([{ sensor: 'T1', code: 'threshold_high', start: s(40), end: s(50), peak: 38 }]);
  });

  it('an on-delay that runs out between readings raises at that moment, not at the next reading', () => {
    const held = every10(25, 35, 36, 37, 25);
    // above from 10; on-delay 15 s runs out at second 25, between the readings at 20 and 30
    expect(run(rule({ onDelayS: 15 }), held).alarms).toEqual([{ sensor: 'T1', code: 'threshold_high', start: s(25), end: s(40), peak: 37 }]);
  });

  it('an off-delay holds the alarm through a short dip and clears once it has run out', () => {
    // above 10–20, dips at 30, above again at 40, back to normal from 50; off-delay 15 s
    const r = run(rule({ offDelayS: 15 }), every10(25, 31, 32, 29, 33, 25, 25, 25));
    expect(r.alarms).toEqual([{ sensor: 'T1', code: 'threshold_high', start: s(10), end: s(65), peak: 33 }]);
    expect(r.alarmMs).toBe(55_000);
  });

  it('a low limit reports the lowest reading as its peak', () => {
    const low: ThresholdRule = { id: 'cold', kind: 'temperature', low: 5, deadband: 0, onDelayS: 0, offDelayS: 0, severity: 'minor' };
    const r = run(low, every10(8, 4, 2, 3, 6));
    expect(r.alarms).toEqual([{ sensor: 'T1', code: 'threshold_low', start: s(10), end: s(40), peak: 2 }]);
  });

  it('a gap in history is a sensor not reporting: its threshold alarm ends when it goes stale', () => {
    // above at 0 and 10, then silence: stale once more than 30 s after the reading at 10, at 40.001
    const r = run(rule(), every10(31, 32));
    expect(r.alarms).toEqual([{ sensor: 'T1', code: 'threshold_high', start: s(0), end: s(40) + 1, peak: 32 }]);
  });

  it('an alarm still active at the end of the window has no end and counts its time up to the window', () => {
    const r = run(rule(), every10(25, 31, 31, 31), { from: T0, to: s(35) });
    expect(r.alarms).toEqual([{ sensor: 'T1', code: 'threshold_high', start: s(10), end: null, peak: 31 }]);
    expect(r.alarmMs).toBe(25_000);
  });

  it('a zone limit replaces the rule\'s high as it does live (D2 tank: 33 instead of 35)', () => {
    const base = index.sensor('D2', 'T1')!;
    const fuel: ThresholdRule = { ...rule({ id: 'fuel-temp-high', high: 35 }), zoneTypes: ['fuel_store'] };
    const e = resolveSensor(base.depot, base.zone, base.sensor, { ...site.rules, thresholds: [fuel], states: [], rates: [] });
    const r = backtest(e, site.rules, every10(30, 34, 30), WINDOW, DEFAULT_ALARM_POLICY);
    expect(r.alarms.map((a) => a.start)).toEqual([s(10)]);
  });

  it('a state rule: smoke active twice is two alarms; the readings between count as normal', () => {
    const smoke: StateRule = { id: 'smoke', kind: 'smoke', active: 1, outsideSchedule: false, onDelayS: 0, offDelayS: 0, severity: 'critical' };
    const r = backtest(entryWith(smoke, 'SM1', 'state'), site.rules, every10(0, 1, 1, 0, 0, 1, 0), WINDOW, DEFAULT_ALARM_POLICY);
    expect(r.alarms.map((a) => [a.code, a.start, a.end])).toEqual([['state_active', s(10), s(30)], ['state_active', s(50), s(60)]]);
  });

  it('samples outside the window are ignored', () => {
    const r = run(rule(), [{ ts: T0 - 5000, value: 40 }, ...every10(25, 25)]);
    expect(r.alarms).toEqual([]);
  });

  it('fed in pages, a replay gives the same alarms wherever the history is cut, even between two samples of one instant', () => {
    const r = rule({ deadband: 1, onDelayS: 20, offDelayS: 10 });
    const history = [...every10(25, 31, 32, 31, 29.5, 31, 25, 25, 31, 31, 31, 25), { ts: s(120), value: 40 }, { ts: s(120), value: 25 }];
    const whole = run(r, history);
    expect(whole.alarms.length).toBeGreaterThan(0);
    for (let cut = 0; cut <= history.length; cut++) {
      for (const second of [cut, Math.min(history.length, cut + 3)]) {
        const replay = createReplay(entryWith(r), site.rules, WINDOW, DEFAULT_ALARM_POLICY);
        for (const page of [history.slice(0, cut), history.slice(cut, second), history.slice(second)]) {
          replay.push(Float64Array.from(page, (x) => x.ts), Float64Array.from(page, (x) => x.value));
        }
        expect(replay.finish(), `cut at ${cut} and ${second}`).toEqual(whole);
      }
    }
  });
});
