import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../config/loader.js';
import type { SiteConfig } from '../../config/schema.js';
import type { UserView } from '../../server/src/contracts/alarms.js';
import type { ApiError, DepotDetail, DepotSummary, LiveBatch, Snapshot } from '../../server/src/contracts/api.js';
import type { ConfigChangeResult, RunningConfigView } from '../../server/src/contracts/config.js';
import type { EchelonNodeView } from '../../server/src/contracts/echelons.js';
import { SMALL_SITE_YAML } from '../helpers/site.js';
import { startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';

/**
 * Issue 8 part 5 from the attacker's side: R1 holds units U1 (D1) and U2 (D3); R2 holds D2 directly.
 * A guard scoped to U1 must not learn anything of D3 or D2 over REST or Socket.IO, and a configuration
 * change that moves a depot into or out of U1 changes what that guard sees, live, without touching the
 * account.
 */
const site = (): SiteConfig => parseSiteConfig([
  {
    name: 'site.yaml',
    text: `${SMALL_SITE_YAML.replace('regions:\n', 'units:\n  - { id: U1, name: "Đơn vị 1", nameEn: "Unit 1", parent: R1 }\n  - { id: U2, name: "Đơn vị 2", parent: R1 }\nregions:\n').replace('region: R1\n', 'region: R1\n    unit: U1\n')}
  - id: D3
    name: "Kho D3"
    region: R1
    unit: U2
    type: ammunition
    position: { lat: 21.5, lon: 105.5 }
    zones:
      - { id: A, name: "Store A", type: ammunition_store }
    sensors:
      - { id: SM1, zone: A, kind: smoke, intervalS: 10 }
`,
  },
  { name: 'rules.yaml', text: readFileSync('config/rules.yaml', 'utf8') },
]);
type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };

