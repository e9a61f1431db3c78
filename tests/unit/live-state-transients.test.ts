import { describe, expect, it } from 'vitest';
import { loadSiteConfig } from '../../config/loader.js';
import { alarmPolicyOf, stateOf, type Alarm } from '../../server/src/domain/alarm-engine.js';
import { emptyDelays, reconcileDepot } from '../../server/src/domain/alarm-reconcile.js';
import { buildSiteIndex } from '../../server/src/domain/site-index.js';
import { createLiveState } from '../../server/src/services/live-state.js';
import { FakeClock } from '../helpers/system.js';
import { CONFIG_DIR } from '../helpers/wall-site.js';

/**
 * The wall soak of 2026-12-02 05:10 missed K008's smoke alarm: the probe's `smoke = 1` reached the live
 * state, and before the next tick evaluated it the depot's own detector reported its routine `0`
 * (every 10 s, with a later timestamp). The live state kept only the latest reading, so the tick saw
 * a quiet detector and no alarm was ever raised. Here the same pattern, with a fake clock.
 */
const site = loadSiteConfig(CONFIG_DIR);
const index = buildSiteIndex(site);
const policy = alarmPolicyOf(site.rules.alarms);
const DEPOT = 'K101';
const SMOKE = 'A-SM1';
const TEMP = 'A-T1';

function setup() {
  const clock = new FakeClock(Date.UTC(2026, 11, 2, 5, 10, 17));
  const live = createLiveState({ index: () => index, clock });
  const alarms = new Map<string, Alarm>();
  const pending = emptyDelays();
  /** one live-state tick followed by the alarm engine on what it evaluated, as system.ts runs them */
  const tick = (): void => {
    for (const e of live.tick().evaluated) {
      if (e.depot !== DEPOT) continue;
      const r = reconcileDepot({ depot: DEPOT, alarms, conditions: e.conditions, now: clock.now(), policy, pending, heard: e.heard, maintenanceFor: () => null });
      for (const a of r.changed) alarms.set(a.id, a);
    }
  };
  const reading = (sensorId: string, kind: 'smoke' | 'temperature', value: number, ts = clock.now()): void => {
    live.apply({ type: 'sensor', depotId: DEPOT, sensorId, kind, value, ts }, clock.now());
  };
  // every device of the depot has reported once and been evaluated
  for (const entry of index.sensorsOf(DEPOT)) reading(entry.sensor.id, entry.sensor.kind as 'smoke', entry.sensor.kind === 'temperature' ? 24 : entry.sensor.kind === 'humidity' ? 60 : 0);
  tick();
  return { clock, live, alarms, tick, reading };
}

describe('live state: a reading replaced before its tick is still evaluated', () => {
  it('smoke for a moment between two ticks raises the alarm, which then returns to normal unacknowledged', () => {
    const { clock, alarms, tick, reading } = setup();
    const id = `${DEPOT}/smoke:${SMOKE}`;
    expect(alarms.get(id)).toBeUndefined();
    clock.advance(100);
    reading(SMOKE, 'smoke', 1); // the probe (or a real detector's trip)
    clock.advance(40);
    reading(SMOKE, 'smoke', 0); // the detector's routine report, 40 ms later, before the tick
    clock.advance(110);
    tick();
    const raised = alarms.get(id);
    expect(raised?.raisedAt).toBe(clock.now());
    clock.advance(250);
    tick();
    // the condition is gone at the next tick: returned to normal, still waiting for a person
    expect(stateOf(alarms.get(id)!)).toBe('rtn_unack');
  });

  it('a reading older than the one held (a late one) is not evaluated again', () => {
    const { clock, alarms, tick, reading } = setup();
    clock.advance(100);
    reading(SMOKE, 'smoke', 0);
    // an older trip arriving after a newer quiet reading is history, not news: the live rules say so (nextSensorLive)
    reading(SMOKE, 'smoke', 1, clock.now() - 50);
    clock.advance(150);
    tick();
    expect(alarms.get(`${DEPOT}/smoke:${SMOKE}`)).toBeUndefined();
  });

  it('a reading that was evaluated is not evaluated again when the next one replaces it', () => {
    const { clock, alarms, tick, reading } = setup();
    const id = `${DEPOT}/smoke:${SMOKE}`;
    clock.advance(100);
    reading(SMOKE, 'smoke', 1);
    clock.advance(150);
    tick();
    expect(stateOf(alarms.get(id)!)).toBe('unack');
    clock.advance(100);
    reading(SMOKE, 'smoke', 0);
    clock.advance(150);
    tick();
    expect(stateOf(alarms.get(id)!)).toBe('rtn_unack');
    expect(alarms.get(id)!.activations).toHaveLength(1);
  });

  it('readings replaced between ticks do not pile up: a busy sensor holds a bounded number', () => {
    const { clock, live, tick, reading } = setup();
    clock.advance(100);
    for (let i = 0; i < 1000; i++) reading(TEMP, 'temperature', 24 + (i % 3) / 10, clock.now() + i);
    expect(live.heldReadings()).toBeLessThanOrEqual(16);
    clock.advance(150);
    tick();
    expect(live.heldReadings()).toBe(0);
  });
});
