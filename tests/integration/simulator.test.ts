import { randomBytes } from 'node:crypto';
import { connectAsync, type IPublishPacket, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSiteConfig } from '../../config/loader.js';
import { silentLogger } from '../../server/src/adapters/logger.js';
import {
  cameraHealthPayloadSchema, collectorStatusPayloadSchema, DEFAULT_TOPIC_ROOT, parseTopic, sensorPayloadSchema,
} from '../../server/src/contracts/mqtt.js';
import { SCENARIO_CONTROL_TOPIC, ScenarioError } from '../../collectors/src/simulator/scenarios.js';
import { createSimulator, type Simulator } from '../../collectors/src/simulator/simulator.js';
import { startMosquitto, type MosquittoHandle } from '../helpers/mosquitto.js';

const site = loadSiteConfig('config');
const DEPOTS = ['K101', 'K102'];

interface Msg { topic: string; payload: unknown; retain: boolean }

let broker: MosquittoHandle | undefined;
let sim: Simulator | undefined;
const clients: MqttClient[] = [];

async function client(): Promise<MqttClient> {
  if (!broker) throw new Error('broker not started');
  const c = await connectAsync(broker.url, { clientId: `test-${randomBytes(4).toString('hex')}`, reconnectPeriod: 0 });
  clients.push(c);
  return c;
}

/** Resolves with the first message matching `pred`, or rejects after `timeoutMs` saying what was awaited. */
function next(c: MqttClient, pred: (m: Msg) => boolean, what: string, timeoutMs = 5000): Promise<Msg> {
  return new Promise((resolve, reject) => {
    const onMessage = (topic: string, buf: Buffer, packet: IPublishPacket) => {
      const m: Msg = { topic, payload: JSON.parse(buf.toString('utf8')) as unknown, retain: packet.retain };
      if (!pred(m)) return;
      clearTimeout(timer);
      c.off('message', onMessage);
      resolve(m);
    };
    const timer = setTimeout(() => { c.off('message', onMessage); reject(new Error(`timed out waiting for ${what}`)); }, timeoutMs);
    c.on('message', onMessage);
  });
}

const field = (m: Msg, key: string): unknown => (typeof m.payload === 'object' && m.payload !== null ? (m.payload as Record<string, unknown>)[key] : undefined);

beforeAll(async () => {
  broker = await startMosquitto();
  // 0.03 × the configured intervals: 10 s sensors every 0.3 s, 60 s ones every 1.8 s.
  sim = createSimulator({ mqttUrl: broker.url, site, depots: DEPOTS, intervalScale: 0.03, faults: false, seed: 1, logger: silentLogger });
  await sim.start();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await sim?.stop();
  await broker?.stop();
});

