import { describe, expect, it } from 'vitest';
import { edgeConfigSchema } from '../../collectors/src/edge/config-schema.js';
import { applyCentreConfig } from '../../collectors/src/edge/link/centre-config.js';
import { edgeMqttOptions, EdgeTlsError } from '../../collectors/src/edge/link/mqtt-connection.js';
import { createTokenBucket } from '../../collectors/src/edge/link/token-bucket.js';
import { batchLimitsFor, liveMessage, planBatches, publishPacketBytes, TCP_IP_OVERHEAD_BYTES } from '../../collectors/src/edge/link/wire.js';
import type { SpooledReading } from '../../collectors/src/edge/spool/spool.js';
import { sensorPayloadSchema, cameraHealthPayloadSchema } from '../../server/src/contracts/mqtt.js';
import { silentLogger } from '../../lib/logger.js';

const T0 = Date.UTC(2026, 11, 1, 2, 0, 0);
const row = (seq: number, r: SpooledReading['reading']): SpooledReading => ({ seq, device: r.type === 'sensor' ? `s/${r.sensorId}` : `c/${r.cameraId}`, reading: r });
const temp = (seq: number, id: string, value: number) => row(seq, { type: 'sensor', sensorId: id, payload: { ts: T0 + seq, kind: 'temperature', value } });
const cam = (seq: number, id: string) => row(seq, { type: 'camera', cameraId: id, payload: { ts: T0 + seq, online: true, fps: 25 } });

describe('edge wire format', () => {
  it('counts an MQTT PUBLISH exactly (fixed header, remaining length, topic, packet id)', () => {
    expect(publishPacketBytes('a/b', 'x'.repeat(10))).toBe(1 + 1 + 2 + 3 + 2 + 10);
    expect(publishPacketBytes('a/b', 'x'.repeat(200))).toBe(1 + 2 + 2 + 3 + 2 + 200);
  });

  it('a live reading is one object, without hist', () => {
    const m = liveMessage('depots', 'K101', 7, temp(7, 'A-T1', 21).reading);
    expect(m.topic).toBe('depots/K101/sensors/A-T1');
    expect(JSON.parse(m.payload)).toEqual({ ts: T0 + 7, kind: 'temperature', value: 21 });
    expect(m.wireBytes).toBe(publishPacketBytes(m.topic, m.payload) + TCP_IP_OVERHEAD_BYTES);
  });

  it('replay batches per sensor in order, cameras one per message, every object hist, each valid for the centre', () => {
    const rows = [temp(1, 'T1', 1), temp(2, 'T2', 2), cam(3, 'C1'), temp(4, 'T1', 3), cam(5, 'C1'), temp(6, 'T2', 4)];
    const out = planBatches('depots', 'K1', rows, { maxPayloadBytes: 10_000, maxReadings: 1000 });
    expect(out.map((m) => [m.topic, m.seqs])).toEqual([
      ['depots/K1/sensors/T1', [1, 4]], ['depots/K1/sensors/T2', [2, 6]], ['depots/K1/cameras/C1/health', [3]], ['depots/K1/cameras/C1/health', [5]],
    ]);
    for (const m of out) {
      const json: unknown = JSON.parse(m.payload);
      const objects = Array.isArray(json) ? json : [json];
      expect(objects.every((o: { hist?: boolean }) => o.hist === true)).toBe(true);
      const schema = m.topic.endsWith('/health') ? cameraHealthPayloadSchema : sensorPayloadSchema;
      expect(schema.safeParse(json).success).toBe(true);
    }
  });

  it('splits a device at the byte and count limits and keeps its order across messages', () => {
    const rows = Array.from({ length: 50 }, (_, i) => temp(i + 1, 'T1', i));
    const out = planBatches('depots', 'K1', rows, { maxPayloadBytes: 400, maxReadings: 1000 });
    expect(out.length).toBeGreaterThan(1);
    expect(out.every((m) => Buffer.byteLength(m.payload) <= 400)).toBe(true);
    expect(out.flatMap((m) => m.seqs)).toEqual(rows.map((r) => r.seq));
    const byCount = planBatches('depots', 'K1', rows, { maxPayloadBytes: 1e6, maxReadings: 20 });
    expect(byCount.map((m) => m.seqs.length)).toEqual([20, 20, 10]);
  });

  it('a batch costs far fewer bytes per reading than single messages', () => {
    const rows = Array.from({ length: 20 }, (_, i) => temp(i + 1, 'A-T1', 20 + i / 10));
    const single = rows.reduce((n, r) => n + liveMessage('depots', 'K101', r.seq, r.reading).wireBytes, 0);
    const batched = planBatches('depots', 'K101', rows, batchLimitsFor(32)).reduce((n, m) => n + m.wireBytes, 0);
    expect(batched).toBeLessThan(single * 0.7);
  });

  it('sizes replay messages to half a second of the backfill rate, 1 KiB to 16 KiB', () => {
    expect(batchLimitsFor(32).maxPayloadBytes).toBe(2000);
    expect(batchLimitsFor(4).maxPayloadBytes).toBe(1024);
    expect(batchLimitsFor(10_000).maxPayloadBytes).toBe(16_384);
  });
});

