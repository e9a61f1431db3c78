import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../config/loader.js';
import { checkEdgeConfig } from '../../collectors/src/edge/config-loader.js';
import { startEdge, type RunningEdge } from '../../collectors/src/edge/edge.js';
import { createSpoolSink } from '../../collectors/src/edge/link/spool-sink.js';
import type { IncidentView } from '../../server/src/contracts/alarms.js';
import { MAX_SNAPSHOT_BYTES, parseSnapshotTimelineDetail, type SnapshotTakeResult, type SnapshotView } from '../../server/src/contracts/snapshots.js';
import { capturingLogger, sleep } from '../helpers/edge.js';
import { startModbusDevice, type ModbusTestDevice } from '../helpers/modbus-server.js';
import { FFMPEG_BIN, hasFfmpeg } from '../helpers/rtsp-camera.js';
import { startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';

// A camera snapshot from end to end: a door of the edge's own Modbus device opens in a zone with a camera, the edge
// fetches the camera's JPEG from an HTTP endpoint of this test's, publishes it on the real (embedded) broker, the
// centre stores it under DATA_DIR and in SQLite, attaches it to the door alarm and its incident, and serves it in
// the caller's scope. Then the centre's request, the refusals and the retention.

const SKIP = !hasFfmpeg();
if (SKIP) console.warn(`snapshot tests skipped: ${FFMPEG_BIN} is missing (./scripts/test.sh installs the Debian package ffmpeg)`);

const pad = (n: number) => String(n).padStart(2, '0');
/** a door schedule that excludes the depot's present hour (UTC+7): an opened door alarms now */
function closedHours(): string {
  const h = Math.floor(((Date.now() / 60_000 + 420) % 1440) / 60);
  return `${pad((h + 6) % 24)}:00-${pad((h + 7) % 24)}:00`;
}
const SITE = () => parseSiteConfig([{ name: 'site.yaml', text: `
regions: [{ id: R1, name: "Khu vực 1" }]
depots:
  - id: D1
    name: "Kho D1"
    region: R1
    type: ammunition
    position: { lat: 21, lon: 105 }
    zones:
      - { id: A, name: "Kho A", type: ammunition_store, doorSchedule: ["${closedHours()}"] }
      - { id: P, name: "Hàng rào", type: perimeter }
    sensors:
      - { id: DR1, zone: A, kind: door, intervalS: 10 }
    cameras:
      - { id: C1, zone: A, intervalS: 3600 }
      - { id: C2, zone: P, intervalS: 3600 }
      - { id: C3, zone: P, intervalS: 3600 }
  - id: D2
    name: "Kho D2"
    region: R1
    type: fuel
    position: { lat: 11, lon: 107 }
    zones: [{ id: T, name: "Bồn", type: fuel_store }]
    cameras: [{ id: C9, zone: T, intervalS: 3600 }]
` }, { name: 'rules.yaml', text: readFileSync('config/rules.yaml', 'utf8') }]);

let t: TestSystem;
let dev: ModbusTestDevice;
let http: Server;
let base = '';
let jpeg: Buffer;
/** a JPEG (real header, padded) over 512 KiB */
let big: Buffer;
let edge: RunningEdge;
let spoolDir = '';
let admin = '';
let guardD1 = '';
let guardD2 = '';
let display = '';
const served = { snap: 0, big: 0 };

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const padded = (n: number) => Buffer.concat([jpeg, Buffer.alloc(n - jpeg.length, 0x20)]);

beforeAll(async () => {
  if (SKIP) return;
  jpeg = execFileSync(FFMPEG_BIN, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240', '-frames:v', '1', '-f', 'mjpeg', '-']);
  big = padded(MAX_SNAPSHOT_BYTES + 64 * 1024);
  http = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/snap.jpg') {
      served.snap++;
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg);
    } else if (u.pathname === '/big.jpg') {
      // a camera that takes the JPEG quality as a parameter: at 50 and under, the picture fits
      served.big++;
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Number(u.searchParams.get('quality')) <= 50 ? jpeg : big);
    } else if (u.pathname === '/huge.jpg') {
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(big);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  dev = await startModbusDevice();
  dev.coils.set(3, false);
  t = await startTestSystem({ site: SITE(), env: { SNAPSHOT_MAX_BYTES: '1MiB' } });
  admin = await t.login();
  const mk = async (username: string, role: string, depots: string[] | null) => {
    const r = await t.api('/api/users', admin, { method: 'POST', body: JSON.stringify({ username, password: `${username}-password-long`, role, depots, mustChangePassword: false }) });
    expect(r.status).toBe(201);
    return t.login(username, `${username}-password-long`);
  };
  guardD1 = await mk('guard-d1', 'guard', ['D1']);
  guardD2 = await mk('guard-d2', 'guard', ['D2']);
  display = await mk('wall', 'display', ['D1']);

  spoolDir = mkdtempSync(join(tmpdir(), 'snap-edge-'));
  const cfg = checkEdgeConfig({
    depot: 'D1', mqtt: { url: t.system.mqttUrl, keepaliveS: 5 }, spool: { dir: spoolDir },
    modbus: [{ host: '127.0.0.1', port: dev.port, everyS: 0.1, timeoutMs: 500, points: [{ sensor: 'DR1', kind: 'door', coil: 3, zone: 'A' }] }],
    cameras: [
      { camera: 'C1', snapshot: `${base}/snap.jpg`, zone: 'A', everyS: 3600, snapshotMinS: 30, timeoutMs: 2000 },
      { camera: 'C2', snapshot: `${base}/big.jpg?quality=90`, zone: 'P', everyS: 3600, timeoutMs: 2000 },
      { camera: 'C3', snapshot: `${base}/huge.jpg`, zone: 'P', everyS: 3600, timeoutMs: 2000 },
    ],
  }, 'edge.yaml');
  const { logger } = capturingLogger();
  const sink = createSpoolSink(cfg, { logger, version: 'test' });
  await sink.start();
  edge = await startEdge(sink.config(), sink, { logger });
  await waitFor(async () => (await t.api<{ collector: { state: string } }>('/api/depots/D1', admin)).body.collector.state === 'online', 10_000, 'the edge online');
}, 60_000);

