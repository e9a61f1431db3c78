import { describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_POLICY as P, activate, acknowledge, clear, newAlarm, shelve, stateOf, suppress } from '../../server/src/domain/alarm-engine.js';
import { retire } from '../../server/src/domain/alarm-retire.js';

const T0 = 1_700_000_000_000;
const fresh = () => newAlarm({ id: 'D1/smoke:SM1', depot: 'D1', code: 'state_active', severity: 'critical', device: { type: 'sensor', id: 'SM1', zone: 'A' }, params: {}, offDelayMs: 0 }, T0);
const by = { username: 'eng', at: T0 + 60_000, note: 'removed from the configuration in version 4' };

describe('retire: the alarm of a device the configuration no longer has', () => {
  it('ends an active unacknowledged alarm in normal, with the engineer and the note on its event', () => {
    const raised = activate(fresh(), T0, P).alarm;
    const r = retire(raised, by);
    expect(stateOf(r.alarm)).toBe('normal');
    expect(r.alarm).toMatchObject({ active: false, clearedAt: by.at, updatedAt: by.at });
    expect(r.events).toEqual([{ type: 'cleared', alarmId: raised.id, at: by.at, from: 'unack', to: 'normal', by: 'eng', note: by.note, announce: false }]);
  });

  it('ends returned-to-normal, acknowledged, shelved and suppressed alarms too, taking the overlays off', () => {
    const raised = activate(fresh(), T0, P).alarm;
    const cases = [
      clear(raised, T0 + 1).alarm,
      acknowledge(raised, { username: 'o', at: T0 + 1, note: '' }).alarm,
      shelve(raised, { username: 'o', at: T0 + 1, note: 'x' }, T0 + 3600_000, P).alarm,
      suppress(raised, { username: 'o', at: T0 + 1, note: 'x' }, null, 'device').alarm,
    ];
    for (const a of cases) {
      const r = retire(a, by);
      expect([stateOf(a), stateOf(r.alarm), r.alarm.shelf, r.alarm.suppression]).toEqual([stateOf(a), 'normal', null, null]);
      expect(r.events).toHaveLength(1);
    }
  });

  it('leaves an alarm that is already normal and inactive alone', () => {
    const a = fresh();
    expect(retire(a, by)).toEqual({ alarm: a, events: [] });
  });
});