describe('token bucket', () => {
  it('lets a burst through, then paces at the rate, paying back a debt first', () => {
    const b = createTokenBucket(1000, 500, 0);
    expect(b.take(400, 0)).toBe(0);
    expect(b.take(400, 0)).toBe(0); // 100 tokens were left: allowed, into debt
    const wait = b.take(100, 0);
    expect(wait).toBeGreaterThanOrEqual(300);
    expect(wait).toBeLessThanOrEqual(302);
    expect(b.take(100, 299)).toBeGreaterThan(0);
    expect(b.take(100, 301)).toBe(0);
    // over a long run the rate holds: 10 s at 1000 B/s lets about 10 000 bytes through
    const c = createTokenBucket(1000, 500, 0);
    let sent = 0;
    for (let t = 0; t <= 10_000; t += 10) while (c.take(100, t) === 0) sent += 100;
    expect(sent).toBeGreaterThanOrEqual(10_000);
    expect(sent).toBeLessThanOrEqual(10_700);
  });
});

const baseConfig = () => edgeConfigSchema.parse({
  depot: 'K101', version: 2, mqtt: { url: 'mqtts://centre:8883', username: 'K101', password: 'pw', ca: '/etc/ca.pem' },
  spool: { dir: '/var/lib/x', maxBytes: '1GB' },
  modbus: [{ host: '10.1.1.20', points: [{ sensor: 'A-T1', kind: 'temperature', register: 0, type: 'int16', scale: 0.1 }] }],
});

describe('centre configuration over MQTT', () => {
  const cameras = [{ camera: 'CAM01', rtsp: 'rtsp://10.1.1.41/stream1' }];
  it('replaces the device lists when newer and keeps the connection settings of the file', () => {
    const r = applyCentreConfig(baseConfig(), JSON.stringify({ depot: 'K101', version: 3, mqtt: { url: 'mqtt://elsewhere' }, cameras }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.version).toBe(3);
    expect(r.config.modbus).toEqual([]);
    expect(r.config.cameras).toMatchObject([{ camera: 'CAM01', everyS: 30 }]);
    expect(r.config.mqtt.url).toBe('mqtts://centre:8883');
    expect(Object.isFrozen(r.config)).toBe(true);
  });

  it('a message without device lists moves only the version: the file’s lists run on, the sources untouched', () => {
    const file = baseConfig();
    const r = applyCentreConfig(file, JSON.stringify({ version: 4 }));
    expect(r).toMatchObject({ ok: true, devicesChanged: false, config: { version: 4, modbus: file.modbus, cameras: [] } });
    // after the centre's lists ran, a message without any gives the file's back
    const centre = applyCentreConfig(file, JSON.stringify({ version: 5, cameras }));
    if (!centre.ok) throw new Error(centre.detail);
    expect(centre.devicesChanged).toBe(true);
    const back = applyCentreConfig(centre.config, JSON.stringify({ version: 6 }), file);
    expect(back).toMatchObject({ ok: true, devicesChanged: true, config: { version: 6, modbus: file.modbus, cameras: [] } });
    // the same lists under a newer version: nothing to restart
    expect(applyCentreConfig(centre.config, JSON.stringify({ version: 7, cameras }), file)).toMatchObject({ ok: true, devicesChanged: false, config: { version: 7 } });
  });

  it('refuses an older or equal version, another depot, bad JSON and bad devices, naming the path', () => {
    expect(applyCentreConfig(baseConfig(), JSON.stringify({ version: 2, cameras }))).toMatchObject({ ok: false, reason: 'stale' });
    expect(applyCentreConfig(baseConfig(), JSON.stringify({ depot: 'K999', version: 9 }))).toMatchObject({ ok: false, reason: 'invalid', detail: expect.stringContaining('K999') });
    expect(applyCentreConfig(baseConfig(), '{nope')).toMatchObject({ ok: false, reason: 'invalid' });
    const bad = applyCentreConfig(baseConfig(), JSON.stringify({ version: 9, modbus: [{ host: 'x', points: [{ sensor: 'A-T1', kind: 'temperature' }] }] }));
    expect(bad).toMatchObject({ ok: false, reason: 'invalid', detail: expect.stringContaining('modbus.0.points.0') });
    expect(applyCentreConfig(baseConfig(), JSON.stringify({ version: 9, typo: [] }))).toMatchObject({ ok: false, reason: 'invalid' });
  });
});

describe('edge MQTT session options', () => {
  it('a persistent session, a stable id, the retained Last Will, TLS files and credentials', () => {
    const files: Record<string, string> = { '/etc/ca.pem': 'CA' };
    const o = edgeMqttOptions(baseConfig(), 'depots', silentLogger, (p) => { const f = files[p]; if (f === undefined) throw new Error('ENOENT'); return Buffer.from(f); });
    expect(o).toMatchObject({ clientId: 'depotwatch-edge-K101', clean: false, keepaliveSec: 15, username: 'K101', password: 'pw', tls: { rejectUnauthorized: true } });
    expect(o.tls?.ca?.toString()).toBe('CA');
    expect(o.will).toMatchObject({ topic: 'depots/K101/collector/status', qos: 1, retain: true });
    expect(JSON.parse(String(o.will?.payload))).toEqual({ state: 'offline' });
    const withCert = { ...baseConfig(), mqtt: { ...baseConfig().mqtt, cert: '/etc/edge.pem', key: '/etc/edge.key' } };
    expect(() => edgeMqttOptions(withCert, 'depots', silentLogger, (p) => { const f = files[p]; if (f === undefined) throw new Error('ENOENT'); return Buffer.from(f); }))
      .toThrow(new EdgeTlsError('mqtt.cert: cannot read /etc/edge.pem: ENOENT'));
  });
});
