import { describe, expect, it } from 'vitest';
import type { IncidentView } from '../../server/src/contracts/alarms.js';
import { HANDOVER_LIMIT } from '../../server/src/services/alarm-queries.js';
import { handoverCsv } from '../../server/src/services/handover.js';
import { alarmHarness, cond, guardD1, guardD2, officer, T0 } from '../helpers/alarm-harness.js';

const smoke = cond('smoke:SM1');
const door = cond('door:DR1', { device: { type: 'sensor', id: 'DR1', zone: 'A' } });
const seenIn = (v: IncidentView) => v.alarms.map((a) => ({ id: a.id, raisedAt: a.raisedAt }));

describe('a failed commit changes nothing in memory (issue 6)', () => {
  it('a raise that fails to commit takes no incident number, no flood count and no alarm; the retry gets INC-000001', () => {
    const h = alarmHarness();
    h.failNext();
    h.evaluate('D1', [smoke]);
    expect(h.alarms.snapshot(() => true).alarms).toEqual([]);
    expect(h.alarms.flood(() => true).count).toBe(0);
    expect(h.announced).toEqual([]);
    expect(h.count('SELECT count(*) AS n FROM incidents')).toBe(0);
    h.evaluate('D1', [smoke]);
    expect(h.alarms.snapshot(() => true).incidents.map((i) => i.id)).toEqual(['INC-000001']);
    expect(h.alarms.flood(() => true).count).toBe(1);
    h.evaluate('D2', [cond('gas:G1', { device: { type: 'sensor', id: 'G1', zone: 'T' } })]);
    expect(h.store.incidents({ limit: 10 }).items.map((i) => i.id).sort()).toEqual(['INC-000001', 'INC-000002']);
  });

  it('an on-delay already waited out is not restarted by a failed commit', () => {
    const h = alarmHarness();
    const slow = cond('hum:H1', { onDelayMs: 10_000, severity: 'major' });
    h.evaluate('D1', [slow]);
    h.advance(10_000);
    h.failNext();
    h.evaluate('D1', [slow]);
    expect(h.alarms.unackedCount()).toBe(0);
    h.advance(100);
    h.evaluate('D1', [slow]);
    expect(h.alarms.unackedCount()).toBe(1);
  });

  it('maintenance start: the window and the suppression happen together or not at all', () => {
    const h = alarmHarness();
    h.evaluate('D1', [smoke]);
    h.failNext();
    expect(() => h.actions.startMaintenance(officer, { depot: 'D1', device: null, reason: 'painting', minutes: 60 }, () => true)).toThrow(/disk I\/O/);
    expect(h.alarms.maintenanceList(() => true)).toEqual([]);
    expect(h.count('SELECT count(*) AS n FROM maintenance')).toBe(0);
    expect(h.alarms.alarm('D1/smoke:SM1')?.suppression).toBeNull();
    const m = h.actions.startMaintenance(officer, { depot: 'D1', device: null, reason: 'painting', minutes: 60 }, () => true);
    expect(h.alarms.maintenanceList(() => true).map((w) => w.id)).toEqual([m.id]);
    expect(h.alarms.alarm('D1/smoke:SM1')?.suppression).toMatchObject({ scope: 'depot', username: 'duty' });
    expect(h.store.audit({ limit: 10, action: 'maintenance.start' }).items[0]).toMatchObject({ target: `maintenance:${m.id}` });
  });

  it('maintenance expiry that fails to commit leaves the window and its suppression; the next tick ends both', () => {
    const h = alarmHarness();
    h.evaluate('D1', [smoke]);
    const m = h.actions.startMaintenance(officer, { depot: 'D1', device: null, reason: 'painting', minutes: 1 }, () => true);
    h.advance(60_000);
    h.failNext();
    expect(() => h.alarms.tick()).toThrow(/disk I\/O/);
    expect(h.alarms.maintenanceList(() => true).map((w) => w.id)).toEqual([m.id]);
    expect(h.alarms.alarm('D1/smoke:SM1')?.suppression).not.toBeNull();
    expect(h.store.maintenance(m.id)?.endedAt).toBeNull();
    h.alarms.tick();
    expect(h.alarms.maintenanceList(() => true)).toEqual([]);
    expect(h.alarms.alarm('D1/smoke:SM1')).toMatchObject({ suppression: null, annunciation: 'unack' });
    expect(h.store.maintenance(m.id)?.endedAt).toBe(T0 + 60_000);
    expect(h.store.audit({ limit: 10, action: 'maintenance.expired' }).total).toBe(1);
  });

  it('ending maintenance early: a failed commit strands nothing, the retry releases the alarms, a second end is 409', () => {
    const h = alarmHarness();
    h.evaluate('D1', [smoke]);
    const m = h.actions.startMaintenance(officer, { depot: 'D1', device: null, reason: 'painting', minutes: 60 }, () => true);
    h.failNext();
    expect(() => h.actions.endMaintenance(officer, m.id)).toThrow(/disk I\/O/);
    expect(h.alarms.maintenanceList(() => true)).toHaveLength(1);
    expect(h.alarms.alarm('D1/smoke:SM1')?.suppression).not.toBeNull();
    expect(h.actions.endMaintenance(officer, m.id).endedAt).toBe(T0);
    expect(h.alarms.alarm('D1/smoke:SM1')?.suppression).toBeNull();
    expect(() => h.actions.endMaintenance(officer, m.id)).toThrow(expect.objectContaining({ status: 409, code: 'already_ended' }));
  });

  it('a shelf expiry that fails to commit stays shelved until a tick commits it', () => {
    const h = alarmHarness();
    h.evaluate('D1', [smoke]);
    h.actions.shelve(officer, 'D1/smoke:SM1', 'known fault', 1);
    h.advance(60_000);
    h.failNext();
    expect(() => h.alarms.tick()).toThrow();
    expect(h.alarms.alarm('D1/smoke:SM1')?.shelf).not.toBeNull();
    h.alarms.tick();
    expect(h.alarms.alarm('D1/smoke:SM1')?.shelf).toBeNull();
  });
});

