import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteConfig } from '../../config/schema.js';
import type { ApiError } from '../../server/src/contracts/api.js';
import type { BacktestResponse } from '../../server/src/contracts/backtest.js';
import type { TelemetryPoint } from '../../server/src/contracts/telemetry.js';
import { smallSite } from '../helpers/site.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';

/**
 * POST /api/rules/backtest against the running system and its embedded SQLite telemetry store, with
 * a history this test writes and whose alarms it counts by hand. Times are seconds from T0.
 */
const T0 = Date.UTC(2026, 10, 1, 0, 0, 0);
const s = (sec: number) => T0 + sec * 1000;
const END = s(7200);

/** D1/T1 every 10 s for two hours at 25 °C, with three episodes */
function history(): TelemetryPoint[] {
  const points: TelemetryPoint[] = [];
  for (let t = 0; t < 7200; t += 10) {
    let value = 25;
    if (t >= 600 && t <= 660) value = t === 630 ? 32 : 31; // 70 s above 30, peak 32
    if (t >= 1800 && t <= 1810) value = 33; // a 20 s spike
    if (t >= 3600 && t < 3900) value = 29.5; // 5 minutes between 29 and 30
    points.push({ measurement: 'sensor', tags: { depot: 'D1', zone: 'A', sensor: 'T1', kind: 'temperature' }, fields: { value }, ts: s(t) });
  }
  return points;
}

function site(): SiteConfig {
  const base = smallSite();
  // two sensors reporting every second: 30 days of both is more than one backtest may replay
  const d1 = base.depots[0]!;
  const fast = ['T8', 'T9'].map((id) => ({ id, zone: 'A', kind: 'temperature' as const, intervalS: 1 }));
  return { ...base, depots: [{ ...d1, sensors: [...d1.sensors, ...fast] }, ...base.depots.slice(1)] };
}

const proposedRule = { id: 'ammo-temp-high', kind: 'temperature', zoneTypes: ['ammunition_store'], high: 29, deadband: 1, onDelayS: 30, offDelayS: 0, severity: 'major' };

