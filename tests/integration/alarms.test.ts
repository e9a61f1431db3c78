import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionResult, AlarmView, AuditEntry, HandoverReport, IncidentView, MaintenanceView } from '../../server/src/contracts/alarms.js';
import type { LiveBatch, Snapshot } from '../../server/src/contracts/api.js';
import { smallSite } from '../helpers/site.js';
import { startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';

/** MQTT publish → alarm → incident → acknowledgement over REST and Socket.IO, against a real broker and SQLite. */
describe('alarms and incidents end to end', () => {
  let t: TestSystem;
  let admin: string;
  let officer: string;
  let guardD1: string;
  let guardD2: string;

  beforeAll(async () => {
    t = await startTestSystem({ site: smallSite() });
    admin = await t.login();
    const mk = async (username: string, role: string, depots: string[] | null) => {
      const r = await t.api('/api/users', admin, { method: 'POST', body: JSON.stringify({ username, password: `${username}-password`, role, depots, mustChangePassword: false }) });
      expect(r.status).toBe(201);
      return t.login(username, `${username}-password`);
    };
    officer = await mk('officer1', 'officer', null);
    guardD1 = await mk('guard-d1', 'guard', ['D1']);
    guardD2 = await mk('guard-d2', 'guard', ['D2']);
  });
  afterAll(() => t?.stop());

  const publish = (topic: string, payload: unknown) => t.mqtt.publishAsync(topic, JSON.stringify(payload), { qos: 1 });
  const liveIncidents = async (token: string) => (await t.api<IncidentView[]>('/api/incidents?state=open', token)).body;

  it('smoke opens a critical incident, seen live by the depot guard and not by another depot’s guard', async () => {
    const sockD1 = t.socket(guardD1);
    const sockD2 = t.socket(guardD2);
    const batchesD1: LiveBatch[] = [];
    const batchesD2: LiveBatch[] = [];
    sockD1.on('live:batch', (b) => batchesD1.push(b));
    sockD2.on('live:batch', (b) => batchesD2.push(b));
    await Promise.all([new Promise((r) => sockD1.once('live:snapshot', r)), new Promise((r) => sockD2.once('live:snapshot', r))]);

    await publish('depots/D1/sensors/SM1', { kind: 'smoke', value: 1 });
    const incident = await waitFor(async () => (await liveIncidents(officer)).find((i) => i.depot === 'D1'), 5000, 'incident');
    expect(incident).toMatchObject({ depot: 'D1', severity: 'critical', state: 'open', unacked: 1 });
    expect(incident.id).toMatch(/^INC-\d{6}$/);
    expect(incident.alarms[0]).toMatchObject({ id: 'D1/smoke:SM1', state: 'unack', code: 'state_active', device: { type: 'sensor', id: 'SM1', zone: 'A', zoneName: 'Store A' } });
    expect(incident.timeline.map((e) => e.type)).toEqual(['opened', 'alarm']);

    await waitFor(() => batchesD1.some((b) => b.incidents?.some((i) => i.id === incident.id)), 3000, 'guard D1 hears of it');
    expect(batchesD1.flatMap((b) => b.alarms ?? []).some((a) => a.id === 'D1/smoke:SM1' && a.state === 'unack')).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(batchesD2.some((b) => (b.incidents ?? []).length > 0 || (b.alarms ?? []).length > 0)).toBe(false);
    expect(await liveIncidents(guardD2)).toEqual([]);
    expect((await t.api(`/api/incidents/${incident.id}`, guardD2)).status).toBe(404);
  });

  it('a guard of another depot gets 403 and changes nothing; the depot guard acknowledges with a note', async () => {
    const [incident] = await liveIncidents(officer);
    if (!incident) throw new Error('no incident');
    const denied = await t.api(`/api/incidents/${incident.id}/ack`, guardD2, { method: 'POST', body: JSON.stringify({ note: 'not mine' }) });
    expect(denied.status).toBe(403);
    expect((await t.api<IncidentView>(`/api/incidents/${incident.id}`, officer)).body.state).toBe('open');

    const ack = await t.api<IncidentView>(`/api/incidents/${incident.id}/ack`, guardD1, { method: 'POST', body: JSON.stringify({ note: 'Checked Store A: smoke machine test' }) });
    expect(ack.status).toBe(200);
    expect(ack.body.state).toBe('acknowledged');
    expect(ack.body.alarms[0]).toMatchObject({ state: 'acked', ack: { username: 'guard-d1', note: 'Checked Store A: smoke machine test' } });
    expect(ack.body.timeline.find((e) => e.type === 'acknowledged')).toMatchObject({ actor: 'guard-d1', note: 'Checked Store A: smoke machine test' });
    // a second tap from a tablet with a flaky link is harmless
    expect((await t.api(`/api/incidents/${incident.id}/ack`, guardD1, { method: 'POST', body: '{}' })).status).toBe(200);

    const audit = (await t.api<AuditEntry[]>('/api/audit', officer)).body;
    const entry = audit.find((a) => a.action === 'incident.ack' && a.target === incident.id);
    expect(entry).toMatchObject({ actor: 'guard-d1', depot: 'D1', note: 'Checked Store A: smoke machine test' });
    expect(entry?.at).toBeGreaterThan(Date.now() - 60_000);
    expect(audit.filter((a) => a.action === 'incident.ack' && a.target === incident.id)).toHaveLength(1);
    // every transition of the alarm is in the audit log too: raised by the system, acknowledged by the guard
    const transitions = audit.filter((a) => a.action === 'alarm.transition' && a.target === 'D1/smoke:SM1').map((a) => [a.actor, a.detail?.event]);
    expect(transitions).toEqual([['guard-d1', 'acknowledged'], ['system', 'raised']]);
    expect((await t.api('/api/audit', guardD1)).status).toBe(403);
  });

  it('clearing the smoke resolves the acknowledged incident by itself; an officer closes it', async () => {
    await publish('depots/D1/sensors/SM1', { kind: 'smoke', value: 0 });
    const first = await waitFor(async () => (await t.api<IncidentView[]>('/api/incidents?state=resolved', officer)).body[0], 5000, 'resolved');
    expect(first.timeline.at(-1)).toMatchObject({ type: 'resolved', actor: 'system' });
    expect((await t.api(`/api/incidents/${first.id}/close`, guardD1, { method: 'POST', body: '{}' })).status).toBe(403);
    const closed = await t.api<IncidentView>(`/api/incidents/${first.id}/close`, officer, { method: 'POST', body: JSON.stringify({ note: 'drill' }) });
    expect(closed.body.state).toBe('closed');
  });

  it('acknowledges over Socket.IO with the typed ack, and refuses another depot’s guard there too', async () => {
    await publish('depots/D1/sensors/F1', { kind: 'fence', value: 1 });
    const incident = await waitFor(async () => (await liveIncidents(officer)).find((i) => i.alarms.some((a) => a.id === 'D1/fence:F1')), 5000, 'fence incident');
    const other = t.socket(guardD2);
    await new Promise((r) => other.once('live:snapshot', r));
    const refused = await new Promise<ActionResult<IncidentView>>((r) => other.emit('incident:ack', { id: incident.id, note: 'x' }, r));
    expect(refused).toMatchObject({ ok: false, status: 403, error: 'forbidden' });
    const mine = t.socket(guardD1);
    await new Promise((r) => mine.once('live:snapshot', r));
    const done = await new Promise<ActionResult<IncidentView>>((r) => mine.emit('incident:ack', { id: incident.id, note: 'fence checked, branch fell' }, r));
    expect(done.ok && done.data.state).toBe('acknowledged');
    expect(done.ok && done.data.alarms.find((a) => a.id === 'D1/fence:F1')?.ack?.username).toBe('guard-d1');
  });

  it('shelves with a reason within the maximum, and unshelves; guards may not shelve', async () => {
    await publish('depots/D1/sensors/DR1', { kind: 'door', value: 1 }); // may be inside or outside its schedule
    await publish('depots/D1/sensors/H1', { kind: 'humidity', value: 90 });
    const alarm = await waitFor(async () => (await t.api<AlarmView[]>('/api/alarms', officer)).body.find((a) => a.id === 'D1/ammo-humidity-high:H1'), 5000, 'humidity alarm');
    const path = `/api/alarms/${encodeURIComponent(alarm.id)}`;
    expect((await t.api(`${path}/shelve`, guardD1, { method: 'POST', body: JSON.stringify({ reason: 'x', minutes: 10 }) })).status).toBe(403);
    const tooLong = await t.api<{ error: string }>(`${path}/shelve`, officer, { method: 'POST', body: JSON.stringify({ reason: 'dehumidifier broken', minutes: 9 * 60 }) });
    expect(tooLong.status).toBe(409);
    const noReason = await t.api<{ fields: { path: string }[] }>(`${path}/shelve`, officer, { method: 'POST', body: JSON.stringify({ minutes: 30 }) });
    expect(noReason.status).toBe(400);
    expect(noReason.body.fields.map((f) => f.path)).toEqual(['reason']);
    const shelved = await t.api<AlarmView>(`${path}/shelve`, officer, { method: 'POST', body: JSON.stringify({ reason: 'dehumidifier broken, technician booked', minutes: 30 }) });
    expect(shelved.status).toBe(200);
    expect(shelved.body).toMatchObject({ state: 'shelved', shelf: { username: 'officer1', note: 'dehumidifier broken, technician booked' } });
    expect(shelved.body.shelf?.until).toBeGreaterThan(Date.now() + 29 * 60_000);
    const un = await t.api<AlarmView>(`${path}/unshelve`, officer, { method: 'POST', body: '{}' });
    expect(un.body.state).toBe('unack');
  });

  it('maintenance of a depot suppresses its alarms, ending it brings them back; guards may not', async () => {
    expect((await t.api('/api/maintenance', guardD1, { method: 'POST', body: JSON.stringify({ depot: 'D1', reason: 'x', minutes: 10 }) })).status).toBe(403);
    const bad = await t.api<{ fields: { path: string }[] }>('/api/maintenance', officer, { method: 'POST', body: JSON.stringify({ depot: 'D1', reason: 'x', minutes: -1 }) });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f) => f.path)).toEqual(['minutes']);
    const m = await t.api<MaintenanceView>('/api/maintenance', officer, { method: 'POST', body: JSON.stringify({ depot: 'D1', reason: 'annual detector test', minutes: 60 }) });
    expect(m.status).toBe(201);
    const during = (await t.api<AlarmView[]>('/api/alarms', officer)).body.filter((a) => a.depot === 'D1' && a.active);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((a) => a.state === 'suppressed')).toBe(true);
    // a new alarm during maintenance is born suppressed
    await publish('depots/D1/sensors/SM1', { kind: 'smoke', value: 1 });
    const smoke = await waitFor(async () => (await t.api<AlarmView[]>('/api/alarms', officer)).body.find((a) => a.id === 'D1/smoke:SM1' && a.active), 5000, 'smoke during maintenance');
    expect(smoke.state).toBe('suppressed');
    const end = await t.api<MaintenanceView>(`/api/maintenance/${m.body.id}`, officer, { method: 'DELETE' });
    expect(end.body.endedAt).not.toBeNull();
    const after = (await t.api<AlarmView[]>('/api/alarms', officer)).body.find((a) => a.id === 'D1/smoke:SM1');
    expect(after?.state).toBe('unack');
    const actions = (await t.api<AuditEntry[]>('/api/audit?limit=50', officer)).body.map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['maintenance.start', 'maintenance.end', 'alarm.shelve', 'alarm.unshelve', 'user.create', 'login']));
  });

  it('the handover report lists incidents and actions, as JSON and as CSV', async () => {
    const from = Date.now() - 3600_000;
    const to = Date.now() + 1000;
    const json = await t.api<HandoverReport>(`/api/reports/handover?from=${from}&to=${to}`, officer);
    expect(json.status).toBe(200);
    expect(json.body.summary.incidents).toBeGreaterThanOrEqual(2);
    expect(json.body.actions.some((a) => a.action === 'incident.ack' && a.actor === 'guard-d1')).toBe(true);
    const csv = await fetch(`${t.base}/api/reports/handover?from=${from}&to=${to}&format=csv`, { headers: { authorization: `Bearer ${officer}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toContain('section,incident,depot,severity,state,time,event,actor,alarm,detail,note');
    expect(text).toContain('Checked Store A: smoke machine test');
  });

  it('every operator action also works over Socket.IO, with the same checks and a 400 for a bad payload', async () => {
    const officerSock = t.socket(officer);
    const guardSock = t.socket(guardD1);
    await Promise.all([new Promise((r) => officerSock.once('live:snapshot', r)), new Promise((r) => guardSock.once('live:snapshot', r))]);
    const emit = <T>(s: typeof officerSock, event: string, req: unknown) =>
      new Promise<ActionResult<T>>((r) => (s.emit as (e: string, q: unknown, cb: (x: ActionResult<T>) => void) => void)(event, req, r));
    const id = 'D1/ammo-humidity-high:H1';
    expect(await emit(guardSock, 'alarm:shelve', { id, reason: 'x', minutes: 5 })).toMatchObject({ ok: false, status: 403 });
    expect(await emit(officerSock, 'alarm:shelve', { id, minutes: 5 })).toMatchObject({ ok: false, status: 400, message: 'invalid fields: reason' });
    expect(await emit(officerSock, 'alarm:shelve', 'garbage')).toMatchObject({ ok: false, status: 400 });
    const shelved = await emit<AlarmView>(officerSock, 'alarm:shelve', { id, reason: 'sensor being replaced', minutes: 5 });
    expect(shelved.ok && shelved.data.state).toBe('shelved');
    const un = await emit<AlarmView>(officerSock, 'alarm:unshelve', { id });
    expect(un.ok && un.data.state).not.toBe('shelved');
    const m = await emit<MaintenanceView>(officerSock, 'maintenance:start', { depot: 'D2', device: null, reason: 'fuel tank inspection', minutes: 30 });
    expect(m.ok && m.data).toMatchObject({ depot: 'D2', by: 'officer1' });
    expect(await emit(officerSock, 'maintenance:start', { depot: 'NOPE', device: null, reason: 'x', minutes: 30 })).toMatchObject({ ok: false, status: 404 });
    const ended = await emit<MaintenanceView>(officerSock, 'maintenance:end', { id: m.ok ? m.data.id : 0 });
    expect(ended.ok && ended.data.endedAt).toBeGreaterThan(0);
    const [open] = await liveIncidents(officer);
    if (open) {
      const noted = await emit<IncidentView>(guardSock, 'incident:note', { id: open.id, note: 'patrol sent to Store A' });
      expect(noted.ok && noted.data.timeline.some((e) => e.type === 'note' && e.actor === 'guard-d1')).toBe(true);
      expect(await emit(guardSock, 'incident:assign', { id: open.id, assignee: 'guard-d1' })).toMatchObject({ ok: false, status: 403 });
    }
  });

  it('a guard’s snapshot holds only their depot’s alarms and incidents, with a flood status', async () => {
    const sock = t.socket(guardD2);
    const snap = await new Promise<Snapshot>((r) => sock.once('live:snapshot', r));
    expect(snap.alarms.every((a) => a.depot === 'D2')).toBe(true);
    expect(snap.incidents.every((i) => i.depot === 'D2')).toBe(true);
    expect(snap.flood).toMatchObject({ active: false, threshold: 10, windowS: 600 });
    const officerSnap = await new Promise<Snapshot>((r) => { const s = t.socket(officer); s.once('live:snapshot', r); });
    expect(officerSnap.alarms.some((a) => a.depot === 'D1')).toBe(true);
  });
});