describe('incident acknowledgement covers what the operator saw (issue 6)', () => {
  it('an alarm raised after the view stays unacknowledged, the answer says so, and a repeat changes nothing', () => {
    const h = alarmHarness();
    h.evaluate('D1', [smoke]);
    const [shown] = h.alarms.snapshot(() => true).incidents;
    h.advance(2000);
    h.evaluate('D1', [smoke, door]); // the door joins the incident after the guard looked
    const r = h.actions.ackIncident(guardD1, shown!.id, 'smoke test', seenIn(shown!));
    expect(r.ack).toEqual({ acknowledged: ['D1/smoke:SM1'], alreadyAcknowledged: [], stillUnacked: ['D1/door:DR1'] });
    expect(r).toMatchObject({ state: 'open', unacked: 1 });
    expect(h.alarms.alarm('D1/door:DR1')?.annunciation).toBe('unack');

    // the board's REST retry after a socket timeout sends the same request again
    h.advance(500);
    const again = h.actions.ackIncident(guardD1, shown!.id, 'smoke test', seenIn(shown!));
    expect(again.ack).toEqual({ acknowledged: [], alreadyAcknowledged: ['D1/smoke:SM1'], stillUnacked: ['D1/door:DR1'] });
    expect(h.store.audit({ limit: 10, action: 'incident.ack' }).total).toBe(1);
    expect(h.store.timeline(shown!.id).entries.filter((t) => t.type === 'acknowledged')).toHaveLength(1);

    // SPEC §8's bare {"note"}: what the server had shown at its latest version, the door included
    const bare = h.actions.ackIncident(guardD1, shown!.id, 'door checked');
    expect(bare.ack.acknowledged).toEqual(['D1/door:DR1']);
    expect(bare).toMatchObject({ state: 'acknowledged', unacked: 0 });
  });

  it('a re-raise of an alarm the operator saw earlier is a new raise they have not seen', () => {
    const h = alarmHarness();
    h.evaluate('D1', [smoke]);
    const [first] = h.alarms.snapshot(() => true).incidents;
    h.advance(1000);
    h.evaluate('D1', []); // cleared: awaits acknowledgement as returned to normal
    h.advance(1000);
    h.evaluate('D1', [smoke]); // and back
    const r = h.actions.ackIncident(officer, first!.id, 'seen', seenIn(first!));
    expect(r.ack).toMatchObject({ acknowledged: [], stillUnacked: ['D1/smoke:SM1'] });
    expect(h.alarms.alarm('D1/smoke:SM1')?.annunciation).toBe('unack');
  });
});

describe('resolved incidents leave memory after autoCloseAfterS (issue 6)', () => {
  it('closes a resolved incident once its time has passed, audited, and forgets it', () => {
    const h = alarmHarness();
    const after = h.index.site.rules.alarms.autoCloseAfterS * 1000;
    expect(after).toBe(86_400_000);
    h.evaluate('D1', [smoke]);
    h.evaluate('D1', []);
    const [inc] = h.alarms.snapshot(() => true).incidents;
    h.actions.ackIncident(officer, inc!.id, 'false alarm');
    expect(h.alarms.incident(inc!.id)?.state).toBe('resolved');
    expect(h.alarms.incidentsInMemory()).toBe(1);
    h.advance(after - 1);
    h.alarms.tick();
    expect(h.alarms.incidentsInMemory()).toBe(1);
    h.advance(1);
    h.alarms.tick();
    expect(h.alarms.incidentsInMemory()).toBe(0);
    expect(h.store.incident(inc!.id)?.state).toBe('closed');
    expect(h.store.audit({ limit: 10, action: 'incident.auto_closed' }).items).toMatchObject([{ actor: 'system', target: inc!.id, depot: 'D1' }]);
    expect(h.store.loadActive().incidents).toEqual([]);
  });
});