describe('POST /api/rules/backtest', () => {
  let t: TestSystem;
  const token: Record<string, string> = {};
  const backtest = (who: string, body: unknown) =>
    t.api<BacktestResponse & ApiError>('/api/rules/backtest', token[who]!, { method: 'POST', body: JSON.stringify(body) });

  beforeAll(async () => {
    t = await startTestSystem({ site: site() });
    token.admin = await t.login();
    for (const [who, role, depots] of [['eng', 'engineer', null], ['officer', 'officer', null], ['guard', 'guard', ['D1']], ['display', 'display', null]] as const) {
      const r = await t.api('/api/users', token.admin, { method: 'POST', body: JSON.stringify({ username: who, password: `${who}-password-long`, role, depots, mustChangePassword: false }) });
      expect(r.status).toBe(201);
      token[who] = await t.login(who, `${who}-password-long`);
    }
    await t.system.store.write(history());
  });
  afterAll(() => t?.stop());

  it('counts the running rule\'s alarms and the proposed one\'s over the stored history, with start, end and peak', async () => {
    const r = await backtest('eng', { depot: 'D1', sensor: 'T1', proposed: { type: 'threshold', rule: proposedRule }, days: 2 / 24, to: END });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ depot: 'D1', ruleId: 'ammo-temp-high', from: s(0), to: END, samples: 720 });
    // running: high 30, deadband 1, no delays → the 70 s episode (600 until 670, when 25 is below 29) and the spike
    expect(r.body.current?.alarms).toBe(2);
    expect(r.body.current?.list).toEqual([
      { sensor: 'T1', code: 'threshold_high', start: s(600), end: s(670), peak: 32 },
      { sensor: 'T1', code: 'threshold_high', start: s(1800), end: s(1820), peak: 33 },
    ]);
    expect(r.body.current?.alarmMs).toBe(90_000);
    // proposed: high 29, on-delay 30 s → the episode from 630, not the 20 s spike, and the 5 minutes at 29.5 from 3630
    expect(r.body.proposed.list).toEqual([
      { sensor: 'T1', code: 'threshold_high', start: s(630), end: s(670), peak: 32 },
      { sensor: 'T1', code: 'threshold_high', start: s(3630), end: s(3900), peak: 29.5 },
    ]);
    expect(r.body.proposed.alarmMs).toBe(310_000);
    expect(r.body.sensors).toEqual([{ sensor: 'T1', zone: 'A', samples: 720, current: { high: 30 }, proposed: { high: 29 } }]);
  });

  it('without a sensor, covers every sensor of the depot the rule applies to (T1, T8 and T9, not the humidity sensor)', async () => {
    const r = await backtest('admin', { depot: 'D1', proposed: { type: 'threshold', rule: proposedRule }, days: 2 / 24, to: END });
    expect(r.status).toBe(200);
    expect(r.body.sensors.map((x) => x.sensor)).toEqual(['T1', 'T8', 'T9']);
    expect(r.body.proposed.alarms).toBe(2);
  });

  it('a new rule id has no running counterpart: current is null', async () => {
    const r = await backtest('eng', { depot: 'D1', sensor: 'T1', proposed: { type: 'threshold', rule: { ...proposedRule, id: 'ammo-temp-warm', high: 32.5 } }, days: 2 / 24, to: END });
    expect(r.status).toBe(200);
    expect(r.body.current).toBeNull();
    expect(r.body.proposed.list.map((a) => [a.start, a.end])).toEqual([]);
  });

  it('a bad body is a 400 naming each field', async () => {
    const r = await backtest('eng', { depot: 'D1', proposed: { type: 'threshold', rule: { id: 'x', kind: 'temperature', high: 30, deadband: -1, severity: 'huge' } }, days: 90 });
    expect(r.status).toBe(400);
    expect((r.body.fields ?? []).map((f) => f.path).sort()).toEqual(['days', 'proposed.rule.deadband', 'proposed.rule.severity']);
    const noLimit = await backtest('eng', { depot: 'D1', proposed: { type: 'threshold', rule: { id: 'x', kind: 'temperature', severity: 'minor' } } });
    expect(noLimit.body.fields).toEqual([{ path: 'proposed.rule', message: 'needs high or low', code: 'needs_high_or_low', params: {} }]);
    const kind = await backtest('eng', { depot: 'D1', sensor: 'H1', proposed: { type: 'threshold', rule: proposedRule } });
    expect(kind.status).toBe(400);
    expect(kind.body.fields).toEqual([{ path: 'sensor', message: 'is a humidity sensor; the rule is for temperature' }]);
  });

  it('an unknown depot or sensor is a 404', async () => {
    expect((await backtest('eng', { depot: 'NOPE', proposed: { type: 'threshold', rule: proposedRule } })).status).toBe(404);
    expect((await backtest('eng', { depot: 'D1', sensor: 'NOPE', proposed: { type: 'threshold', rule: proposedRule } })).status).toBe(404);
  });

  it('more than the bound is a 413 before any history is read, naming what would fit', async () => {
    // T1 (259,200) + T8 and T9 (2,592,000 each) over 30 days: 5,443,200 readings
    const r = await backtest('eng', { depot: 'D1', proposed: { type: 'threshold', rule: proposedRule }, days: 30, to: END });
    expect(r.status).toBe(413);
    expect(r.body.message).toBe('3 sensors over 30 days is about 5443200 readings; a backtest replays at most 5000000: choose one sensor, or at most 27.5 days');
    // and the same as code and params, which the board phrases in its own language
    expect(r.body).toMatchObject({ error: 'too_large', params: { sensors: 3, days: 30, readings: 5443200, max: 5000000, fitDays: 27.5 } });
    // one of the fast sensors alone fits
    const one = await backtest('eng', { depot: 'D1', sensor: 'T9', proposed: { type: 'threshold', rule: proposedRule }, days: 30, to: END });
    expect(one.status).toBe(200);
    expect(one.body.samples).toBe(0);
  });

  it('officers, guards and displays are refused with 403, whatever the body', async () => {
    for (const who of ['officer', 'guard', 'display']) {
      expect((await backtest(who, { depot: 'D1', sensor: 'T1', proposed: { type: 'threshold', rule: proposedRule } })).status).toBe(403);
      expect((await backtest(who, { nonsense: true })).status).toBe(403);
    }
  });
});
