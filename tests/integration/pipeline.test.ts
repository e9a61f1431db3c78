import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DepotDetail, DepotSummary, LiveBatch, Snapshot } from '../../server/src/contracts/api.js';
import { startInfluxd, type RunningInfluxd } from '../helpers/influxd.js';
import { startMosquitto, type MosquittoHandle } from '../helpers/mosquitto.js';
import { smallSite } from '../helpers/site.js';
import { startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';

/**
 * The whole data path with real parts: MQTT publish → validated ingest → telemetry store → live
 * state → REST and Socket.IO. Once on the embedded broker with the SQLite store, once on Mosquitto
 * with InfluxDB (shared subscription).
 */
const setups = [
  { name: 'aedes + SQLite', external: false },
  { name: 'Mosquitto + InfluxDB', external: true },
] as const;

describe.each(setups)('data path: $name', ({ external }) => {
  let t: TestSystem;
  let token: string;
  let broker: MosquittoHandle | undefined;
  let influx: RunningInfluxd | undefined;

  beforeAll(async () => {
    const env: Record<string, string> = {};
    if (external) {
      [broker, influx] = await Promise.all([startMosquitto(), startInfluxd()]);
      env.MQTT_URL = broker.url;
      env.INFLUX_URL = influx.url;
      env.INFLUX_DB = 'pipeline_test';
    }
    t = await startTestSystem({ env, site: smallSite() });
    token = await t.login();
  });
  afterAll(async () => {
    await t?.stop();
    await broker?.stop();
    await influx?.stop();
  });

  const publish = (topic: string, payload: unknown) => t.mqtt.publishAsync(topic, JSON.stringify(payload), { qos: 1 });
  const depot = async (id: string) => (await t.api<DepotDetail>(`/api/depots/${id}`, token)).body;

  it('lists every configured depot, unknown before any data', async () => {
    const { status, body } = await t.api<DepotSummary[]>('/api/depots', token);
    expect(status).toBe(200);
    expect(body.map((d) => d.id)).toEqual(['D1', 'D2']);
    expect(body.every((d) => d.readiness === 'unknown' && d.region && d.name && Array.isArray(d.reasons))).toBe(true);
  });

  it('publish → stored → visible through REST and Socket.IO', async () => {
    const sock = t.socket(token);
    const snapshot = await new Promise<Snapshot>((resolve) => sock.once('live:snapshot', resolve));
    expect(snapshot.depots.map((d) => d.id)).toEqual(['D1', 'D2']);
    const batches: LiveBatch[] = [];
    sock.on('live:batch', (b) => batches.push(b));

    const ts = Date.now() - 1000;
    await publish('depots/D1/collector/status', { state: 'online', ts, version: 't1', spooled: 0 });
    await publish('depots/D1/sensors/T1', { ts, kind: 'temperature', value: 21.5, unit: 'C' });
    await publish('depots/D1/cameras/C1/health', { ts, online: true, fps: 25, recording: true });

    // three messages, three points; each may land in its own write batch, so wait for each, not the first
    for (const measurement of ['sensor', 'camera', 'collector'] as const) {
      const stored = await waitFor(async () => (await t.system.store.count({ measurement, depot: 'D1', from: ts - 1, to: ts + 1 })) === 1, 10_000, `${measurement} point stored`);
      expect(stored, measurement).toBe(true);
    }

    const d1 = await waitFor(async () => { const d = await depot('D1'); return d.sensors.find((s) => s.id === 'T1')?.value === 21.5 && d; });
    expect(d1.sensors.find((s) => s.id === 'T1')).toMatchObject({ kind: 'temperature', zone: 'A', value: 21.5, ts, status: 'normal', unit: 'C', high: 30 });
    expect(d1.cameras.find((c) => c.id === 'C1')).toMatchObject({ zone: 'A', status: 'normal', health: { online: true, fps: 25, recording: true } });
    expect(d1.collector).toMatchObject({ state: 'online', version: 't1' });
    expect(d1.zones.map((z) => z.id)).toEqual(['A', 'P']);

    await waitFor(() => batches.some((b) => b.sensors.some((s) => s.depot === 'D1' && s.id === 'T1' && s.value === 21.5)), 5000, 'socket delta');
    const history = await t.api<{ points: { mean: number }[] }>(`/api/depots/D1/history?sensor=T1&from=${ts - 60_000}&to=${ts + 60_000}`, token);
    expect(history.status).toBe(200);
    expect(history.body.points.map((p) => p.mean)).toEqual([21.5]);
  });

  it('smoke makes the depot not ready, live, with the reason', async () => {
    const sock = t.socket(token);
    const batches: LiveBatch[] = [];
    sock.on('live:batch', (b) => batches.push(b));
    await new Promise((r) => sock.once('live:snapshot', r));
    await publish('depots/D1/sensors/SM1', { kind: 'smoke', value: 1 });
    const update = await waitFor(() => batches.flatMap((b) => b.depots).find((d) => d.id === 'D1' && d.readiness === 'not_ready'), 5000, 'not_ready delta');
    expect(update.reasons[0]).toMatchObject({ code: 'state_active', severity: 'critical' });
    expect((await depot('D1')).readiness).toBe('not_ready');
    await publish('depots/D1/sensors/SM1', { kind: 'smoke', value: 0 });
    await waitFor(async () => (await depot('D1')).readiness !== 'not_ready', 5000, 'smoke cleared');
  });

  it('marks the collector offline from its Last Will', async () => {
    const { connectAsync } = await import('mqtt');
    const edge = await connectAsync(t.system.mqttUrl, {
      clientId: 'edge-D2', reconnectPeriod: 0,
      will: { topic: 'depots/D2/collector/status', payload: Buffer.from(JSON.stringify({ state: 'offline' })), qos: 1, retain: true },
    });
    await edge.publishAsync('depots/D2/collector/status', JSON.stringify({ state: 'online' }), { qos: 1, retain: true });
    await waitFor(async () => (await depot('D2')).collector.state === 'online', 5000, 'collector online');
    edge.stream.destroy(); // an ungraceful loss: the broker publishes the will
    const d2 = await waitFor(async () => { const d = await depot('D2'); return d.collector.state === 'offline' && d; }, 10_000, 'will delivered');
    expect(d2.readiness).toBe('degraded');
    expect(d2.reasons.map((r) => r.code)).toContain('collector_offline');
    edge.end(true);
  });

  it('replaying the same message stores one point (idempotent)', async () => {
    const ts = Date.now() - 5000;
    for (let i = 0; i < 3; i++) await publish('depots/D2/sensors/G1', { ts, kind: 'gas', value: 2 });
    await waitFor(async () => (await t.system.store.count({ measurement: 'sensor', depot: 'D2', from: ts, to: ts + 1 })) >= 1);
    await new Promise((r) => setTimeout(r, 600)); // past the writer's flush interval
    expect(await t.system.store.count({ measurement: 'sensor', depot: 'D2', from: ts, to: ts + 1 })).toBe(1);
  });

  it('keeps unconfigured devices as discovered, not as telemetry', async () => {
    const ts = Date.now() - 2000;
    await publish('depots/D1/sensors/NEW-1', { ts, kind: 'humidity', value: 50 });
    await publish('depots/ZZ9/sensors/X', { ts, kind: 'smoke', value: 0 });
    const list = await waitFor(async () => { const r = await t.api<{ depotId: string; id: string; sensorKind?: string }[]>('/api/discovered', token); return r.body.length >= 2 && r.body; });
    expect(list).toEqual(expect.arrayContaining([expect.objectContaining({ depotId: 'D1', id: 'NEW-1', sensorKind: 'humidity' }), expect.objectContaining({ depotId: 'ZZ9', id: 'X' })]));
    expect(await t.system.store.count({ measurement: 'sensor', depot: 'ZZ9', from: ts - 1, to: ts + 1 })).toBe(0);
  });
});