describe('lists and reports filter in SQL before the limit and say when they are cut (issue 6)', () => {
  it('a guard’s page of incidents is their depot’s, however many newer ones other depots have', () => {
    const h = alarmHarness();
    h.evaluate('D1', [smoke]);
    for (let i = 0; i < 5; i++) {
      h.advance(601_000); // past the grouping window: each raise opens a new incident
      h.evaluate('D2', [cond(`gas:G${i}`, { device: { type: 'sensor', id: 'G1', zone: 'T' } })]);
    }
    const mine = h.queries.incidents(guardD1, { limit: 2 });
    expect(mine.items.map((i) => i.depot)).toEqual(['D1']);
    expect(mine.total).toBe(1);
    const theirs = h.queries.incidents(guardD2, { limit: 2 });
    expect(theirs).toMatchObject({ total: 5 });
    expect(theirs.items).toHaveLength(2);
    expect(h.queries.incidents({ role: 'guard', depots: [], username: 'nobody' }, { limit: 5 }).items).toEqual([]);
  });

  it('a guard’s snapshot holds their depot’s recently resolved incident however many other depots resolved since', () => {
    const h = alarmHarness();
    const resolved = (n: number, depot: string, at: number) => ({
      id: `INC-${String(n).padStart(6, '0')}`, depot, severity: 'major' as const, state: 'resolved' as const, title: 't', openedAt: at, updatedAt: at,
      lastAlarmAt: at, alarmIds: [], assignee: null, escalatedAt: null,
    });
    h.store.commit({ incidents: [resolved(1, 'D1', T0)] });
    h.store.commit({ incidents: Array.from({ length: 250 }, (_, i) => resolved(i + 2, 'D2', T0 + 1000 + i)) });
    h.clock.t = T0 + 60_000;
    expect(h.alarms.snapshot((d) => d === 'D1').incidents.map((i) => i.id)).toEqual(['INC-000001']);
    expect(h.alarms.snapshot(() => true).incidents).toHaveLength(200);
  });

  it('the handover keeps people’s actions on a busy shift, in scope, and says when it is cut', () => {
    const h = alarmHarness();
    const from = T0;
    const notes = HANDOVER_LIMIT + 5;
    // the people's actions, then a storm of newer alarm transitions that used to crowd them out
    for (let i = 0; i < notes; i++) h.store.commit({ audit: [{ at: T0 + i, actor: 'guard-d1', action: 'incident.note', target: 'INC-000001', depot: 'D1', note: `round ${i}`, detail: null }] });
    for (let i = 0; i < 1500; i++) h.store.commit({ audit: [{ at: T0 + 10_000 + i, actor: 'system', action: 'alarm.transition', target: 'D1/smoke:SM1', depot: 'D1', note: null, detail: null }] });
    h.store.commit({ audit: [{ at: T0 + 20_000, actor: 'duty', action: 'maintenance.start', target: 'maintenance:1', depot: 'D2', note: 'pump', detail: null }] });
    h.store.commit({ audit: [{ at: T0 + 20_001, actor: 'admin', action: 'user.create', target: 'user:x', depot: null, note: null, detail: null }] });
    h.clock.t = T0 + 3_600_000;

    const duty = h.queries.handover(officer, { from, to: T0 + 3_600_000, format: 'json' });
    expect(duty.actions).toHaveLength(HANDOVER_LIMIT);
    expect(duty.actions.every((a) => a.action !== 'alarm.transition' && !a.action.startsWith('user.'))).toBe(true);
    expect(duty.actions[0]).toMatchObject({ action: 'maintenance.start' });
    expect(duty).toMatchObject({ truncated: true, totals: { actions: notes + 1, incidents: 0 } });
    expect(handoverCsv(duty).trimEnd().split('\r\n').at(-1)).toMatch(/^truncated,.*0 of 0 incidents, 1000 of 1006 actions/);

    const guard = h.queries.handover(guardD2, { from, to: T0 + 3_600_000, format: 'csv' });
    expect(guard.actions.map((a) => a.action)).toEqual(['maintenance.start']);
    expect(guard).toMatchObject({ truncated: false, totals: { actions: 1 } });
    // exporting the report is audited, with what it held
    expect(h.store.audit({ limit: 5, action: 'report.handover' }).items.map((a) => [a.actor, a.detail?.format, a.detail?.truncated])).toEqual([['guard-d2', 'csv', false], ['duty', 'json', true]]);
  });

  it('reading the audit log is itself audited, with the page it returned', () => {
    const h = alarmHarness();
    for (let i = 0; i < 3; i++) h.store.commit({ audit: [{ at: T0 + i, actor: 'duty', action: 'incident.note', target: 'INC-1', depot: i ? 'D1' : 'D2', note: null, detail: null }] });
    const page = h.queries.audit(officer, { limit: 2, depot: 'D1' });
    expect(page).toMatchObject({ total: 2 });
    const read = h.store.audit({ limit: 1, action: 'audit.read' }).items[0];
    expect(read).toMatchObject({ actor: 'duty', detail: { limit: 2, depot: 'D1', returned: 2, total: 2 } });
  });
});
