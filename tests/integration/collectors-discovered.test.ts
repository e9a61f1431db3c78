import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../server/src/contracts/alarms.js';
import type { ApiError, DepotDetail } from '../../server/src/contracts/api.js';
import type { CollectorsResponse, DiscoveredView } from '../../server/src/contracts/collectors.js';
import type { ConfigChangeResult, ConfigConflict, RunningConfigView } from '../../server/src/contracts/config.js';
import { smallSite } from '../helpers/site.js';
import { startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';

/**
 * SPEC §3/§9 and issue 8: collector health and discovered devices against the whole running system
 * (embedded broker, SQLite, live state, config versions). What a collector publishes, good or bad, shows in
 * GET /api/collectors; a sensor nobody configured is approved into a zone and its next reading is a
 * configured one; an ignored device is set aside, audited and can come back; and only engineers and
 * admins may do any of it.
 */
type Who = 'admin' | 'engineer' | 'officer' | 'guard' | 'display';
const OTHERS: Record<Exclude<Who, 'admin'>, { role: string; depots: string[] | null }> = {
  engineer: { role: 'engineer', depots: null },
  officer: { role: 'officer', depots: null },
  guard: { role: 'guard', depots: ['D1'] },
  display: { role: 'display', depots: null },
};

describe('collectors and discovered devices', () => {
  let t: TestSystem;
  const token = {} as Record<Who, string>;
  const pub = (topic: string, payload: unknown) => t.mqtt.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 });
  const collectors = async (who: Who = 'engineer') => (await t.api<CollectorsResponse>('/api/collectors', token[who])).body;
  const discovered = async () => (await t.api<DiscoveredView[]>('/api/discovered', token.engineer)).body;
  const post = <T = unknown>(path: string, body: unknown, who: Who = 'engineer', headers: Record<string, string> = {}) =>
    t.api<T & ApiError>(path, token[who], { method: 'POST', body: JSON.stringify(body), headers });
  const version = async () => (await t.api<RunningConfigView>('/api/config', token.admin)).body.n;

  beforeAll(async () => {
    t = await startTestSystem({ site: smallSite() });
    token.admin = await t.login();
    for (const [who, a] of Object.entries(OTHERS)) {
      const r = await t.api('/api/users', token.admin, { method: 'POST', body: JSON.stringify({ username: who, password: `${who}-password-long`, mustChangePassword: false, ...a }) });
      expect(r.status).toBe(201);
      token[who as Who] = await t.login(who, `${who}-password-long`);
    }
  });
  afterAll(() => t?.stop());

  it('shows a collector\'s status, its configuration version against the centre\'s, its rate and its rejections with masked samples', async () => {
    const before = await collectors();
    expect(before.collectors.map((c) => [c.depot, c.state])).toEqual([['D1', 'unknown'], ['D2', 'unknown']]);
    const n = before.configVersion;
    await pub('depots/D1/collector/status', { state: 'online', version: 'edge-1.4.2', spooled: 12, dropped: 3, configVersion: n - 1 < 1 ? 0 : n - 1 });
    for (let i = 0; i < 5; i++) await pub('depots/D1/sensors/T1', { kind: 'temperature', value: 20 + i });
    await pub('depots/D1/sensors/T1', 'not json at all');
    await pub('depots/D1/sensors/H1', { kind: 'humidity', value: 'wet', password: 'hunter2-secret' });
    await pub('depots/D1/sensors/H1', { kind: 'temperature', value: 20 });
    await pub('depots/NOWHERE/sensors/x', 'junk');
    const s = await waitFor(async () => { const r = await collectors(); return r.unattributed.rejected >= 1 && r.collectors.find((c) => c.depot === 'D1' && c.rejected >= 3 && c.state === 'online') && r; }, 5000, 'D1 health');
    const d1 = s.collectors.find((c) => c.depot === 'D1')!;
    expect(d1).toMatchObject({ state: 'online', version: 'edge-1.4.2', spooled: 12, dropped: 3, configVersion: n - 1 < 1 ? 0 : n - 1 });
    expect(s.configVersion).toBe(n);
    expect(d1.lastSeen).toBeGreaterThan(Date.now() - 10_000);
    // 9 messages within a few seconds: the rate is at least 9 a minute (the window is younger than one)
    expect(d1.ratePerMin).toBeGreaterThanOrEqual(9);
    expect(d1.rejections).toEqual(expect.arrayContaining([{ reason: 'not_json', count: 1 }, { reason: 'bad_schema', count: 1 }, { reason: 'kind_mismatch', count: 1 }]));
    expect(d1.samples[0]).toMatchObject({ topic: 'depots/D1/sensors/H1', reason: 'kind_mismatch' });
    const schema = d1.samples.find((x) => x.reason === 'bad_schema')!;
    expect(JSON.stringify(s)).not.toContain('hunter2');
    expect(schema.payload).toContain('"password":"***"');
    expect(s.collectors.find((c) => c.depot === 'D2')).toMatchObject({ state: 'unknown', rejected: 0, ratePerMin: 0 });
    expect(s.unattributed.rejected).toBe(1);

    // the Last Will: offline, keeping what the collector said about itself
    await pub('depots/D1/collector/status', { state: 'offline' });
    const off = await waitFor(async () => (await collectors()).collectors.find((c) => c.depot === 'D1' && c.state === 'offline'), 5000, 'D1 offline');
    expect(off.version).toBe('edge-1.4.2');
  });

  it('approves an unknown sensor into a zone: a new configuration version, and its next reading is a configured one', async () => {
    await pub('depots/D1/sensors/T9', { kind: 'temperature', value: 24.5, unit: 'C' });
    const found = await waitFor(async () => (await discovered()).find((d) => d.key === 'D1.sensor.T9'), 5000, 'T9 discovered');
    expect(found).toMatchObject({ depotId: 'D1', type: 'sensor', id: 'T9', sensorKind: 'temperature', lastValue: 24.5, messages: 1 });
    const n = await version();
    const path = '/api/discovered/D1.sensor.T9/approve';

    // without the version it is based on: 428, as PUT /api/config
    expect((await post(path, { zone: 'A' })).status).toBe(428);
    // every bad field named
    const bad = await post(path, { zone: 'no such', intervalS: -1, colour: 'red', baseVersion: n });
    expect(bad.status).toBe(400);
    expect(bad.body.fields?.map((f) => f.path).sort()).toEqual(['(body)', 'intervalS', 'zone']);
    const zone = await post(path, { zone: 'Z9', baseVersion: n });
    expect(zone.status).toBe(400);
    expect(zone.body.fields).toEqual([expect.objectContaining({ path: 'zone', message: expect.stringContaining('A, P') })]);
    const kind = await post(path, { zone: 'A', kind: 'humidity', baseVersion: n });
    expect(kind.body.fields?.map((f) => f.path)).toEqual(['kind']);
    expect((await post('/api/discovered/D1.sensor.NOPE/approve', { zone: 'A', baseVersion: n })).status).toBe(404);
    expect((await post('/api/discovered/not-a-key/approve', { zone: 'A', baseVersion: n })).status).toBe(404);
    // a stale base: 409 with both versions, nothing written
    const stale = await post<ConfigConflict>(path, { zone: 'A', baseVersion: n - 1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: 'version_conflict', currentVersion: n });
    expect(await version()).toBe(n);

    const ok = await post<ConfigChangeResult>(path, { zone: 'A', name: 'Nhiệt độ kho A (2)' }, 'engineer', { 'If-Match': `"${n}"` });
    expect(ok.status).toBe(200);
    expect(ok.body.version).toMatchObject({ n: n + 1, source: 'api', author: 'engineer', comment: 'approved discovered sensor D1/T9 into zone A' });
    expect(ok.body.diff).toEqual([{ op: 'add', path: 'depots[D1].sensors[T9]', to: { id: 'T9', zone: 'A', kind: 'temperature', intervalS: 30, name: 'Nhiệt độ kho A (2)' } }]);
    expect((await discovered()).some((d) => d.key === 'D1.sensor.T9')).toBe(false);
    // approving twice: the device is no longer discovered
    expect((await post(path, { zone: 'A', baseVersion: n + 1 })).status).toBe(404);

    const published = Date.now();
    await pub('depots/D1/sensors/T9', { kind: 'temperature', value: 26.5 });
    const sensor = await waitFor(async () => (await t.api<DepotDetail>('/api/depots/D1', token.admin)).body.sensors.find((x) => x.id === 'T9' && x.value === 26.5), 5000, 'T9 configured in D1');
    expect(sensor).toMatchObject({ kind: 'temperature', zone: 'A' });
    console.log(`approved sensor's next reading in GET /api/depots/D1 after ${Date.now() - published} ms`);
    expect((await discovered()).some((d) => d.key === 'D1.sensor.T9')).toBe(false);
    // the retained collector/config carries the new version: a collector reporting n is behind now
    expect((await collectors()).configVersion).toBe(n + 1);
    const audit = (await t.api<AuditEntry[]>('/api/audit?action=config.version', token.admin)).body;
    expect(audit[0]).toMatchObject({ actor: 'engineer', target: `config:${n + 1}`, note: 'approved discovered sensor D1/T9 into zone A' });
  });

  it('ignores a device: it leaves the list, is audited, keeps being counted, and un-ignoring brings it back', async () => {
    await pub('depots/D2/cameras/C9/health', { online: true, fps: 25 });
    await waitFor(async () => (await discovered()).find((d) => d.key === 'D2.camera.C9'), 5000, 'C9 discovered');
    expect((await post('/api/discovered/D2.camera.C9/ignore', { note: 'x'.repeat(600) })).body.fields?.map((f) => f.path)).toEqual(['note']);
    const r = await post<DiscoveredView>('/api/discovered/D2.camera.C9/ignore', { note: 'camera thử nghiệm của nhà thầu' });
    expect(r.status).toBe(200);
    expect(r.body.ignored).toMatchObject({ by: 'engineer', note: 'camera thử nghiệm của nhà thầu' });
    await pub('depots/D2/cameras/C9/health', { online: true, fps: 24 });
    const ignored = await waitFor(async () => (await t.api<DiscoveredView[]>('/api/discovered/ignored', token.engineer)).body.find((d) => d.key === 'D2.camera.C9' && d.messages === 2), 5000, 'C9 counted while ignored');
    expect(ignored.ignored?.by).toBe('engineer');
    expect((await discovered()).some((d) => d.key === 'D2.camera.C9')).toBe(false);
    const audit = (await t.api<AuditEntry[]>('/api/audit?action=discovered.ignore', token.admin)).body;
    expect(audit[0]).toMatchObject({ actor: 'engineer', target: 'discovered:D2.camera.C9', depot: 'D2', note: 'camera thử nghiệm của nhà thầu' });
    expect((await post('/api/discovered/D2.camera.C9/unignore', {}, 'admin')).status).toBe(200);
    expect((await discovered()).find((d) => d.key === 'D2.camera.C9')).toMatchObject({ messages: 2 });
    expect((await post('/api/discovered/D2.camera.C404/ignore', {})).status).toBe(404);
  });

  it('refuses guards, officers and displays on every route, and lets engineers and admins in', async () => {
    await pub('depots/D1/sensors/M7', { kind: 'motion', value: 0 });
    await waitFor(async () => (await discovered()).find((d) => d.key === 'D1.sensor.M7'), 5000, 'M7 discovered');
    const n = await version();
    const auditBefore = (await t.api<AuditEntry[]>('/api/audit?limit=1000', token.admin)).body.filter((a) => a.action !== 'audit.read').length;
    const cells: [string, (w: Who) => Promise<number>][] = [
      ['GET /api/collectors', (w) => t.api('/api/collectors', token[w]).then((r) => r.status)],
      ['GET /api/discovered', (w) => t.api('/api/discovered', token[w]).then((r) => r.status)],
      ['GET /api/discovered/ignored', (w) => t.api('/api/discovered/ignored', token[w]).then((r) => r.status)],
      ['approve', (w) => post('/api/discovered/D1.sensor.M7/approve', { zone: 'A', baseVersion: n }, w).then((r) => r.status)],
      ['ignore', (w) => post('/api/discovered/D1.sensor.M7/ignore', {}, w).then((r) => r.status)],
      ['unignore', (w) => post('/api/discovered/D1.sensor.M7/unignore', {}, w).then((r) => r.status)],
    ];
    const wrong: string[] = [];
    for (const [name, call] of cells) {
      // the guard's own depot (D1) makes no difference: these are engineers' routes
      for (const w of ['guard', 'officer', 'display'] as const) {
        const status = await call(w);
        if (status !== 403) wrong.push(`${name} by ${w}: ${status}`);
      }
    }
    expect(wrong).toEqual([]);
    expect((await t.api<AuditEntry[]>('/api/audit?limit=1000', token.admin)).body.filter((a) => a.action !== 'audit.read').length).toBe(auditBefore);
    expect(await version()).toBe(n);
    for (const w of ['engineer', 'admin'] as const) {
      expect((await t.api('/api/collectors', token[w])).status).toBe(200);
      expect((await t.api('/api/discovered/ignored', token[w])).status).toBe(200);
    }
    expect((await post('/api/discovered/D1.sensor.M7/ignore', {}, 'admin')).status).toBe(200);
    expect((await post('/api/discovered/D1.sensor.M7/approve', { zone: 'P', baseVersion: n }, 'admin')).status).toBe(200);
    // no session at all: 401
    expect((await fetch(`${t.base}/api/collectors`)).status).toBe(401);
  });
});
