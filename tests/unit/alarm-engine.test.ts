import { describe, expect, it } from 'vitest';
import {
  AlarmActionError, DEFAULT_ALARM_POLICY as P, acknowledge, activate, clear, needsAck, newAlarm, removeFromService, returnToService,
  shelve, stateOf, suppress, unshelve, unsuppress, type Alarm, type AlarmState,
} from '../../server/src/domain/alarm-engine.js';

const T0 = 1_800_000_000_000;
const by = (username: string, at: number, note = '') => ({ username, at, note });
const fresh = () => newAlarm({ id: 'D1/smoke:SM1', depot: 'D1', code: 'state_active', severity: 'critical', device: { type: 'sensor', id: 'SM1', zone: 'A' }, params: {}, offDelayMs: 0 }, T0);

/** drives an alarm through a sequence of steps, returning the state after each */
function walk(steps: ((a: Alarm, t: number) => Alarm)[]): AlarmState[] {
  let a = fresh();
  return steps.map((step, i) => stateOf((a = step(a, T0 + (i + 1) * 60_000))));
}
const on = (a: Alarm, t: number) => activate(a, t, P).alarm;
const off = (a: Alarm, t: number) => clear(a, t).alarm;
const ack = (a: Alarm, t: number) => acknowledge(a, by('g', t, 'seen')).alarm;

describe('ISA-18.2 annunciation transitions', () => {
  it('normal → unack → acked → normal (acknowledged while active, then clears)', () => {
    expect(walk([on, ack, off])).toEqual(['unack', 'acked', 'normal']);
  });
  it('normal → unack → rtn_unack → normal (clears before anyone acknowledges)', () => {
    expect(walk([on, off, ack])).toEqual(['unack', 'rtn_unack', 'normal']);
  });
  it('rtn_unack → unack when the condition returns before acknowledgement (reraised)', () => {
    let a = on(fresh(), T0);
    a = off(a, T0 + 60_000);
    const step = activate(a, T0 + 120_000, P);
    expect(stateOf(step.alarm)).toBe('unack');
    expect(step.events.map((e) => [e.type, e.from, e.to, e.announce])).toEqual([['reraised', 'rtn_unack', 'unack', true]]);
  });
  it('raising records the event, the time and clears an old acknowledgement', () => {
    const step = activate(ack(on(fresh(), T0), T0 + 1), T0 + 2, P);
    expect(step.events).toEqual([]); // already active: nothing new
    const cleared = off(step.alarm, T0 + 3);
    expect(cleared.ack?.note).toBe('seen');
    const raised = activate(cleared, T0 + 120_000, P);
    expect(raised.alarm).toMatchObject({ annunciation: 'unack', ack: null, raisedAt: T0 + 120_000 });
    expect(raised.events[0]).toMatchObject({ type: 'raised', from: 'normal', to: 'unack', announce: true });
  });
  it('clearing an inactive alarm and activating an active one change nothing', () => {
    const a = fresh();
    expect(clear(a, T0)).toEqual({ alarm: a, events: [] });
    const active = on(a, T0);
    expect(activate(active, T0 + 5, P).events).toEqual([]);
  });
  it('refuses to acknowledge what needs no acknowledgement', () => {
    expect(() => acknowledge(fresh(), by('g', T0))).toThrow(AlarmActionError);
    expect(() => acknowledge(ack(on(fresh(), T0), T0), by('g', T0))).toThrow(/nothing to acknowledge/);
  });
  it('needsAck is true exactly for unack and rtn_unack', () => {
    const a = on(fresh(), T0);
    expect(needsAck(a)).toBe(true);
    expect(needsAck(off(a, T0 + 1))).toBe(true);
    expect(needsAck(ack(a, T0 + 1))).toBe(false);
    expect(needsAck(fresh())).toBe(false);
  });
});

describe('hold-off and chattering', () => {
  it('a re-activation inside the hold-off is recorded but not announced', () => {
    let a = on(fresh(), T0);
    a = off(a, T0 + 1000);
    const step = activate(a, T0 + 5000, P);
    expect(step.events[0]).toMatchObject({ type: 'reraised', announce: false });
    expect(stateOf(step.alarm)).toBe('unack');
  });
  it('three activations within a minute mark the alarm chattering, once', () => {
    let a = fresh();
    const events: string[] = [];
    for (const t of [0, 20_000, 40_000, 50_000]) {
      const s1 = activate(a, T0 + t, P);
      events.push(...s1.events.map((e) => e.type));
      a = clear(s1.alarm, T0 + t + 1000).alarm;
    }
    expect(a.chattering).toBe(true);
    expect(events.filter((e) => e === 'chattering')).toHaveLength(1);
    // activations older than the window are forgotten
    const later = activate(a, T0 + 10 * 60_000, P).alarm;
    expect(later.activations).toEqual([T0 + 10 * 60_000]);
    expect(later.chattering).toBe(false);
  });
});

