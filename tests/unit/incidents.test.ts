import { describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_POLICY as P, acknowledge, activate, clear, newAlarm, type Alarm } from '../../server/src/domain/alarm-engine.js';
import { emptyDelays, reconcileDepot } from '../../server/src/domain/alarm-reconcile.js';
import type { Condition } from '../../server/src/domain/conditions.js';
import {
  IncidentActionError, acknowledgeIncident, alarmTimelineEntry, assignIncident, closeIncident, dueEscalations, escalate, followAlarms,
  resolveIncident, routeRaisedAlarm, type Incident,
} from '../../server/src/domain/incidents.js';

const T0 = 1_800_000_000_000;
const cond = (key: string, extra: Partial<Condition> = {}): Condition => ({
  key, code: 'state_active', severity: 'critical', device: { type: 'sensor', id: key.split(':')[1] ?? key, zone: 'A' }, params: {}, onDelayMs: 0, offDelayMs: 0, ...extra,
});

describe('reconcileDepot: conditions → alarms with on/off delays', () => {
  it('raises at once without delays and clears when the condition goes', () => {
    const pending = emptyDelays();
    const r1 = reconcileDepot({ depot: 'D1', alarms: new Map(), conditions: [cond('smoke:SM1')], now: T0, policy: P, pending, maintenanceFor: () => null });
    expect(r1.events.map((e) => e.type)).toEqual(['raised']);
    const alarms = new Map(r1.changed.map((a) => [a.id, a]));
    expect([...alarms.keys()]).toEqual(['D1/smoke:SM1']);
    const r2 = reconcileDepot({ depot: 'D1', alarms, conditions: [], now: T0 + 100, policy: P, pending, maintenanceFor: () => null });
    expect(r2.events.map((e) => [e.type, e.to])).toEqual([['cleared', 'rtn_unack']]);
  });

  it('waits out the on-delay; a shorter flicker raises nothing', () => {
    const pending = emptyDelays();
    const c = cond('hum:H1', { onDelayMs: 10_000, severity: 'major' });
    const args = (now: number, conditions: Condition[], alarms = new Map<string, Alarm>()) => ({ depot: 'D1', alarms, conditions, now, policy: P, pending, maintenanceFor: () => null });
    expect(reconcileDepot(args(T0, [c])).events).toEqual([]);
    expect(reconcileDepot(args(T0 + 5000, [])).events).toEqual([]); // flicker gone
    expect(pending.on.size).toBe(0);
    expect(reconcileDepot(args(T0 + 6000, [c])).events).toEqual([]);
    expect(reconcileDepot(args(T0 + 15_999, [c])).events).toEqual([]);
    const r = reconcileDepot(args(T0 + 16_000, [c]));
    expect(r.events.map((e) => e.type)).toEqual(['raised']);
    expect(r.changed[0]?.severity).toBe('major');
  });

  it('waits out the off-delay before clearing', () => {
    const pending = emptyDelays();
    const c = cond('door:DR1', { offDelayMs: 30_000 });
    const first = reconcileDepot({ depot: 'D1', alarms: new Map(), conditions: [c], now: T0, policy: P, pending, maintenanceFor: () => null });
    const alarms = new Map(first.changed.map((a) => [a.id, a]));
    const step = (now: number, conditions: Condition[]) => reconcileDepot({ depot: 'D1', alarms, conditions, now, policy: P, pending, maintenanceFor: () => null });
    expect(step(T0 + 1000, []).events).toEqual([]);
    expect(step(T0 + 10_000, [c]).events).toEqual([]); // back before the off-delay ran out: still active, nothing new
    expect(step(T0 + 20_000, []).events).toEqual([]);
    expect(step(T0 + 50_000, []).events.map((e) => e.type)).toEqual(['cleared']);
  });

  it('holds an active alarm whose device has not reported since a restart, and clears it once it has', () => {
    const pending = emptyDelays();
    const first = reconcileDepot({ depot: 'D1', alarms: new Map(), conditions: [cond('smoke:SM1')], now: T0, policy: P, pending, maintenanceFor: () => null });
    const alarms = new Map(first.changed.map((a) => [a.id, a]));
    const step = (heard: boolean) => reconcileDepot({ depot: 'D1', alarms, conditions: [], now: T0 + 1000, policy: P, pending, maintenanceFor: () => null, heard: () => heard });
    expect(step(false).events).toEqual([]);
    expect(step(true).events.map((e) => e.type)).toEqual(['cleared']);
  });

  it('an alarm born during maintenance is suppressed from its first moment', () => {
    const r = reconcileDepot({
      depot: 'D1', alarms: new Map(), conditions: [cond('smoke:SM1')], now: T0, policy: P, pending: emptyDelays(),
      maintenanceFor: () => ({ username: 'eng', at: T0 - 1, note: 'detector swap', until: T0 + 3600_000, scope: 'device' }),
    });
    expect(r.changed[0]?.suppression).toMatchObject({ username: 'eng', scope: 'device' });
    expect(r.events.map((e) => e.type)).toEqual([]);
  });
});

const alarm = (id: string, severity: Alarm['severity'] = 'critical') => newAlarm({ id, depot: 'D1', code: 'state_active', severity, device: { type: 'sensor', id }, params: {}, offDelayMs: 0 }, T0);

