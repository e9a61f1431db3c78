import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../config/loader.js';
import type { SiteConfig } from '../../config/schema.js';
import type { AlarmView, AuditEntry, IncidentView } from '../../server/src/contracts/alarms.js';
import type { ApiError, DepotDetail } from '../../server/src/contracts/api.js';
import type { ConfigChangeResult, ConfigConflict, ConfigVersionSummary, ConfigVersionView, RunningConfigView } from '../../server/src/contracts/config.js';
import { smallSite } from '../helpers/site.js';
import { startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';

/**
 * SPEC §9 / issue 8: the configuration API against the whole running system (embedded broker, SQLite,
 * live state, alarms). A valid change applies without a restart, an invalid one is a 400 naming every
 * path, a stale one is a 409 that loses nothing, and a rollback is a new version.
 */
type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };
const copy = (s: SiteConfig): Mutable<SiteConfig> => structuredClone(s) as Mutable<SiteConfig>;

describe('configuration as data, with versions', () => {
  let t: TestSystem;
  let admin: string;
  const put = (body: unknown, headers: Record<string, string> = {}) =>
    t.api<ConfigChangeResult & ApiError & ConfigConflict>('/api/config', admin, { method: 'PUT', body: JSON.stringify(body), headers });
  const running = async () => (await t.api<RunningConfigView>('/api/config', admin)).body;
  const sensor = async (depot: string, id: string) => (await t.api<DepotDetail>(`/api/depots/${depot}`, admin)).body.sensors.find((s) => s.id === id);

  beforeAll(async () => {
    t = await startTestSystem({ site: smallSite() });
    admin = await t.login();
  });
  afterAll(() => t?.stop());

  it('provisions config/*.yaml as version 1 and answers with it, its ETag and a YAML export that loads back', async () => {
    const r = await t.api<RunningConfigView>('/api/config', admin);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ n: 1, source: 'provisioned', author: 'system' });
    expect(r.body.config).toEqual(JSON.parse(JSON.stringify(smallSite())));
    const yaml = await fetch(`${t.base}/api/config?format=yaml`, { headers: { authorization: `Bearer ${admin}` } });
    expect(yaml.headers.get('etag')).toBe('"1"');
    expect(yaml.headers.get('content-type')).toMatch(/yaml/);
    expect(parseSiteConfig([{ name: 'export.yaml', text: await yaml.text() }])).toEqual(smallSite());
  });

  it('a valid change applies live: a lowered threshold raises an alarm without a new reading or a restart', async () => {
    await t.mqtt.publishAsync('depots/D1/sensors/T1', JSON.stringify({ kind: 'temperature', value: 29 }), { qos: 1 });
    await waitFor(async () => (await sensor('D1', 'T1'))?.value === 29, 5000, 'T1 at 29');
    expect((await sensor('D1', 'T1'))?.status).not.toBe('alarm');

    const next = copy((await running()).config);
    const rule = next.rules.thresholds.find((r) => r.id === 'ammo-temp-high');
    if (!rule) throw new Error('no ammo-temp-high rule in the test site');
    rule.high = 28;
    const r = await put({ config: next, baseVersion: 1, comment: 'Store A limit 28 °C' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ changed: true, version: { n: 2, source: 'api', author: 'admin', comment: 'Store A limit 28 °C', changes: 1 } });
    expect(r.body.diff).toEqual([{ op: 'change', path: 'rules.thresholds[ammo-temp-high].high', from: 30, to: 28 }]);

    await waitFor(async () => (await sensor('D1', 'T1'))?.status === 'alarm', 5000, 'T1 in alarm under the new limit');
    const alarms = (await t.api<AlarmView[]>('/api/alarms', admin)).body;
    expect(alarms.some((a) => a.depot === 'D1' && a.device.id === 'T1' && a.state === 'unack')).toBe(true);
    const depot = (await t.api<DepotDetail>('/api/depots/D1', admin)).body;
    expect(depot.readiness).toBe('degraded');

    const audit = (await t.api<AuditEntry[]>('/api/audit?action=config.version', admin)).body;
    expect(audit.map((a) => [a.target, a.actor, a.note])).toEqual([['config:2', 'admin', 'Store A limit 28 °C'], ['config:1', 'system', 'provisioned from config/*.yaml (first start)']]);
  });

  it('an invalid change is a 400 naming every path, and nothing is stored or applied', async () => {
    type Loose = { depots: { region: string; sensors: { kind: string; zone: string }[] }[]; rules: { thresholds: { severity: string }[] } };
    const bad = copy((await running()).config) as unknown as Loose;
    bad.depots[0]!.sensors[0]!.kind = 'plasma';
    bad.rules.thresholds[0]!.severity = 'huge';
    const r = await put({ config: bad, baseVersion: 2 });
    expect(r.status).toBe(400);
    expect((r.body.fields ?? []).map((f) => f.path)).toEqual(['depots[0].sensors[0].kind', 'rules.thresholds[0].severity']);
    // cross-references are checked once every element is well formed (as the file loader does)
    const dangling = copy((await running()).config) as unknown as Loose;
    dangling.depots[1]!.region = 'NOWHERE';
    dangling.depots[0]!.sensors[1]!.zone = 'Z9';
    const d = await put({ config: dangling, baseVersion: 2 });
    expect(d.status).toBe(400);
    expect(d.body.fields).toEqual([
      { path: 'depots[0].sensors[1].zone', message: 'unknown zone "Z9" in depot D1', code: 'unknown_zone', params: { id: 'Z9', depot: 'D1' } },
      { path: 'depots[1].region', message: 'unknown region "NOWHERE"', code: 'unknown_ref', params: { what: 'region', id: 'NOWHERE' } },
    ]);
    // the board phrases a refused field from its code and params (web/src/lib/transforms/problem-text.ts)
    expect(r.body.fields?.[0]).toMatchObject({ code: 'invalid_value', params: { values: expect.stringContaining('temperature') } });
    expect((await put({ baseVersion: 2 })).status).toBe(400);
    expect((await running()).n).toBe(2);
    expect((await t.api<ConfigVersionSummary[]>('/api/config/versions', admin)).body).toHaveLength(2);
  });

  it('concurrent edits: the second one based on the same version gets 409 with the current version; the first is kept', async () => {
    const base = await running();
    const a = copy(base.config);
    a.depots[0]!.nameEn = 'Depot D1 (edit A)';
    const b = copy(base.config);
    b.depots[1]!.nameEn = 'Depot D2 (edit B)';
    const [ra, rb] = await Promise.all([put({ config: a, baseVersion: base.n, comment: 'A' }), put({ config: b, baseVersion: base.n, comment: 'B' })]);
    expect([ra.status, rb.status]).toEqual([200, 409]);
    expect(rb.body).toMatchObject({ error: 'version_conflict', baseVersion: base.n, currentVersion: base.n + 1 });
    const now = await running();
    expect(now.n).toBe(base.n + 1);
    expect(now.config.depots[0]?.nameEn).toBe('Depot D1 (edit A)');
    expect(now.config.depots[1]?.nameEn).toBeUndefined();
    // B merges and sends again, this time through If-Match with the ETag it read
    b.depots[0]!.nameEn = 'Depot D1 (edit A)';
    expect((await put({ config: b, comment: 'B again' }, { 'if-match': '"2"' })).status).toBe(409);
    const again = await put({ config: b, comment: 'B again' }, { 'if-match': `"${now.n}"` });
    expect(again.status).toBe(200);
    expect((await running()).config.depots.map((d) => d.nameEn)).toEqual(['Depot D1 (edit A)', 'Depot D2 (edit B)']);
    // no base at all is refused too: a change must say what it was based on
    expect((await put({ config: b })).status).toBe(428);
  });

  it('removing a device ends its alarm with a note in the incident timeline', async () => {
    await t.mqtt.publishAsync('depots/D1/sensors/SM1', JSON.stringify({ kind: 'smoke', value: 1 }), { qos: 1 });
    const smoke = await waitFor(async () => (await t.api<AlarmView[]>('/api/alarms', admin)).body.find((a) => a.device.id === 'SM1' && a.state === 'unack'), 5000, 'smoke alarm');
    const cur = await running();
    const next = copy(cur.config);
    next.depots[0]!.sensors = next.depots[0]!.sensors.filter((s) => s.id !== 'SM1');
    const r = await put({ config: next, baseVersion: cur.n, comment: 'SM1 dismantled' });
    expect(r.status).toBe(200);
    expect(r.body.diff).toEqual([expect.objectContaining({ op: 'remove', path: 'depots[D1].sensors[SM1]' })]);
    expect((await t.api<AlarmView[]>('/api/alarms', admin)).body.some((a) => a.id === smoke.id)).toBe(false);
    const incident = (await t.api<IncidentView>(`/api/incidents/${smoke.incidentId}`, admin)).body;
    const entry = incident.timeline.find((e) => e.alarmId === smoke.id && e.note?.includes(`removed from the configuration in version ${r.body.version.n}`));
    expect(entry).toMatchObject({ actor: 'admin' });
    expect((await t.api<DepotDetail>('/api/depots/D1', admin)).body.sensors.some((s) => s.id === 'SM1')).toBe(false);
  });

  it('lists versions newest first, shows one with its diff, and rolls back as a new version that applies live', async () => {
    const list = (await t.api<ConfigVersionSummary[]>('/api/config/versions', admin)).body;
    const latest = list[0]!;
    expect(list.map((v) => v.n)).toEqual(Array.from({ length: latest.n }, (_, i) => latest.n - i));
    const v2 = (await t.api<ConfigVersionView>('/api/config/versions/2', admin)).body;
    expect(v2.diff).toHaveLength(1);
    expect((await t.api('/api/config/versions/999', admin)).status).toBe(404);

    const r = await t.api<ConfigChangeResult>('/api/config/rollback/1', admin, { method: 'POST', body: JSON.stringify({ baseVersion: latest.n, comment: 'back to the files' }) });
    expect(r.status).toBe(200);
    expect(r.body.version).toMatchObject({ n: latest.n + 1, source: 'rollback', rollbackOf: 1, comment: 'back to the files' });
    const now = await running();
    expect(now.config).toEqual(JSON.parse(JSON.stringify(smallSite())));
    // the limit is 30 °C again: T1 at 29 leaves alarm, SM1 is back in the depot
    await waitFor(async () => (await sensor('D1', 'T1'))?.status !== 'alarm', 5000, 'T1 normal after rollback');
    expect(await sensor('D1', 'SM1')).toBeDefined();
    const stale = await t.api<ConfigConflict>('/api/config/rollback/2', admin, { method: 'POST', body: JSON.stringify({ baseVersion: latest.n }) });
    expect(stale.status).toBe(409);
    // every version went through the one audit path: the chain still holds
    expect((await t.api<{ ok: boolean }>('/api/audit/verify', admin)).body).toMatchObject({ ok: true });
  });

  it('an edge list that reads a sensor of another depot or kind, twice, or an unknown camera is a 400 naming each path', async () => {
    const { n, config } = await running();
    const bad = copy(config) as unknown as { depots: Record<string, unknown>[] };
    bad.depots[0]!.edge = {
      modbus: [{ host: '10.1.1.20', points: [{ sensor: 'G1', kind: 'gas', register: 0 }, { sensor: 'T1', kind: 'humidity', register: 1 }, { sensor: 'DR1', kind: 'door', coil: 1 }, { sensor: 'DR1', kind: 'door', coil: 2 }] }],
      cameras: [{ camera: 'C7', rtsp: 'rtsp://10.1.1.47/s' }],
    };
    const r = await put({ config: bad, baseVersion: n });
    expect(r.status).toBe(400);
    expect(r.body.fields).toEqual([
      { path: 'depots[0].edge.modbus[0].points[0].sensor', message: 'unknown sensor "G1" in depot D1', code: 'no_device', params: { what: 'sensor', id: 'G1', depot: 'D1' } },
      { path: 'depots[0].edge.modbus[0].points[1].kind', message: 'sensor T1 is a temperature sensor in depot D1, not humidity', code: 'edge_kind_mismatch', params: { id: 'T1', kind: 'temperature', expected: 'humidity' } },
      { path: 'depots[0].edge.modbus[0].points[3].sensor', message: 'sensor DR1 is already read by edge.modbus.0.points.2.sensor', code: 'edge_read_twice', params: { id: 'DR1', by: 'edge.modbus.0.points.2.sensor' } },
      { path: 'depots[0].edge.cameras[0].camera', message: 'unknown camera "C7" in depot D1', code: 'no_device', params: { what: 'camera', id: 'C7', depot: 'D1' } },
    ]);
    (bad.depots[0]!.edge as { modbus: { points: { register?: number }[] }[] }).modbus[0]!.points[0]!.register = 65536;
    expect((await put({ config: bad, baseVersion: n })).body.fields?.map((f) => f.path)).toEqual([
      'depots[0].edge.modbus[0].points[0].register', 'depots[0].edge.modbus[0].points[0].sensor', 'depots[0].edge.modbus[0].points[1].kind',
      'depots[0].edge.modbus[0].points[3].sensor', 'depots[0].edge.cameras[0].camera',
    ]);
    expect((await running()).n).toBe(n);
  });

  it('each depot’s retained collector/config carries its edge lists and the version they last changed in; other changes republish nothing', async () => {
    const seen: { topic: string; payload: string }[] = [];
    // the centre's account reads every depot's part; an anonymous local client (t.mqtt) may not, even through `#`
    const centre = await t.centreMqtt();
    centre.on('message', (topic, payload) => { if (topic.endsWith('/collector/config')) seen.push({ topic, payload: payload.toString() }); });
    await centre.subscribeAsync('depots/+/collector/config', { qos: 1 });
    const anonymousSeen: string[] = [];
    t.mqtt.on('message', (topic) => { if (topic.endsWith('/collector/config')) anonymousSeen.push(topic); });
    await expect(t.mqtt.subscribeAsync('depots/+/collector/config', { qos: 1 })).rejects.toThrow(/Subscribe error/); // SUBACK 0x80
    await t.mqtt.subscribeAsync('#', { qos: 1 });
    // the retained ones: neither depot has edge lists, so each carries the version its (empty) part dates from
    await waitFor(async () => seen.length === 2, 5000, 'two retained collector/config');
    expect(seen.map((m) => JSON.parse(m.payload) as unknown)).toEqual([{ version: 1 }, { version: 1 }]);
    seen.length = 0;

    const { n, config } = await running();
    const next = copy(config) as unknown as { depots: Record<string, unknown>[] };
    const edge = { modbus: [{ host: '10.1.1.20', points: [{ sensor: 'T1', kind: 'temperature', register: 0, type: 'int16', scale: 0.1 }] }] };
    next.depots[0]!.edge = edge;
    const r = await put({ config: next, baseVersion: n, comment: 'D1 edge reads T1' });
    expect(r.status).toBe(200);
    expect(r.body.diff.map((c) => `${c.op} ${c.path}`)).toEqual(['add depots[D1].edge']);
    await waitFor(async () => seen.length > 0, 5000, 'D1 collector/config');
    const msg = JSON.parse(seen[0]!.payload) as { version: number; modbus: { points: { sensor: string; scale: number }[] }[]; snmp: unknown[]; cameras: unknown[] };
    expect(seen[0]!.topic).toBe('depots/D1/collector/config');
    expect(msg).toMatchObject({ version: n + 1, snmp: [], cameras: [], modbus: [{ host: '10.1.1.20', port: 502, points: [{ sensor: 'T1', scale: 0.1 }] }] });

    // a threshold changes: no depot's part did, nothing is republished; the collectors view says what each one should run
    const third = copy((await running()).config);
    third.rules.thresholds[0]!.high = (third.rules.thresholds[0]!.high ?? 30) + 1;
    expect((await put({ config: third, baseVersion: n + 1 })).status).toBe(200);
    const ok = await t.api<{ configVersion: number; collectors: { depot: string; configPublished: number | null }[] }>('/api/collectors', admin);
    expect(ok.body.configVersion).toBe(n + 2);
    expect(ok.body.collectors.map((c) => [c.depot, c.configPublished])).toEqual([['D1', n + 1], ['D2', 1]]);
    // YAML export carries the lists, and loads back
    const yaml = await (await fetch(`${t.base}/api/config?format=yaml`, { headers: { authorization: `Bearer ${admin}` } })).text();
    expect(parseSiteConfig([{ name: 'export.yaml', text: yaml }]).depots[0]?.edge?.modbus[0]?.points[0]?.sensor).toBe('T1');
    expect(seen.map((m) => m.topic)).toEqual(['depots/D1/collector/config']);
    // nor may an anonymous local client set a depot's part: its publish ends its connection, the retained one stays
    expect(anonymousSeen).toEqual([]);
    const forger = await connectAsync(t.system.mqttUrl, { clientId: 'forger', reconnectPeriod: 0 });
    const dropped = new Promise<void>((res) => forger.once('close', () => res()));
    forger.publish('depots/D1/collector/config', JSON.stringify({ version: 999, modbus: [], snmp: [], cameras: [] }), { qos: 1, retain: true });
    await dropped;
    const retained = await new Promise<string>((res) => {
      centre.on('message', (topic, payload, packet) => { if (topic === 'depots/D1/collector/config' && packet.retain) res(payload.toString()); });
      void centre.unsubscribeAsync('depots/+/collector/config').then(() => centre.subscribeAsync('depots/D1/collector/config', { qos: 1 }));
    });
    expect((JSON.parse(retained) as { version: number }).version).toBe(n + 1);
  });

  it('a new rule applies live, a bad one is a 400 naming each path, and deleting a rule ends its alarms with a note', async () => {
    const cur = await running();
    type LooseRules = { rules: { thresholds: Record<string, unknown>[] } };
    const bad = copy(cur.config) as unknown as LooseRules;
    bad.rules.thresholds.push({ id: 'store-a-28', kind: 'temperature', zoneTypes: ['attic'], high: 28, severity: 'huge' });
    const refused = await put({ config: bad, baseVersion: cur.n });
    expect(refused.status).toBe(400);
    const n = cur.config.rules.thresholds.length;
    expect((refused.body.fields ?? []).map((f) => f.path)).toEqual([`rules.thresholds[${n}].zoneTypes[0]`, `rules.thresholds[${n}].severity`]);

    const added = copy(cur.config);
    added.rules.thresholds.push({ id: 'store-a-28', kind: 'temperature', zoneTypes: ['ammunition_store'], high: 28, deadband: 0, onDelayS: 0, offDelayS: 0, severity: 'major' });
    const r = await put({ config: added, baseVersion: cur.n, comment: 'Store A at 28 °C, as a rule of its own' });
    expect(r.status).toBe(200);
    const alarm = await waitFor(async () => (await t.api<AlarmView[]>('/api/alarms', admin)).body.find((a) => a.id === 'D1/store-a-28:T1' && a.state === 'unack'), 5000, 'the new rule raising on T1 at 29');

    const removed = copy((await running()).config);
    removed.rules.thresholds = removed.rules.thresholds.filter((x) => x.id !== 'store-a-28');
    const d = await put({ config: removed, baseVersion: r.body.version.n, comment: 'rule withdrawn' });
    expect(d.status).toBe(200);
    expect((await t.api<AlarmView[]>('/api/alarms', admin)).body.some((a) => a.id === alarm.id)).toBe(false);
    const incident = (await t.api<IncidentView>(`/api/incidents/${alarm.incidentId}`, admin)).body;
    const entry = incident.timeline.find((e) => e.alarmId === alarm.id && e.note === `rule store-a-28 removed from the configuration in version ${d.body.version.n} (rule withdrawn)`);
    expect(entry).toMatchObject({ actor: 'admin' });
  });
});