afterAll(async () => {
  if (SKIP) return;
  await edge?.stop();
  await t?.stop();
  await dev?.stop();
  await new Promise<void>((resolve) => http.close(() => resolve()));
  rmSync(spoolDir, { recursive: true, force: true });
});

const list = async (q: string, token = admin) => (await t.api<SnapshotView[]>(`/api/snapshots?${q}`, token)).body;
const getJpeg = async (id: number, token: string) => {
  const res = await fetch(`${t.base}/api/snapshots/${id}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type'), cache: res.headers.get('cache-control'), body: Buffer.from(await res.arrayBuffer()) };
};
const rejected = async (reason: string) => {
  const text = await (await fetch(`${t.base}/metrics`)).text();
  return Number(new RegExp(`depotwatch_ingest_rejected_total\\{reason="${reason}",depot="D1"\\} (\\d+)`).exec(text)?.[1] ?? 0);
};

describe.skipIf(SKIP)('camera snapshots', () => {
  let door: SnapshotView;

  it('a door opening in a camera\'s zone: the edge publishes its picture, the centre stores it and attaches it to the alarm and incident', async () => {
    // a flapping door: open, shut, open, shut, open, a poll apart; one picture within the 30 s debounce
    const opened = Date.now();
    for (const v of [true, false, true, false, true]) {
      dev.coils.set(3, v);
      await sleep(250);
    }
    const shots = await waitFor(async () => { const s = await list('depot=D1&camera=C1'); return s.length > 0 && s; }, 10_000, 'the door snapshot');
    door = shots[0] as SnapshotView;
    // the figure for the README: door opened → picture on the centre's disk
    expect(door.receivedAt - opened).toBeLessThan(5000);
    console.info(`door opened → snapshot stored at the centre: ${door.receivedAt - opened} ms`);
    expect(door.bytes).toBe(jpeg.length);
    expect(door.sha256).toBe(sha(jpeg));
    expect(door.zone).toBe('A');
    const dir = join(t.system.snapshots.filesRoot, 'D1', 'C1');
    expect(readdirSync(dir).filter((f) => f.endsWith('.jpg'))).toHaveLength(1);
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);

    const alarmId = await waitFor(async () => (await list(`depot=D1&camera=C1`))[0]?.alarms[0], 10_000, 'the snapshot attached to the door alarm');
    expect(alarmId).toContain('DR1');
    const incidents = (await t.api<IncidentView[]>('/api/incidents?state=open', admin)).body;
    const incident = incidents.find((i) => i.alarms.some((a) => a.id === alarmId)) as IncidentView;
    expect(incident).toBeDefined();
    const entry = incident.timeline.find((e) => e.type === 'snapshot');
    expect(parseSnapshotTimelineDetail(entry?.detail)).toEqual({ id: door.id, camera: 'C1' });
    expect(entry?.alarmId).toBe(alarmId);
    expect((await list(`alarm=${encodeURIComponent(alarmId)}`)).map((s) => s.id)).toEqual([door.id]);
    expect((await list(`incident=${incident.id}`)).map((s) => s.id)).toEqual([door.id]);

    await sleep(1500);
    expect(await list('depot=D1&camera=C1')).toHaveLength(1);
    const counters = edge.snapshotCounters();
    expect(counters?.taken).toBe(1);
    expect((counters?.debounced ?? 0) + (counters?.coalesced ?? 0)).toBeGreaterThanOrEqual(1);
    expect(served.snap).toBeGreaterThanOrEqual(1);
  });

  it('serves the same bytes to the depot\'s guard, 403 to another depot\'s guard, 404 for an unknown one', async () => {
    const mine = await getJpeg(door.id, guardD1);
    expect(mine.status).toBe(200);
    expect(mine.type).toBe('image/jpeg');
    expect(mine.cache).toContain('private');
    expect(sha(mine.body)).toBe(door.sha256);
    expect((await getJpeg(door.id, guardD2)).status).toBe(403);
    expect((await getJpeg(999_999, guardD1)).status).toBe(404);
    expect((await fetch(`${t.base}/api/snapshots/${door.id}`)).status).toBe(401);
    expect(await list('depot=D1', guardD2).catch(() => [])).not.toContainEqual(expect.objectContaining({ id: door.id }));
    expect((await t.api('/api/snapshots?depot=D1', guardD2)).status).toBe(404);
    expect((await t.api<SnapshotView[]>('/api/snapshots', guardD2)).body).toEqual([]);
  });

  it('"take a snapshot now": the centre\'s snapshot/request yields a picture, at a lower quality when the first is too large', async () => {
    // the camera's health check fetched the URL once at start; from here on, only the snapshot's attempts
    const bigBefore = served.big;
    const r = await t.api<SnapshotTakeResult>('/api/snapshots/request', guardD1, { method: 'POST', body: JSON.stringify({ depot: 'D1', camera: 'C2' }) });
    expect(r.status).toBe(202);
    expect(r.body.cameras).toEqual(['C2']);
    const shot = await waitFor(async () => (await list('depot=D1&camera=C2'))[0], 10_000, 'the requested snapshot');
    expect(shot.origin).toBe('operator');
    expect(shot.requestedBy).toBe('guard-d1');
    expect(shot.sha256).toBe(sha(jpeg)); // the small one: asked at quality 90, 54, then 32
    expect(served.big - bigBefore).toBe(3);
    // at once again: the camera was asked a moment ago
    expect((await t.api('/api/snapshots/request', guardD1, { method: 'POST', body: JSON.stringify({ depot: 'D1', camera: 'C2' }) })).status).toBe(429);
    // outside the scope, without the right, with bad input
    expect((await t.api('/api/snapshots/request', guardD2, { method: 'POST', body: JSON.stringify({ depot: 'D1', camera: 'C1' }) })).status).toBe(404);
    expect((await t.api('/api/snapshots/request', display, { method: 'POST', body: JSON.stringify({ depot: 'D1', camera: 'C1' }) })).status).toBe(403);
    const bad = await t.api<{ fields: { path: string }[] }>('/api/snapshots/request', guardD1, { method: 'POST', body: JSON.stringify({ depot: 'D 1' }) });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f) => f.path).sort()).toEqual(['camera', 'depot']);
    const audit = (await t.api<{ action: string; actor: string }[]>('/api/audit?action=snapshot.request', admin)).body;
    expect(audit.some((a) => a.actor === 'guard-d1')).toBe(true);
  });

  it('a picture asked for an alarm is attached to that alarm\'s incident', async () => {
    const alarmId = door.alarms[0] ?? (await list('depot=D1&camera=C1'))[0]?.alarms[0];
    // the edge answers a request with the picture it took a moment ago (3 s): wait that out
    await sleep(Math.max(0, door.receivedAt + 3200 - Date.now()));
    const r = await t.api<SnapshotTakeResult>('/api/snapshots/request', guardD1, { method: 'POST', body: JSON.stringify({ depot: 'D1', alarmId }) });
    expect(r.status).toBe(202);
    expect(r.body.cameras).toEqual(['C1']);
    const shots = await waitFor(async () => { const s = await list(`alarm=${encodeURIComponent(alarmId as string)}`); return s.length === 2 && s; }, 10_000, 'the second picture of the alarm');
    expect(shots[0]?.origin).toBe('operator');
  });

  it('refuses oversized and non-JPEG snapshots with a reason, counted, and a packet over the broker\'s limit costs only its sender', async () => {
    const before = { large: await rejected('too_large'), jpeg: await rejected('not_jpeg') };
    await t.mqtt.publishAsync('depots/D1/cameras/C3/snapshot', padded(MAX_SNAPSHOT_BYTES + 1), { qos: 1 });
    await t.mqtt.publishAsync('depots/D1/cameras/C3/snapshot', Buffer.from('{"not":"a picture"}'), { qos: 1 });
    await waitFor(async () => (await rejected('too_large')) === before.large + 1 && (await rejected('not_jpeg')) === before.jpeg + 1, 5000, 'both counted');
    // the edge's own camera over the limit at every quality: refused at the edge, never published
    const r = await t.api('/api/snapshots/request', guardD1, { method: 'POST', body: JSON.stringify({ depot: 'D1', camera: 'C3' }) });
    expect(r.status).toBe(202);
    await waitFor(() => (edge.snapshotCounters()?.tooLarge ?? 0) >= 1, 5000, 'the edge refusing the huge picture');

    const rogue = await connectAsync(t.system.mqttUrl, { clientId: 'rogue', reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => rogue.once('close', () => resolve()));
    rogue.publish('depots/D1/cameras/C3/snapshot', Buffer.alloc(600 * 1024, 0xff));
    await closed;
    rogue.end(true);
    // the centre and the edge go on: a proper picture still arrives
    await t.mqtt.publishAsync('depots/D1/cameras/C3/snapshot', jpeg, { qos: 1 });
    await waitFor(async () => (await list('depot=D1&camera=C3')).length === 1, 5000, 'a good snapshot after the rogue one');
    expect((await list('depot=D1&camera=C3'))[0]?.sha256).toBe(sha(jpeg));
    expect(edge.snapshotCounters()?.taken).toBeGreaterThanOrEqual(3);
  });

  it('retention removes the oldest past the byte cap and keeps what an open incident holds', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      await t.mqtt.publishAsync('depots/D1/cameras/C3/snapshot', padded(300 * 1024 + i), { qos: 1 });
      const id = await waitFor(async () => (await list('depot=D1&camera=C3&limit=1'))[0]?.bytes === 300 * 1024 + i && (await list('depot=D1&camera=C3&limit=1'))[0]?.id, 5000, `snapshot ${i}`);
      ids.push(id);
    }
    const all = await list('depot=D1&limit=200');
    const oldestFirst = [...all].sort((a, b) => a.ts - b.ts || a.id - b.id);
    const r = await t.system.snapshots.enforceRetention();
    expect(r.removed).toBeGreaterThan(0);
    const left = await list('depot=D1&limit=200');
    const total = left.reduce((n, s) => n + s.bytes, 0);
    expect(total).toBeLessThanOrEqual(1024 * 1024);
    // what went is the oldest unattached; the door's pictures (open incident) stay
    expect(left.map((s) => s.id)).toContain(door.id);
    const gone = oldestFirst.filter((s) => !left.some((l) => l.id === s.id));
    expect(gone.every((s) => s.incidents.length === 0)).toBe(true);
    const kept = oldestFirst.filter((s) => s.incidents.length === 0 && left.some((l) => l.id === s.id));
    for (const g of gone) for (const k of kept) expect(g.ts <= k.ts).toBe(true);
    expect(left.map((s) => s.id)).toContain(ids[3]);
    for (const g of gone) {
      expect((await getJpeg(g.id, admin)).status).toBe(404);
      expect(existsSync(join(t.system.snapshots.filesRoot, 'D1', g.camera))).toBe(true);
    }
    const files = readdirSync(join(t.system.snapshots.filesRoot, 'D1', 'C3')).filter((f) => f.endsWith('.jpg'));
    expect(files).toHaveLength(left.filter((s) => s.camera === 'C3').length);
  });
});
