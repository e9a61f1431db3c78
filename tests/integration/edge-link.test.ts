import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync, type MqttClient } from 'mqtt';
import { edgeConfigSchema } from '../../collectors/src/edge/config-schema.js';
import { startEdgeLink, type EdgeLink } from '../../collectors/src/edge/link/edge-link.js';
import { silentLogger } from '../../lib/logger.js';
import { spawnEdge, type EdgeProcess } from '../helpers/edge-process.js';
import { backfillEntries, checkBackfillEntry, checkDelivery, readingFactory, startRecorder, type Received } from '../helpers/edge-link-checks.js';
import { startMosquitto, type MosquittoHandle } from '../helpers/mosquitto.js';
import { createLinkNamespace, netnsUnavailable, type LinkNamespace } from '../helpers/netns.js';
import { smallSite } from '../helpers/site.js';
import { startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

/**
 * The edge's link to the centre as an ordinary, tested condition (issue 7, item 6): real Mosquitto, the
 * whole centre, the edge's spool and publisher fed by a synthetic source whose schedule the test controls.
 * The edge reaches the broker through a TCP proxy of the test's, so the test decides when it may reconnect.
 */
describe('edge link: store and forward', () => {
  let broker: MosquittoHandle;
  let t: TestSystem;
  let token: string;
  let recorder: { received: Received[]; client: MqttClient };
  const dirs: string[] = [];
  const cleanups: (() => Promise<void> | void)[] = [];

  const edgeConfig = (url: string, extra: { backfillKbps?: number; dir?: string } = {}) => {
    const dir = extra.dir ?? mkdtempSync(join(tmpdir(), 'edge-spool-'));
    if (!extra.dir) dirs.push(dir);
    return edgeConfigSchema.parse({
      depot: 'D1', mqtt: { url, keepaliveS: 2, clientId: `edge-D1-${Math.random().toString(16).slice(2, 8)}` },
      spool: { dir, maxBytes: '64MB' }, link: { backfillKbps: extra.backfillKbps ?? 256 },
    });
  };
  /** proves the centre is subscribed (after a broker restart): a status of D2 reaches its live state */
  const centreListening = async () => {
    const ts = Date.now();
    const probe = await connectAsync(broker.url, { clientId: `probe-${ts}`, reconnectPeriod: 0 });
    try {
      await waitFor(async () => {
        await probe.publishAsync('depots/D2/collector/status', JSON.stringify({ state: 'online', ts, spooled: 0 }), { qos: 1 });
        await new Promise((resolve) => setTimeout(resolve, 100));
        return t.system.live.depot('D2')?.collector.ts === ts;
      }, 15_000, 'centre subscribed again');
    } finally {
      await probe.endAsync();
    }
  };

  beforeAll(async () => {
    broker = await startMosquitto();
    t = await startTestSystem({ env: { MQTT_URL: broker.url }, site: smallSite() });
    token = await t.login();
  });
  afterAll(async () => {
    await t?.stop();
    await broker?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await recorder?.client.endAsync();
  });
  const freshRecorder = async () => { recorder = await startRecorder(broker.url, 'D1'); };
  /** each test starts with no backfill entry pending and counts only its own */
  const backfillsBefore = async () => (await backfillEntries(t, token)).length;

  it('the broker killed and restarted: the cut is spooled, replayed as history, nothing lost or doubled', async () => {
    await freshRecorder();
    const proxy: TcpProxy = await startTcpProxy({ listenHost: '127.0.0.1', target: { host: '127.0.0.1', port: broker.port } });
    cleanups.push(() => proxy.close());
    const link: EdgeLink = startEdgeLink({ config: edgeConfig(`mqtt://127.0.0.1:${proxy.port}`), logger: silentLogger });
    cleanups.push(() => link.stop());
    const before = await backfillsBefore();
    const r = readingFactory();
    await waitFor(() => link.status().connected, 10_000, 'edge connected');
    for (const v of [20, 20.5]) link.submit(r.temp('live', v));
    link.submit(r.smoke('live', 0));
    link.submit(r.door('live', 0));
    link.submit(r.camera('live', true));
    await waitFor(() => link.status().spooled === 0 && recorder.received.length === 5, 10_000, 'live readings delivered');

    proxy.setOpen(false); // the edge may come back only once the centre listens again
    await broker.stop();
    await waitFor(() => !link.status().connected, 10_000, 'edge noticed');
    for (let i = 0; i < 30; i++) link.submit(r.temp('cut', 21 + i / 10));
    link.submit(r.smoke('cut', 1));
    link.submit(r.door('cut', 1));
    link.submit(r.camera('cut', false));
    link.submit(r.door('cut', 0));
    link.submit(r.smoke('cut', 0));
    link.submit(r.camera('cut', true));
    expect(link.status().spooled).toBe(36);

    broker = await startMosquitto({ port: broker.port });
    await waitFor(() => recorder.client.connected, 10_000, 'recorder back');
    await recorder.client.subscribeAsync(['depots/D1/sensors/+', 'depots/D1/cameras/+/health'], { qos: 1 });
    await centreListening();
    proxy.setOpen(true);
    await waitFor(() => link.status().connected, 15_000, 'edge reconnected');
    link.submit(r.temp('live', 30));
    await waitFor(() => link.status().spooled === 0, 15_000, 'backlog replayed');
    link.submit(r.temp('live', 31));

    await checkDelivery(t, recorder.received, r.emitted);
    const entries = await waitFor(async () => { const e = await backfillEntries(t, token); return e.length > before && e; }, 10_000, 'link.backfill entry');
    checkBackfillEntry(entries.slice(0, entries.length - before), r.emitted);
    // the status reports the replay done, and the centre shows the collector online again
    await waitFor(() => t.system.live.depot('D1')?.collector.state === 'online', 5000, 'collector online');
  });

  it('kill -9 in the middle of a replay: the restarted edge re-sends only what was not acknowledged', async () => {
    await freshRecorder();
    const proxy = await startTcpProxy({ listenHost: '127.0.0.1', target: { host: '127.0.0.1', port: broker.port } });
    cleanups.push(() => proxy.close());
    proxy.setOpen(false);
    const dir = mkdtempSync(join(tmpdir(), 'edge-spool-'));
    dirs.push(dir);
    const url = `mqtt://127.0.0.1:${proxy.port}`;
    const r = readingFactory();
    // a slow replay (16 kbit/s) of a backlog recorded while the centre was unreachable
    let edge: EdgeProcess = await spawnEdge(edgeConfig(url, { dir, backfillKbps: 16 }));
    cleanups.push(() => edge.stop());
    const cut = [
      ...Array.from({ length: 300 }, (_, i) => r.temp('cut', 20 + (i % 50) / 10)),
      r.smoke('cut', 1), r.door('cut', 1), r.door('cut', 0), r.smoke('cut', 0),
    ];
    for (let i = 0; i < cut.length; i += 50) await edge.emit(cut.slice(i, i + 50));
    expect((await edge.status()).spooled).toBe(cut.length);
    const before = await backfillsBefore();
    proxy.setOpen(true);
    await waitFor(() => recorder.received.filter((x) => x.hist).length >= 60, 20_000, 'replay under way');
    await edge.kill9();
    const atKill = recorder.received.length;
    expect(atKill).toBeLessThan(cut.length); // killed mid-replay, not after
    // the Last Will: the centre hears the collector is gone
    await waitFor(() => t.system.live.depot('D1')?.collector.state === 'offline', 10_000, 'Last Will published');

    edge = await spawnEdge(edgeConfig(url, { dir, backfillKbps: 1000 }));
    await waitFor(async () => (await edge.status()).connected, 10_000, 'restarted edge connected');
    await waitFor(async () => (await edge.status()).spooled === 0, 20_000, 'rest replayed');
    await edge.emit([r.temp('live', 40)]);
    // what was in flight at the kill may come twice (QoS 1); the store keeps it once
    await checkDelivery(t, recorder.received, r.emitted, { duplicatesAllowed: 16 * 40 });
    const entries = await waitFor(async () => { const e = await backfillEntries(t, token); return e.length > before && e; }, 40_000, 'link.backfill entry');
    expect(entries.length - before).toBeGreaterThanOrEqual(1);
  });

  it('the retained collector/config from the centre: a newer one is applied and reported, a bad one refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-spool-'));
    dirs.push(dir);
    const configTopic = 'depots/D1/collector/config';
    // the system's own publisher died with the first test's broker: a client of this broker
    const centre = await connectAsync(broker.url, { clientId: `centre-config-${Date.now()}` });
    cleanups.push(() => centre.endAsync());
    const publishConfig = (c: unknown) => centre.publishAsync(configTopic, JSON.stringify(c), { qos: 1, retain: true });
    const cameras = [{ camera: 'C1', rtsp: 'rtsp://10.1.1.41/stream1' }];
    await publishConfig({ depot: 'D1', version: 5, cameras });
    let link = startEdgeLink({ config: edgeConfig(broker.url, { dir }), logger: silentLogger });
    const applied: number[] = [];
    link.onConfig((c) => applied.push(c.version));
    cleanups.push(() => link.stop());
    await waitFor(() => link.config().version === 5, 10_000, 'retained config applied');
    expect(link.config().cameras).toMatchObject([{ camera: 'C1', everyS: 30 }]);
    expect(applied).toEqual([5]);
    await waitFor(() => t.system.live.depot('D1')?.collector.state === 'online', 5000, 'status heard');
    // the status carries the version applied
    const status = await new Promise<Record<string, unknown>>((resolve, reject) => {
      setTimeout(() => reject(new Error('no retained collector status')), 10_000);
      void connectAsync(broker.url, { clientId: `status-${Date.now()}` }).then(async (c) => {
        c.on('message', (_topic, payload) => { void c.endAsync(); resolve(JSON.parse(payload.toString()) as Record<string, unknown>); });
        await c.subscribeAsync('depots/D1/collector/status', { qos: 1 });
      });
    });
    expect(status).toMatchObject({ state: 'online', configVersion: 5, version: expect.any(String), spooled: 0, dropped: 0 });
    // a bad one (a Modbus point without an address) and an older one change nothing
    await publishConfig({ version: 6, modbus: [{ host: 'x', points: [{ sensor: 'A-T1', kind: 'temperature' }] }] });
    await publishConfig({ version: 4, cameras: [] });
    await publishConfig({ version: 7, cameras: [] });
    await waitFor(() => link.config().version === 7, 10_000, 'newer config applied');
    expect(applied).toEqual([5, 7]);
    // a restart without the centre runs the configuration it last applied
    await link.stop();
    cleanups.pop();
    await centre.publishAsync(configTopic, '', { qos: 1, retain: true });
    link = startEdgeLink({ config: edgeConfig('mqtt://127.0.0.1:1', { dir }), logger: silentLogger });
    cleanups.push(() => link.stop());
    expect(link.config().version).toBe(7);
  });

  const noNetns = netnsUnavailable();
  it.skipIf(noNetns !== null)(`a 64 kbit/s link with delay and loss, then a partition${noNetns ? ` (skipped: ${noNetns})` : ''}`, async () => {
    await freshRecorder();
    const ns: LinkNamespace = createLinkNamespace({ rateKbit: 64 });
    cleanups.push(() => ns.destroy());
    const proxy = await startTcpProxy({ listenHost: ns.hostIp, target: { host: '127.0.0.1', port: broker.port }, delayMs: 60, lossRate: 0.02, retransmitMs: 250 });
    cleanups.push(() => proxy.close());
    const edge = await spawnEdge(edgeConfig(`mqtt://${ns.hostIp}:${proxy.port}`, { backfillKbps: 32 }), { netns: ns.name });
    cleanups.push(() => edge.stop());
    const before = await backfillsBefore();
    const r = readingFactory();
    await waitFor(async () => (await edge.status()).connected, 15_000, 'edge connected across the namespace');
    await edge.emit([r.temp('live', 20), r.smoke('live', 0), r.door('live', 0), r.camera('live', true)]);
    await waitFor(async () => (await edge.status()).spooled === 0, 15_000, 'live delivered over the slow link');

    ns.partition(true);
    // until the keepalive notices (about 3 s), readings go out into the void: they must still arrive once
    const unnoticed = [r.temp('cut', 20.1), r.temp('cut', 20.2)];
    await edge.emit(unnoticed);
    await waitFor(async () => !(await edge.status()).connected, 15_000, 'edge noticed the partition');
    const cut = [
      ...Array.from({ length: 150 }, (_, i) => r.temp('cut', 21 + (i % 30) / 10)),
      r.smoke('cut', 1), r.door('cut', 1), r.camera('cut', false), r.door('cut', 0), r.smoke('cut', 0), r.camera('cut', true),
    ];
    await edge.emit(cut);
    ns.partition(false);
    await waitFor(async () => (await edge.status()).connected, 30_000, 'edge reconnected after the partition');
    await edge.emit([r.temp('live', 30)]);
    await waitFor(async () => (await edge.status()).spooled === 0, 40_000, 'backlog replayed over 64 kbit/s');
    await edge.emit([r.temp('live', 31)]);
    await checkDelivery(t, recorder.received, r.emitted, { inFlightAtCut: new Set(unnoticed.map((u) => `T1@${u.payload.ts}`)) });
    const entries = await waitFor(async () => { const e = await backfillEntries(t, token); return e.length > before && e; }, 10_000, 'link.backfill entry');
    checkBackfillEntry(entries.slice(0, entries.length - before), r.emitted);
  });
});