describe('echelons: roll-up and scopes that follow the tree', () => {
  let t: TestSystem;
  let admin: string;
  let guard: string;
  let officer: string;
  const running = async () => (await t.api<RunningConfigView>('/api/config', admin)).body;
  const put = (config: unknown, baseVersion: number, comment: string) =>
    t.api<ConfigChangeResult & ApiError>('/api/config', admin, { method: 'PUT', body: JSON.stringify({ config, baseVersion, comment }) });
  const ids = (depots: { id: string }[]) => depots.map((d) => d.id).sort();
  const flat = (nodes: EchelonNodeView[]): EchelonNodeView[] => nodes.flatMap((n) => [n, ...flat(n.children)]);

  beforeAll(async () => {
    t = await startTestSystem({ site: site() });
    admin = await t.login();
    const made = await t.api<UserView & ApiError>('/api/users', admin, { method: 'POST', body: JSON.stringify({ username: 'guard-u1', password: 'guard-u1-long-password', role: 'guard', depots: ['U1'], mustChangePassword: false }) });
    expect(made.status).toBe(201);
    expect(made.body.depots).toEqual(['U1']); // stored as the unit, not as today's depots
    await t.system.auth.createUser({ username: 'duty', password: 'duty-officer-password', role: 'officer', depots: null });
    guard = await t.login('guard-u1', 'guard-u1-long-password');
    officer = await t.login('duty', 'duty-officer-password');
  });
  afterAll(() => t?.stop());

  it('refuses a scope naming an unknown unit, and a tree with a cycle, naming the field', async () => {
    const bad = await t.api<ApiError>('/api/users', admin, { method: 'POST', body: JSON.stringify({ username: 'g2', password: 'guard-two-long-password', role: 'guard', depots: ['U9'], mustChangePassword: false }) });
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([{ path: 'depots', message: 'unknown depots or units: U9' }]);
    const cur = await running();
    const cyclic = structuredClone(cur.config) as Mutable<SiteConfig>;
    cyclic.units = [{ id: 'U1', name: 'U1', parent: 'U2' }, { id: 'U2', name: 'U2', parent: 'U1' }];
    const r = await put(cyclic, cur.n, 'loop');
    expect(r.status).toBe(400);
    expect(r.body.fields?.map((f) => f.path)).toContain('units[0].parent');
    expect(r.body.fields?.find((f) => f.path === 'units[0].parent')?.message).toBe('cycle: U1 → U2 → U1 (a unit cannot sit beneath itself)');
  });

  it('rolls every level up for the officer, and only the guard’s branch for the guard', async () => {
    await t.mqtt.publishAsync('depots/D3/sensors/SM1', JSON.stringify({ kind: 'smoke', value: 1 }), { qos: 1 });
    const tree = await waitFor(async () => {
      const body = (await t.api<EchelonNodeView[]>('/api/echelons', officer)).body;
      return flat(body).find((n) => n.id === 'U2')?.readiness === 'not_ready' ? body : null;
    }, 10_000, 'U2 not ready for the officer');
    const byId = new Map(flat(tree).map((n) => [n.id, n]));
    expect(tree.map((n) => n.id)).toEqual(['R1', 'R2']);
    expect(byId.get('R1')).toMatchObject({ readiness: 'not_ready', children: [{ id: 'U1' }, { id: 'U2' }] });
    expect(byId.get('R1')?.counts.not_ready).toBe(1);
    expect(byId.get('U2')?.reasons[0]).toMatchObject({ code: 'state_active', severity: 'critical', depots: 1 });
    expect(byId.get('R2')).toMatchObject({ depots: ['D2'], children: [] });

    const mine = (await t.api<EchelonNodeView[]>('/api/echelons', guard)).body;
    expect(flat(mine).map((n) => n.id)).toEqual(['R1', 'U1']);
    expect(flat(mine).every((n) => n.counts.not_ready === 0 && n.reasons.every((r) => r.code !== 'state_active'))).toBe(true);
    expect(JSON.stringify(mine)).not.toContain('D3');
  });

  it('keeps another unit’s depot from the guard over REST and Socket.IO', async () => {
    expect(ids((await t.api<DepotSummary[]>('/api/depots', guard)).body)).toEqual(['D1']);
    expect((await t.api<DepotDetail>('/api/depots/D3', guard)).status).toBe(404);
    expect((await t.api('/api/depots/D2', guard)).status).toBe(404);
    expect((await t.api<{ depots: string[] | null }>('/api/auth/me', guard)).body.depots).toEqual(['D1']);

    const sock = t.socket(guard);
    const batches: LiveBatch[] = [];
    sock.on('live:batch', (b) => batches.push(b));
    const snap = await new Promise<Snapshot>((r) => sock.once('live:snapshot', r));
    expect(ids(snap.depots)).toEqual(['D1']);
    expect(snap.alarms.filter((a) => a.depot !== 'D1')).toEqual([]);
    // the officer sees D3 change; the guard receives nothing of it
    const off = t.socket(officer);
    const officerSaw = new Promise<void>((resolve) => off.on('live:batch', (b) => { if (b.sensors.some((s) => s.depot === 'D3' && s.id === 'SM1' && s.value === 0)) resolve(); }));
    await new Promise<Snapshot>((r) => off.once('live:snapshot', r));
    await t.mqtt.publishAsync('depots/D3/sensors/SM1', JSON.stringify({ kind: 'smoke', value: 0 }), { qos: 1 });
    await t.mqtt.publishAsync('depots/D1/sensors/T1', JSON.stringify({ kind: 'temperature', value: 24 }), { qos: 1 });
    await officerSaw;
    await waitFor(() => batches.some((b) => b.sensors.some((s) => s.depot === 'D1')), 5000, 'the guard’s own reading');
    for (const b of batches) {
      expect([...b.sensors, ...b.cameras].filter((s) => s.depot !== 'D1')).toEqual([]);
      expect(b.depots.filter((d) => d.id !== 'D1')).toEqual([]);
      expect((b.alarms ?? []).filter((a) => a.depot !== 'D1')).toEqual([]);
      expect((b.incidents ?? []).filter((i) => i.depot !== 'D1')).toEqual([]);
    }
    sock.disconnect();
    off.disconnect();
  });

  it('moving a depot into the guard’s unit, or under a unit added beneath it, shows it to the guard live; moving it out hides it', async () => {
    const sock = t.socket(guard);
    const snaps: Snapshot[] = [];
    const batches: LiveBatch[] = [];
    sock.on('live:snapshot', (s) => snaps.push(s));
    sock.on('live:batch', (b) => batches.push(b));
    await waitFor(() => snaps.length === 1, 5000, 'the first snapshot');

    // D3 into U1
    let cur = await running();
    const next = structuredClone(cur.config) as Mutable<SiteConfig>;
    for (const d of next.depots) if (d.id === 'D3') d.unit = 'U1';
    const t0 = Date.now();
    expect((await put(next, cur.n, 'D3 to U1')).status).toBe(200);
    await waitFor(() => snaps.length === 2, 5000, 'a fresh snapshot after the move');
    const tookMs = Date.now() - t0;
    expect(ids(snaps[1]?.depots ?? [])).toEqual(['D1', 'D3']);
    expect(ids((await t.api<DepotSummary[]>('/api/depots', guard)).body)).toEqual(['D1', 'D3']);
    // the depot's own summary is re-evaluated at the next live tick
    await waitFor(async () => (await t.api<DepotDetail>('/api/depots/D3', guard)).body.unit === 'U1', 5000, 'D3 summary naming U1');
    // and its live readings follow
    await t.mqtt.publishAsync('depots/D3/sensors/SM1', JSON.stringify({ kind: 'smoke', value: 0 }), { qos: 1 });
    await waitFor(() => batches.some((b) => b.sensors.some((s) => s.depot === 'D3')), 5000, 'a D3 reading for the guard');

    // a unit added later beneath U1, with D2 moved under it from R2: the guard's account is untouched
    cur = await running();
    const deeper = structuredClone(cur.config) as Mutable<SiteConfig>;
    deeper.units = [...(deeper.units ?? []), { id: 'U1A', name: 'Phân đội 1A', parent: 'U1' }];
    for (const d of deeper.depots) if (d.id === 'D2') { d.region = 'R1'; d.unit = 'U1A'; }
    expect((await put(deeper, cur.n, 'U1A under U1, D2 into it')).status).toBe(200);
    await waitFor(() => snaps.length === 3, 5000, 'a snapshot after U1A');
    expect(ids(snaps[2]?.depots ?? [])).toEqual(['D1', 'D2', 'D3']);
    const tree = (await t.api<EchelonNodeView[]>('/api/echelons', guard)).body;
    expect(flat(tree).map((n) => n.id)).toEqual(['R1', 'U1', 'U1A']);

    // D3 back to U2: gone from the guard's snapshot, REST and batches
    cur = await running();
    const back = structuredClone(cur.config) as Mutable<SiteConfig>;
    for (const d of back.depots) if (d.id === 'D3') d.unit = 'U2';
    expect((await put(back, cur.n, 'D3 back to U2')).status).toBe(200);
    await waitFor(() => snaps.length === 4, 5000, 'a snapshot after D3 left');
    expect(ids(snaps[3]?.depots ?? [])).toEqual(['D1', 'D2']);
    expect((await t.api('/api/depots/D3', guard)).status).toBe(404);
    const after = batches.length;
    await t.mqtt.publishAsync('depots/D3/sensors/SM1', JSON.stringify({ kind: 'smoke', value: 1 }), { qos: 1 });
    await t.mqtt.publishAsync('depots/D1/sensors/T1', JSON.stringify({ kind: 'temperature', value: 25 }), { qos: 1 });
    await waitFor(() => batches.slice(after).some((b) => b.sensors.some((s) => s.depot === 'D1' && s.value === 25)), 5000, 'a later D1 reading');
    for (const b of batches.slice(after)) {
      expect(b.sensors.filter((s) => s.depot === 'D3')).toEqual([]);
      expect((b.alarms ?? []).filter((a) => a.depot === 'D3')).toEqual([]);
    }
    console.log(`config change → guard's fresh snapshot: ${tookMs} ms`);
  });
});