describe('shelving', () => {
  it('hides an alarm until unshelved; an active condition then annunciates afresh', () => {
    const a = on(fresh(), T0);
    const shelved = shelve(a, by('officer', T0 + 1, 'sensor fault, technician called'), T0 + 3600_000, P);
    expect(stateOf(shelved.alarm)).toBe('shelved');
    expect(shelved.events[0]).toMatchObject({ type: 'shelved', from: 'unack', to: 'shelved', by: 'officer', note: 'sensor fault, technician called' });
    // the condition clears and returns while shelved: tracked, not annunciated
    const cleared = clear(shelved.alarm, T0 + 2).alarm;
    expect(stateOf(cleared)).toBe('shelved');
    const back = activate(cleared, T0 + 3, P);
    expect(back.events.filter((e) => e.type !== 'chattering')).toEqual([]);
    const un = unshelve(back.alarm, by('officer', T0 + 4));
    expect(stateOf(un.alarm)).toBe('unack');
    expect(un.events[0]).toMatchObject({ type: 'unshelved', announce: true });
  });
  it('returns to normal when unshelved with the condition gone', () => {
    const shelved = shelve(on(fresh(), T0), by('o', T0), T0 + 60_000, P).alarm;
    const un = unshelve(clear(shelved, T0 + 1).alarm, by('system', T0 + 60_000));
    expect(stateOf(un.alarm)).toBe('normal');
    expect(un.events[0]?.announce).toBe(false);
  });
  it('refuses a shelf longer than the maximum, in the past, on a suppressed alarm, or unshelving an unshelved one', () => {
    expect(() => shelve(fresh(), by('o', T0), T0 + P.maxShelveMs + 1, P)).toThrow(/within 480 minutes/);
    expect(() => shelve(fresh(), by('o', T0), T0, P)).toThrow(AlarmActionError);
    const sup = suppress(fresh(), by('e', T0), null, 'depot').alarm;
    expect(() => shelve(sup, by('o', T0), T0 + 1000, P)).toThrow(/suppressed/);
    expect(() => unshelve(fresh(), by('o', T0))).toThrow(/not shelved/);
  });
  it('cannot acknowledge a shelved alarm', () => {
    const shelved = shelve(on(fresh(), T0), by('o', T0), T0 + 60_000, P).alarm;
    expect(() => acknowledge(shelved, by('g', T0))).toThrow(/shelved/);
  });
});

describe('maintenance (suppressed) and out of service', () => {
  it('suppression hides the alarm; lifting it annunciates an alarm still active', () => {
    const sup = suppress(on(fresh(), T0), by('eng', T0 + 1, 'replacing detector'), T0 + 7200_000, 'device');
    expect(stateOf(sup.alarm)).toBe('suppressed');
    expect(sup.alarm.suppression).toMatchObject({ scope: 'device', until: T0 + 7200_000 });
    // suppressing again with the same state changes the record but raises no second event
    expect(suppress(sup.alarm, by('eng', T0 + 2), null, 'depot').events).toEqual([]);
    const lifted = unsuppress(sup.alarm, by('eng', T0 + 3));
    expect(stateOf(lifted.alarm)).toBe('unack');
    expect(() => unsuppress(lifted.alarm, by('eng', T0))).toThrow(/not suppressed/);
  });
  it('out of service outranks suppression and shelving', () => {
    let a = shelve(on(fresh(), T0), by('o', T0), T0 + 60_000, P).alarm;
    a = suppress(a, by('e', T0), null, 'depot').alarm;
    expect(stateOf(a)).toBe('suppressed');
    a = removeFromService(a, by('e', T0, 'detector removed')).alarm;
    expect(stateOf(a)).toBe('out_of_service');
    expect(() => removeFromService(a, by('e', T0))).toThrow(/already/);
    a = unsuppress(a, by('e', T0)).alarm;
    expect(stateOf(a)).toBe('out_of_service');
    a = returnToService(a, by('e', T0)).alarm;
    expect(stateOf(a)).toBe('shelved'); // the shelf is still on
    a = unshelve(a, by('o', T0)).alarm;
    expect(stateOf(a)).toBe('unack');
    expect(() => returnToService(a, by('e', T0))).toThrow(/not out of service/);
  });
  it('a cleared alarm returns to service as normal', () => {
    const a = removeFromService(fresh(), by('e', T0)).alarm;
    expect(stateOf(returnToService(a, by('e', T0 + 1)).alarm)).toBe('normal');
  });
  it('clearing while out of service does not touch the annunciation', () => {
    const a = removeFromService(on(fresh(), T0), by('e', T0)).alarm;
    const c = clear(a, T0 + 1).alarm;
    expect(c.annunciation).toBe('unack');
    expect(c.active).toBe(false);
  });
});