describe('depot simulator against Mosquitto', () => {
  it('publishes a retained online status for each depot', async () => {
    const sub = await client();
    const seen = new Map<string, Msg>();
    const all = next(sub, (m) => { seen.set(m.topic, m); return seen.size === DEPOTS.length; }, 'both statuses');
    await sub.subscribeAsync(`${DEFAULT_TOPIC_ROOT}/+/collector/status`, { qos: 1 });
    await all;
    for (const id of DEPOTS) {
      const m = seen.get(`depots/${id}/collector/status`);
      expect(m?.retain).toBe(true);
      expect(collectorStatusPayloadSchema.parse(m?.payload)).toMatchObject({ state: 'online', version: 'sim-1', spooled: 0 });
    }
  });

  it('publishes every configured sensor and camera with payloads that pass the contract', async () => {
    const sub = await client();
    const expected = new Set(site.depots.filter((d) => DEPOTS.includes(d.id)).flatMap((d) => [
      ...d.sensors.map((s) => `depots/${d.id}/sensors/${s.id}`),
      ...d.cameras.map((c) => `depots/${d.id}/cameras/${c.id}/health`),
    ]));
    const kinds = new Map(site.depots.flatMap((d) => d.sensors.map((s) => [`${d.id}/${s.id}`, s.kind] as const)));
    const problems: string[] = [];
    const pending = new Set(expected);
    const done = next(sub, (m) => {
      const parsed = parseTopic(DEFAULT_TOPIC_ROOT, m.topic);
      if ('error' in parsed) problems.push(`${m.topic}: ${parsed.error}`);
      else if (parsed.type === 'sensor') {
        const r = sensorPayloadSchema.safeParse(m.payload);
        if (!r.success) problems.push(`${m.topic}: ${r.error.message}`);
        else if (!Array.isArray(r.data) && r.data.kind !== kinds.get(`${parsed.depotId}/${parsed.sensorId}`)) problems.push(`${m.topic}: wrong kind`);
        else if (field(m, 'ts') === undefined || Math.abs(Number(field(m, 'ts')) - Date.now()) > 5000) problems.push(`${m.topic}: bad ts`);
      } else if (parsed.type === 'camera') {
        const r = cameraHealthPayloadSchema.safeParse(m.payload);
        if (!r.success) problems.push(`${m.topic}: ${r.error.message}`);
        else if (!r.data.online || !r.data.recording) problems.push(`${m.topic}: unhealthy with faults off`);
      } else if (parsed.type === 'collector_status' && !collectorStatusPayloadSchema.safeParse(m.payload).success) problems.push(`${m.topic}: bad status`);
      pending.delete(m.topic);
      return pending.size === 0;
    }, 'every sensor and camera', 8000);
    await sub.subscribeAsync(`${DEFAULT_TOPIC_ROOT}/#`, { qos: 1 });
    await done.catch((err: unknown) => { throw new Error(`${String(err)}; missing: ${[...pending].slice(0, 5).join(', ')}`); });
    expect(problems).toEqual([]);
  });

  it('link_lost makes the broker deliver the Last Will; clear brings the collector back', async () => {
    const sub = await client();
    const online = next(sub, (m) => field(m, 'state') === 'online', 'retained online');
    await sub.subscribeAsync('depots/K102/collector/status', { qos: 1 });
    await online;
    const will = next(sub, (m) => field(m, 'state') === 'offline', 'the Last Will');
    sim?.inject({ scenario: 'link_lost', depot: 'K102' });
    const m = await will;
    expect(collectorStatusPayloadSchema.parse(m.payload)).toMatchObject({ state: 'offline' });

    // The will is retained: a late subscriber (the centre after a restart) still learns the depot is offline.
    const late = await client();
    const retained = next(late, () => true, 'retained will');
    await late.subscribeAsync('depots/K102/collector/status', { qos: 1 });
    expect(await retained).toMatchObject({ retain: true, payload: { state: 'offline' } });

    const back = next(sub, (x) => field(x, 'state') === 'online', 'online after clear');
    sim?.inject({ scenario: 'clear', depot: 'K102' });
    await back;
  });

  it('takes a scenario injected over the control topic by another client, ignoring bad commands', async () => {
    const sub = await client();
    const healthy = next(sub, (m) => field(m, 'value') === 0, 'A-SM1 = 0');
    await sub.subscribeAsync('depots/K101/sensors/A-SM1', { qos: 1 });
    await healthy;

    const ctrl = await client();
    await ctrl.publishAsync(SCENARIO_CONTROL_TOPIC, 'not json', { qos: 1 });
    await ctrl.publishAsync(SCENARIO_CONTROL_TOPIC, JSON.stringify({ scenario: 'meteor', depot: 'K101' }), { qos: 1 });
    await ctrl.publishAsync(SCENARIO_CONTROL_TOPIC, JSON.stringify({ scenario: 'gas_leak', depot: 'K101' }), { qos: 1 });
    const smoke = next(sub, (m) => field(m, 'value') === 1, 'A-SM1 = 1');
    await ctrl.publishAsync(SCENARIO_CONTROL_TOPIC, JSON.stringify({ scenario: 'fire', depot: 'K101', zone: 'A' }), { qos: 1 });
    expect(sensorPayloadSchema.parse((await smoke).payload)).toMatchObject({ kind: 'smoke', value: 1 });

    const cleared = next(sub, (m) => field(m, 'value') === 0, 'A-SM1 back to 0');
    await ctrl.publishAsync(SCENARIO_CONTROL_TOPIC, JSON.stringify({ scenario: 'clear', depot: 'K101' }), { qos: 1 });
    await cleared;
  });

  it('refuses to inject into a depot it does not simulate', () => {
    expect(() => sim?.inject({ scenario: 'fire', depot: 'K103' })).toThrow(ScenarioError);
  });
});
