import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmView, AuditEntry, MaintenanceView } from '../../server/src/contracts/alarms.js';
import type { RecurringMaintenanceView } from '../../server/src/contracts/maintenance.js';
import type { RunningConfigView } from '../../server/src/contracts/config.js';
import { smallSite } from '../helpers/site.js';
import { FakeClock, startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';

/** an instant from a Vietnamese wall-clock time */
const vn = (iso: string) => Date.parse(`${iso}:00+07:00`);

/**
 * A weekly window (Tuesdays 22:00–22:30, Vietnam time) on a fake clock: before it the smoke alarm rings,
 * in it the alarm is suppressed and the depot is "in maintenance", after it the alarm is back; each
 * occurrence's start and end is in the audit log. Real broker, real SQLite; REST from the attacker's side.
 */
describe('recurring maintenance windows', () => {
  let t: TestSystem;
  const clock = new FakeClock(vn('2026-12-01T21:55')); // a Tuesday
  let admin: string;
  let officer: string;
  let engineer: string;
  let guardD1: string;
  let display: string;
  let windowId = 0;

  beforeAll(async () => {
    t = await startTestSystem({ site: smallSite(), clock });
    admin = await t.login();
    const mk = async (username: string, role: string, depots: string[] | null) => {
      const r = await t.api('/api/users', admin, { method: 'POST', body: JSON.stringify({ username, password: `${username}-password-long`, role, depots, mustChangePassword: false }) });
      expect(r.status).toBe(201);
      return t.login(username, `${username}-password-long`);
    };
    officer = await mk('officer1', 'officer', null);
    engineer = await mk('engineer1', 'engineer', null);
    guardD1 = await mk('guard-d1', 'guard', ['D1']);
    display = await mk('wall-d2', 'display', ['D2']);
  }, 60_000);
  afterAll(() => t?.stop());

  const body = (depot = 'D1') => ({ depot, reason: 'weekly detector test', recurrence: { kind: 'weekly', days: [2], start: '22:00', durationMin: 30 } });
  const post = (token: string, b: unknown) => t.api<RecurringMaintenanceView & { fields?: { path: string }[] }>('/api/maintenance/recurring', token, { method: 'POST', body: JSON.stringify(b) });
  /** the fake clock moves to a Vietnamese wall-clock time, and the smoke detector (still smoking) reports */
  const step = async (iso: string) => {
    clock.advance(vn(iso) - clock.now());
    await t.mqtt.publishAsync('depots/D1/sensors/SM1', JSON.stringify({ kind: 'smoke', value: 1 }), { qos: 1 });
  };
  const smoke = async () => (await t.api<AlarmView[]>('/api/alarms', officer)).body.find((a) => a.id === 'D1/smoke:SM1');

  it('refuses guards and displays (403), names each bad field (400), and an unknown depot or device (404)', async () => {
    expect((await post(guardD1, body())).status).toBe(403);
    expect((await post(display, body('D2'))).status).toBe(403);
    const bad = await post(engineer, { depot: 'D1', reason: '', recurrence: { kind: 'weekly', days: [], start: '25:00', durationMin: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.fields?.map((f) => f.path).sort()).toEqual(['reason', 'recurrence.days', 'recurrence.durationMin', 'recurrence.start']);
    const monthly = await post(engineer, { ...body(), recurrence: { kind: 'monthly', on: { day: 32 }, start: '08:00', durationMin: 60 } });
    expect(monthly.body.fields?.map((f) => f.path)).toEqual(['recurrence.on.day']);
    const zone = await post(engineer, { ...body(), timeZone: 'Mars/Olympus', from: vn('2026-12-02T00:00'), until: vn('2026-12-01T00:00') });
    expect(zone.status).toBe(400);
    expect(zone.body.fields?.map((f) => f.path)).toEqual(['timeZone', 'until']);
    expect((await post(engineer, body('NOPE'))).status).toBe(404);
    expect((await post(engineer, { ...body(), device: { type: 'sensor', id: 'NOPE' } })).status).toBe(404);
    expect((await t.api<RecurringMaintenanceView[]>('/api/maintenance/recurring', officer)).body).toEqual([]);
  });

  it('an engineer plans Tuesdays 22:00 for 30 min; before it the smoke alarm rings; everyone in scope sees the next occurrence', async () => {
    await t.mqtt.publishAsync('depots/D1/sensors/SM1', JSON.stringify({ kind: 'smoke', value: 1 }), { qos: 1 });
    expect(await waitFor(async () => (await smoke())?.state === 'unack', 5000, 'smoke rings')).toBe(true);
    const created = await post(engineer, body());
    expect(created.status).toBe(201);
    windowId = created.body.id;
    expect(created.body).toMatchObject({ depot: 'D1', device: null, by: 'engineer1', timeZone: 'Asia/Ho_Chi_Minh', until: null, active: null,
      next: { start: vn('2026-12-01T22:00'), end: vn('2026-12-01T22:30') } });
    // a guard sees D1's windows, a display of D2 does not
    expect((await t.api<RecurringMaintenanceView[]>('/api/maintenance/recurring', guardD1)).body.map((w) => w.id)).toEqual([windowId]);
    expect((await t.api<RecurringMaintenanceView[]>('/api/maintenance/recurring', display)).body).toEqual([]);
    // nothing opens before 22:00
    await new Promise((r) => setTimeout(r, 1300));
    expect((await smoke())?.state).toBe('unack');
    expect((await t.api<MaintenanceView[]>('/api/maintenance', officer)).body).toEqual([]);
  });

  it('at 22:00 the occurrence opens: the alarm is suppressed, the depot is in maintenance, the start is audited', async () => {
    await step('2026-12-01T22:00');
    const m = await waitFor(async () => (await t.api<MaintenanceView[]>('/api/maintenance', officer)).body.find((w) => w.recurringId === windowId), 5000, 'occurrence opens');
    expect(m).toMatchObject({ depot: 'D1', device: null, from: vn('2026-12-01T22:00'), until: vn('2026-12-01T22:30'), reason: 'weekly detector test' });
    expect(await waitFor(async () => (await smoke())?.state === 'suppressed', 5000, 'smoke suppressed')).toBe(true);
    // readiness is summarised again once a second of (fake) time has passed
    clock.advance(2000);
    const depot = await waitFor(async () => {
      const d = (await t.api<{ readiness: string; reasons: { code: string }[] }>('/api/depots/D1', officer)).body;
      return d.reasons.some((r) => r.code === 'in_maintenance') && d;
    }, 5000, 'depot in maintenance');
    expect(depot.readiness).toBe('unknown');
    const listed = (await t.api<RecurringMaintenanceView[]>('/api/maintenance/recurring', officer)).body[0];
    expect(listed?.active).toEqual({ start: vn('2026-12-01T22:00'), end: vn('2026-12-01T22:30') });
    expect(listed?.next?.start).toBe(vn('2026-12-08T22:00'));
    expect(listed?.recent.map((o) => o.id)).toEqual([m.id]);
    const audit = (await t.api<AuditEntry[]>('/api/audit?depot=D1', officer)).body;
    expect(audit.find((a) => a.action === 'maintenance.occurrence_start')).toMatchObject({ actor: 'system', target: `maintenance:${m.id}`, detail: { recurring: windowId } });
    expect(audit.find((a) => a.action === 'maintenance.recurring_create')).toMatchObject({ actor: 'engineer1', target: `maintenance_recurring:${windowId}` });
  });

  it('at 22:30 it ends: the alarm rings again, the end is audited, and the same occurrence is not reopened', async () => {
    await step('2026-12-01T22:30');
    expect(await waitFor(async () => (await smoke())?.state === 'unack', 5000, 'smoke rings again')).toBe(true);
    const audit = (await t.api<AuditEntry[]>('/api/audit?depot=D1', officer)).body;
    expect(audit.find((a) => a.action === 'maintenance.expired')).toMatchObject({ actor: 'system', detail: { recurring: windowId } });
    await new Promise((r) => setTimeout(r, 1300));
    expect((await t.api<MaintenanceView[]>('/api/maintenance', officer)).body).toEqual([]);
  });

  it('next Tuesday it opens again; deleting the window ends that occurrence at once; guards cannot delete', async () => {
    await step('2026-12-08T22:10');
    // a week on, every session has ended: log in again
    officer = await t.login('officer1', 'officer1-password-long');
    guardD1 = await t.login('guard-d1', 'guard-d1-password-long');
    display = await t.login('wall-d2', 'wall-d2-password-long');
    await waitFor(async () => (await smoke())?.state === 'suppressed', 5000, 'suppressed next week');
    expect((await t.api(`/api/maintenance/recurring/${windowId}`, guardD1, { method: 'DELETE' })).status).toBe(403);
    expect((await t.api(`/api/maintenance/recurring/${windowId}`, display, { method: 'DELETE' })).status).toBe(404);
    expect((await t.api('/api/maintenance/recurring/x', officer, { method: 'DELETE' })).status).toBe(400);
    const del = await t.api<RecurringMaintenanceView>(`/api/maintenance/recurring/${windowId}`, officer, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(del.body.deletedAt).toBe(clock.now());
    expect((await smoke())?.state).toBe('unack');
    expect((await t.api(`/api/maintenance/recurring/${windowId}`, officer, { method: 'DELETE' })).status).toBe(409);
    expect((await t.api<RecurringMaintenanceView[]>('/api/maintenance/recurring', officer)).body).toEqual([]);
    const actions = (await t.api<AuditEntry[]>('/api/audit?depot=D1', officer)).body.map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['maintenance.recurring_delete', 'maintenance.end']));
  });

  it('a window without a zone takes its depot\'s: D2 keeps Bangkok time, set in the configuration', async () => {
    engineer = await t.login('engineer1', 'engineer1-password-long');
    const cur = (await t.api<RunningConfigView>('/api/config', engineer)).body;
    const next = { ...cur.config, depots: cur.config.depots.map((d) => (d.id === 'D2' ? { ...d, timeZone: 'Asia/Bangkok' } : d)) };
    expect((await t.api('/api/config', engineer, { method: 'PUT', body: JSON.stringify({ config: next, baseVersion: cur.n, comment: 'D2 on Bangkok time' }) })).status).toBe(200);
    const d2 = await post(engineer, body('D2'));
    expect(d2.status).toBe(201);
    expect(d2.body.timeZone).toBe('Asia/Bangkok');
    // Bangkok is UTC+7 as well: the same wall-clock 22:00 as in Vietnam
    expect(d2.body.next?.start).toBe(vn('2026-12-15T22:00'));
    expect((await t.api(`/api/maintenance/recurring/${d2.body.id}`, engineer, { method: 'DELETE' })).status).toBe(200);
  });
});