describe('incidents', () => {
  let n = 0;
  const newId = () => `INC-${++n}`;

  it('groups alarms at one depot within the window into one incident, worst severity wins', () => {
    const a1 = activate(alarm('D1/a', 'major'), T0, P);
    const r1 = routeRaisedAlarm([], a1.alarm, a1.events[0]!, 600_000, newId, 'first');
    expect(r1.created).toBe(true);
    expect(r1.incident).toMatchObject({ depot: 'D1', severity: 'major', state: 'open', alarmIds: ['D1/a'], title: 'first' });
    expect(r1.timeline.map((t) => t.type)).toEqual(['opened', 'alarm']);
    const a2 = activate(alarm('D1/b', 'critical'), T0 + 300_000, P);
    const r2 = routeRaisedAlarm([r1.incident], a2.alarm, a2.events[0]!, 600_000, newId, 'second');
    expect(r2.created).toBe(false);
    expect(r2.incident).toMatchObject({ id: r1.incident.id, severity: 'critical', alarmIds: ['D1/a', 'D1/b'], lastAlarmAt: T0 + 300_000 });
    // past the window from the last alarm: a new incident
    const a3 = activate(alarm('D1/c'), T0 + 300_000 + 600_001, P);
    expect(routeRaisedAlarm([r2.incident], a3.alarm, a3.events[0]!, 600_000, newId, 'third').created).toBe(true);
  });

  it('a re-raised alarm returns to its own live incident, reopening it if acknowledged', () => {
    const a = activate(alarm('D1/a'), T0, P);
    const inc = routeRaisedAlarm([], a.alarm, a.events[0]!, 600_000, newId, 't').incident;
    const acked = acknowledgeIncident(inc, 'g', 'on my way', T0 + 1).incident;
    const again = activate(clear({ ...a.alarm, incidentId: inc.id }, T0 + 2).alarm, T0 + 3_600_000, P);
    const r = routeRaisedAlarm([acked], again.alarm, again.events[0]!, 600_000, newId, 't');
    expect(r.created).toBe(false);
    expect(r.incident.state).toBe('open');
    expect(r.timeline.map((t) => t.type)).toEqual(['alarm', 'reopened']);
  });

  it('follows its alarms: acknowledged when nothing needs a person, resolved when all are normal', () => {
    const a = activate(alarm('D1/a'), T0, P).alarm;
    const inc: Incident = routeRaisedAlarm([], a, activate(alarm('D1/a'), T0, P).events[0]!, 1, newId, 't').incident;
    expect(followAlarms(inc, [a], T0).incident.state).toBe('open');
    const acked = acknowledge(a, { username: 'g', at: T0 + 1, note: '' }).alarm;
    expect(followAlarms(inc, [acked], T0 + 1).incident.state).toBe('acknowledged');
    const normal = clear(acked, T0 + 2).alarm;
    const done = followAlarms(inc, [normal], T0 + 2);
    expect(done.incident.state).toBe('resolved');
    expect(done.timeline[0]).toMatchObject({ type: 'resolved', actor: 'system' });
    expect(followAlarms(done.incident, [normal], T0 + 3).timeline).toEqual([]);
  });

  it('people resolve (not with alarms awaiting acknowledgement), close (only resolved) and assign', () => {
    const a = activate(alarm('D1/a'), T0, P);
    const inc = routeRaisedAlarm([], a.alarm, a.events[0]!, 1, newId, 't').incident;
    expect(() => resolveIncident(inc, [a.alarm], 'o', 'x', T0)).toThrow(IncidentActionError);
    expect(() => closeIncident(inc, 'o', 'x', T0)).toThrow(/only a resolved/);
    const acked = acknowledge(a.alarm, { username: 'g', at: T0, note: '' }).alarm;
    const resolved = resolveIncident(inc, [acked], 'o', 'false alarm: dust', T0 + 5).incident;
    expect(resolved.state).toBe('resolved');
    expect(() => acknowledgeIncident(resolved, 'g', '', T0)).toThrow(/resolved/);
    const closed = closeIncident(resolved, 'o', 'handover', T0 + 6);
    expect(closed.incident.state).toBe('closed');
    expect(closed.timeline[0]).toMatchObject({ type: 'closed', actor: 'o', note: 'handover' });
    expect(() => assignIncident(closed.incident, 'x', 'o', T0)).toThrow(/closed/);
    expect(assignIncident(inc, 'guard1', 'o', T0).incident.assignee).toBe('guard1');
    expect(assignIncident(inc, null, 'o', T0).timeline[0]?.note).toBe('(unassigned)');
  });

  it('escalates open critical incidents nobody acknowledged in time, once', () => {
    const a = activate(alarm('D1/a'), T0, P);
    const crit = routeRaisedAlarm([], a.alarm, a.events[0]!, 1, newId, 't').incident;
    const m = activate(alarm('D1/m', 'major'), T0, P);
    const major = routeRaisedAlarm([], m.alarm, m.events[0]!, 1, newId, 't').incident;
    const alarmsOf = (i: Incident) => (i.id === crit.id ? [a.alarm] : [m.alarm]);
    expect(dueEscalations([crit, major], alarmsOf, T0 + 299_999, 300_000)).toEqual([]);
    expect(dueEscalations([crit, major], alarmsOf, T0 + 300_000, 300_000).map((i) => i.id)).toEqual([crit.id]);
    const esc = escalate(crit, T0 + 300_000, 300_000);
    expect(esc.incident.escalatedAt).toBe(T0 + 300_000);
    expect(esc.timeline[0]?.note).toContain('5 min');
    expect(dueEscalations([esc.incident], alarmsOf, T0 + 900_000, 300_000)).toEqual([]);
  });

  it('writes every other alarm event to the timeline with its actor and note', () => {
    const a = activate(alarm('D1/a'), T0, P).alarm;
    const ev = acknowledge(a, { username: 'guard1', at: T0 + 1, note: 'checked, dust' }).events[0]!;
    expect(alarmTimelineEntry('INC-9', ev)).toEqual({ incidentId: 'INC-9', at: T0 + 1, type: 'alarm', actor: 'guard1', alarmId: 'D1/a', detail: 'acknowledged: unack → acked', note: 'checked, dust' });
  });
});
