import { existsSync } from 'node:fs';
import { connectAsync, type IPublishPacket, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnapshotOut } from '../../collectors/src/edge/link/snapshot-out.js';
import { snapshotTopics } from '../../server/src/contracts/snapshots.js';
import { normaliseSnapshot } from '../../server/src/ingest/normalise-snapshot.js';
import { capturingLogger } from '../helpers/edge.js';
import { MOSQUITTO_BIN, startMosquitto, type MosquittoHandle } from '../helpers/mosquitto.js';
import { waitFor } from '../helpers/system.js';

// The snapshot's time over MQTT 5 (SPEC §3: the user property `ts`), through Debian's Mosquitto: an edge on a v5
// session sends it, a v5 subscriber receives it and the centre's binary normaliser dates the picture by it; an edge
// on 3.1.1 (the embedded broker's protocol) sends none, and the picture is dated on receipt.

const SKIP = !existsSync(MOSQUITTO_BIN);
if (SKIP) console.warn(`snapshot v5 test skipped: ${MOSQUITTO_BIN} is missing`);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]);

let broker: MosquittoHandle;
const clients: MqttClient[] = [];
beforeAll(async () => { if (!SKIP) broker = await startMosquitto(); });
afterAll(async () => {
  for (const c of clients) await c.endAsync().catch(() => undefined);
  await broker?.stop();
});

async function send(protocolVersion: 4 | 5, camera: string, ts: number): Promise<void> {
  const mqtt = await connectAsync(broker.url, { protocolVersion, clientId: `edge-${protocolVersion}`, reconnectPeriod: 0 });
  clients.push(mqtt);
  const out = createSnapshotOut({ mqtt, root: 'depots', depot: 'K1', now: () => ts, v5: protocolVersion === 5, logger: capturingLogger().logger });
  out.channel.publish(camera, JPEG, ts);
  await waitFor(() => out.counters().acked === 1, 5000, 'the PUBACK');
}

describe.skipIf(SKIP)('a snapshot\'s time over MQTT 5 and 3.1.1', () => {
  it('carries the ts user property over v5 and none over 3.1.1', async () => {
    const centre = await connectAsync(broker.url, { protocolVersion: 5, clientId: 'centre-v5', reconnectPeriod: 0 });
    clients.push(centre);
    const got = new Map<string, IPublishPacket>();
    centre.on('message', (topic, _payload, packet) => got.set(topic, packet));
    await centre.subscribeAsync('depots/K1/cameras/+/snapshot', { qos: 1 });
    const taken = Date.now() - 40_000;
    await send(5, 'C5', taken);
    await send(4, 'C4', taken);
    await waitFor(() => got.size === 2, 5000, 'both snapshots');
    const v5 = got.get(snapshotTopics.snapshot('depots', 'K1', 'C5')) as IPublishPacket;
    const v4 = got.get(snapshotTopics.snapshot('depots', 'K1', 'C4')) as IPublishPacket;
    expect(v5.properties?.userProperties?.ts).toBe(String(taken));
    expect(v4.properties?.userProperties?.ts).toBeUndefined();
    const now = Date.now();
    expect(normaliseSnapshot('depots', v5.topic, v5.payload as Buffer, v5.properties?.userProperties?.ts, now)).toMatchObject({ kind: 'snapshot', snapshot: { ts: taken, receivedAt: now } });
    expect(normaliseSnapshot('depots', v4.topic, v4.payload as Buffer, v4.properties?.userProperties?.ts, now)).toMatchObject({ kind: 'snapshot', snapshot: { ts: now } });
    expect(v5.retain).toBe(false);
    expect(v5.qos).toBe(1);
  });
});
