import { connectAsync, type MqttClient, type Packet } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteConfigSchema, type SiteConfig } from '../../config/schema.js';
import { argon2Hasher } from '../../server/src/adapters/argon2.js';
import type { AuditEntry } from '../../server/src/contracts/alarms.js';
import type { ApiError } from '../../server/src/contracts/api.js';
import type { ConfigChangeResult, RunningConfigView } from '../../server/src/contracts/config.js';
import type { CollectorConfigMessage } from '../../server/src/contracts/edge-devices.js';
import { EDGE_SECRET_MASK, HASH_MASK } from '../../server/src/domain/secrets.js';
import { smallSite } from '../helpers/site.js';
import { startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';

/**
 * Issue 8: collector accounts edited from the board. The board never sees a password hash (GET
 * /api/config, versions, diffs, exports all carry the mask); a PUT that keeps the mask keeps the hash;
 * a new password is hashed by the server and stored as a version, and the server's embedded broker
 * follows it at once: the old password is refused, the new one admitted, the old session cut off.
 * The edge's credentials the same way: D1's UPS community, SNMPv3 keys and camera URL password leave only in
 * D1's retained collector/config, which only D1's collector may read.
 */
const OLD = 'the-old-collector-password-of-d1';
const NEW = 'a-fresh-collector-password-for-d1';
const ARGON = /\$argon2id\$v=/;
const COMMUNITY = 'd1-ups-community-x7';
const AUTH_KEY = 'd1-ups2-auth-key-q4';
const PRIV_KEY = 'd1-ups2-priv-key-z9';
const CAM_PW = 'd1-cam-password-k2';
/** anything of a hash or of the edge's credentials in a text the server sent */
const LEAK = new RegExp(`\\$argon2id\\$v=|${COMMUNITY}|${AUTH_KEY}|${PRIV_KEY}|${CAM_PW}`);
const D1_EDGE = {
  modbus: [],
  snmp: [
    { host: '10.9.0.5', community: COMMUNITY, mains: 'M1' },
    { host: '10.9.0.6', version: '3', user: { name: 'dw', authKey: AUTH_KEY, privKey: PRIV_KEY }, battery: 'B1' },
  ],
  cameras: [{ camera: 'C1', rtsp: `rtsp://viewer:${CAM_PW}@10.9.0.20:554/stream1` }],
};

/** the SUBACK's codes, one per filter (mqtt.js turns any 0x80 into an error and drops them) */
function grantedCodes(c: MqttClient, filters: string[]): Promise<number[]> {
  return new Promise((resolve) => {
    const onPacket = (p: Packet) => {
      if (p.cmd !== 'suback') return;
      c.off('packetreceive', onPacket);
      resolve(p.granted as number[]);
    };
    c.on('packetreceive', onPacket);
    c.subscribe(filters, { qos: 1 }, () => {});
  });
}

describe('collector accounts: masked hashes, a new password, the broker following it', () => {
  let t: TestSystem;
  let admin: string;
  let engineer: string;
  let officer: string;
  const open: MqttClient[] = [];
  const running = async () => (await t.api<RunningConfigView>('/api/config', engineer)).body;
  const setPassword = (depot: string, body: unknown, token = engineer) =>
    t.api<ConfigChangeResult & ApiError & { created: boolean }>(`/api/collectors/accounts/${depot}/password`, token, { method: 'POST', body: JSON.stringify(body) });
  const put = (config: unknown, baseVersion: number, comment = '') =>
    t.api<ConfigChangeResult & ApiError>('/api/config', engineer, { method: 'PUT', body: JSON.stringify({ config, baseVersion, comment }) });
  /** a real MQTT client logging in as the depot's collector: the CONNACK's code (0 admitted, 4 bad credentials, 5 refused) */
  const mqttLogin = async (depot: string, password: string): Promise<{ code: number; client?: MqttClient }> => {
    try {
      const client = await connectAsync(t.system.mqttUrl, { username: depot, password, clientId: `${depot}-edge-${Math.random().toString(16).slice(2)}`, reconnectPeriod: 0, connectTimeout: 5000 });
      open.push(client);
      return { code: 0, client };
    } catch (e) {
      return { code: Number((e as { code?: number }).code ?? -1) };
    }
  };

  beforeAll(async () => {
    const small = structuredClone(smallSite()) as unknown as { depots: { sensors: unknown[]; edge?: unknown }[] };
    small.depots[0]!.sensors.push({ id: 'M1', zone: 'A', kind: 'mains', intervalS: 30 }, { id: 'B1', zone: 'A', kind: 'ups_battery', intervalS: 30 });
    small.depots[0]!.edge = D1_EDGE;
    const site: SiteConfig = siteConfigSchema.parse({ ...small, collectors: [{ depot: 'D1', passwordHash: await argon2Hasher.hash(OLD) }] });
    t = await startTestSystem({ site });
    admin = await t.login();
    for (const [username, role] of [['eng1', 'engineer'], ['off1', 'officer']] as const) {
      const r = await t.api('/api/users', admin, { method: 'POST', body: JSON.stringify({ username, password: `${username}-long-password`, role, depots: null, mustChangePassword: false }) });
      expect(r.status).toBe(201);
    }
    engineer = await t.login('eng1', 'eng1-long-password');
    officer = await t.login('off1', 'off1-long-password');
  });
  afterAll(async () => {
    for (const c of open) c.end(true);
    await t?.stop();
  });

  it('GET /api/config, a version, the versions list, the digest and both YAML exports carry no hash and no edge credential, only the masks', async () => {
    const r = await fetch(`${t.base}/api/config`, { headers: { authorization: `Bearer ${engineer}` } });
    const text = await r.text();
    expect(text).not.toMatch(LEAK);
    // nor a version's digest, against which a weak community could be guessed offline
    expect(text).not.toContain('"hash"');
    const config = (JSON.parse(text) as RunningConfigView).config;
    expect(config.collectors).toEqual([{ depot: 'D1', passwordHash: HASH_MASK }]);
    expect(config.depots[0]?.edge?.snmp.map((u) => [u.community, u.user?.authKey, u.user?.privKey])).toEqual([[EDGE_SECRET_MASK, undefined, undefined], [undefined, EDGE_SECRET_MASK, EDGE_SECRET_MASK]]);
    expect(config.depots[0]?.edge?.cameras[0]?.rtsp).toBe(`rtsp://viewer:${EDGE_SECRET_MASK}@10.9.0.20:554/stream1`);
    for (const path of ['/api/config/versions/1', '/api/config/versions', '/api/config/digest', '/api/config?format=yaml', '/api/config/export', '/api/config/export?version=1']) {
      const res = await fetch(`${t.base}${path}`, { headers: { authorization: `Bearer ${engineer}` } });
      expect(res.status, path).toBe(200);
      const body = await res.text();
      expect(body, path).not.toMatch(LEAK);
      expect(body, path).not.toContain('"hash"');
      if (path.includes('yaml') || path.includes('export')) expect(body, path).toContain(EDGE_SECRET_MASK);
    }
  });

  it('an officer may neither read the configuration nor set a collector password (403)', async () => {
    expect((await t.api('/api/config', officer)).status).toBe(403);
    expect((await setPassword('D1', { password: NEW, baseVersion: 1 }, officer)).status).toBe(403);
    expect((await t.api('/api/config', officer, { method: 'PUT', body: JSON.stringify({ config: {}, baseVersion: 1 }) })).status).toBe(403);
  });

  it('the password policy, the depot and the base version are checked before anything is stored', async () => {
    const short = await setPassword('D1', { password: 'short', baseVersion: 1 });
    expect(short.status).toBe(400);
    expect(short.body.fields).toEqual([{ path: 'password', message: 'must be at least 15 characters (has 5)' }]);
    expect((await setPassword('NOPE', { password: NEW, baseVersion: 1 })).status).toBe(404);
    expect((await setPassword('D1', { password: NEW, baseVersion: 0 })).status).toBe(409);
    expect((await setPassword('D1', { password: NEW })).status).toBe(428);
    expect((await running()).n).toBe(1);
  });

  it('a PUT that keeps the mask keeps the stored hash; a mask with no account behind it is a 400 at its path', async () => {
    const cur = await running();
    const renamed = { ...cur.config, depots: cur.config.depots.map((d, i) => (i === 0 ? { ...d, nameEn: 'Depot one' } : d)) };
    const r = await put(renamed, cur.n, 'rename');
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).not.toMatch(ARGON);
    expect((await mqttLogin('D1', OLD)).code).toBe(0);

    const invented = { ...renamed, collectors: [...renamed.collectors, { depot: 'D2', passwordHash: HASH_MASK }] };
    const bad = await put(invented, r.body.version.n);
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([{
      path: 'collectors[1].passwordHash', message: 'no stored password for depot "D2" to keep: set one for this account', code: 'no_stored_password', params: { depot: 'D2' },
    }]);
  });

  it('a PUT that keeps the edge masks keeps the credentials: D1’s retained collector/config carries the real ones, for D1’s collector alone', async () => {
    const cur = await running();
    // reordered, and the first UPS polled less often: D1's part changes, so its collector/config is published again
    const edge = cur.config.depots[0]!.edge!;
    const next = { ...cur.config, depots: cur.config.depots.map((d, i) => (i === 0 ? { ...d, edge: { ...edge, snmp: [edge.snmp[1], { ...edge.snmp[0], everyS: 60 }] } } : d)) };
    const r = await put(next, cur.n, 'UPS polled every minute');
    expect(r.status).toBe(200);
    const answer = JSON.stringify(r.body);
    expect(answer).not.toMatch(LEAK);
    expect(r.body.diff.map((c) => `${c.op} ${c.path}`)).toEqual(['change depots[D1].edge.snmp[10.9.0.5].everyS']);

    const d1 = await mqttLogin('D1', OLD);
    expect(d1.code).toBe(0);
    const client = d1.client!;
    const got = new Promise<CollectorConfigMessage>((resolve) => client.once('message', (_t, p) => resolve(JSON.parse(p.toString()) as CollectorConfigMessage)));
    // another depot's config, or every depot's, is refused; its own is granted and arrives retained
    expect(await grantedCodes(client, ['depots/D2/collector/config', 'depots/+/collector/config', '#', 'depots/D1/collector/config'])).toEqual([128, 128, 128, 1]);
    const msg = await got;
    expect(msg.version).toBe(r.body.version.n);
    expect(msg.snmp?.map((u) => [u.host, u.community, u.user?.authKey, u.user?.privKey, u.everyS])).toEqual([['10.9.0.6', undefined, AUTH_KEY, PRIV_KEY, 30], ['10.9.0.5', COMMUNITY, undefined, undefined, 60]]);
    expect(msg.cameras?.[0]?.rtsp).toBe(`rtsp://viewer:${CAM_PW}@10.9.0.20:554/stream1`);
    client.end(true);

    // the mask on a UPS moved to another host keeps nothing: the community is not sent to 10.9.0.99
    const now = await running();
    const e = now.config.depots[0]!.edge!;
    const moved = { ...now.config, depots: now.config.depots.map((d, i) => (i === 0 ? { ...d, edge: { ...e, snmp: [e.snmp[0], { ...e.snmp[1], host: '10.9.0.99' }] } } : d)) };
    const bad = await put(moved, now.n);
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([{
      path: 'depots[0].edge.snmp[1].community', message: 'no stored community for SNMP agent 10.9.0.99:161 in depot D1 to keep: type it',
      code: 'no_stored_edge_secret', params: { what: 'community', target: '10.9.0.99:161', depot: 'D1' },
    }]);
  });

  it('a rotated password: the old one is refused by the embedded broker, the new one admitted, the old session ended, all audited', async () => {
    const before = await mqttLogin('D1', OLD);
    expect(before.code).toBe(0);
    const closed = new Promise<void>((resolve) => before.client?.once('close', () => resolve()));
    const cur = await running();
    const r = await setPassword('D1', { password: NEW, baseVersion: cur.n, comment: 'yearly rotation' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ created: false, version: { n: cur.n + 1, comment: 'yearly rotation' } });
    expect(r.body.diff).toEqual([{ op: 'change', path: 'collectors[D1].passwordHash', from: HASH_MASK, to: HASH_MASK }]);
    expect(JSON.stringify(r.body)).not.toMatch(ARGON);
    await closed;
    expect((await mqttLogin('D1', OLD)).code).toBe(4);
    expect((await mqttLogin('D1', NEW)).code).toBe(0);
    expect((await running()).config.collectors).toEqual([{ depot: 'D1', passwordHash: HASH_MASK }]);

    const audit = (await t.api<AuditEntry[]>('/api/audit?action=collector.password_rotate', admin)).body;
    expect(audit.map((a) => [a.actor, a.target, a.note])).toEqual([['eng1', 'collector:D1', 'yearly rotation']]);
    expect(JSON.stringify(audit)).not.toContain(NEW);
  });

  it('creates an account for a depot without one (201), and a disabled account is refused by the broker', async () => {
    const cur = await running();
    const created = await setPassword('D2', { password: 'the-first-password-of-depot-two', baseVersion: cur.n });
    expect(created.status).toBe(201);
    expect(created.body.created).toBe(true);
    expect((await mqttLogin('D2', 'the-first-password-of-depot-two')).code).toBe(0);

    const now = await running();
    const disabled = { ...now.config, collectors: now.config.collectors.map((c) => (c.depot === 'D2' ? { ...c, disabled: true } : c)) };
    expect((await put(disabled, now.n, 'D2 collector taken away')).status).toBe(200);
    expect((await mqttLogin('D2', 'the-first-password-of-depot-two')).code).toBe(4);
    // removing it: the same, and D1's account is untouched through both changes
    const next = await running();
    expect((await put({ ...next.config, collectors: next.config.collectors.filter((c) => c.depot !== 'D2') }, next.n)).status).toBe(200);
    await waitFor(async () => (await running()).config.collectors.length === 1, 2000, 'D2 removed');
    expect((await mqttLogin('D1', NEW)).code).toBe(0);
  });
});
