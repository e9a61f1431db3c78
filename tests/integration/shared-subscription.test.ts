import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscoveryRegistry } from '../../server/src/ingest/discovery.js';
import { createIngest, type Ingest } from '../../server/src/ingest/ingest.js';
import { silentLogger } from '../../server/src/adapters/logger.js';
import type { TelemetryPoint } from '../../server/src/contracts/telemetry.js';
import { buildSiteIndex } from '../../server/src/domain/site-index.js';
import { systemClock } from '../../server/src/ports/clock.js';
import { startMosquitto, type MosquittoHandle } from '../helpers/mosquitto.js';
import { smallSite } from '../helpers/site.js';
import { waitFor } from '../helpers/system.js';

/** Scaling ingest out (SPEC §10): two ingest processes in one shared-subscription group split the load, losing nothing. */
describe('ingest with a shared subscription on Mosquitto', () => {
  let broker: MosquittoHandle;
  const clients: MqttClient[] = [];
  const ingests: Ingest[] = [];
  beforeAll(async () => { broker = await startMosquitto(); });
  afterAll(async () => {
    for (const i of ingests) await i.stop();
    for (const c of clients) await c.endAsync();
    await broker?.stop();
  });

  it('splits 400 messages between two members of the group, each stored exactly once', async () => {
    const index = buildSiteIndex(smallSite());
    const stored: TelemetryPoint[][] = [[], []];
    for (const k of [0, 1]) {
      const mqtt = await connectAsync(broker.url, { clientId: `ingest-${k}`, reconnectPeriod: 0 });
      clients.push(mqtt);
      const ingest = createIngest({
        mqtt, root: 'depots', index: () => index, writer: { enqueue: (p) => stored[k]?.push(...p) }, discovery: new DiscoveryRegistry(), clock: systemClock,
        metrics: { accepted: () => undefined, rejected: () => undefined, discovered: () => undefined, redelivered: () => undefined, connected: () => undefined }, logger: silentLogger, shareGroup: 'depotwatch-ingest',
      });
      await ingest.start();
      ingests.push(ingest);
    }
    expect(ingests[0]?.filters).toEqual(['$share/depotwatch-ingest/depots/#']);
    const pub = await connectAsync(broker.url, { clientId: 'pub', reconnectPeriod: 0 });
    clients.push(pub);
    const t0 = Date.now() - 10_000;
    for (let i = 0; i < 400; i++) await pub.publishAsync('depots/D2/sensors/G1', JSON.stringify({ kind: 'gas', value: i % 10, ts: t0 + i }), { qos: 1 });
    await waitFor(() => (stored[0]?.length ?? 0) + (stored[1]?.length ?? 0) === 400, 10_000, 'all 400 stored');
    expect(stored[0]?.length).toBeGreaterThan(0);
    expect(stored[1]?.length).toBeGreaterThan(0);
    const ts = new Set([...(stored[0] ?? []), ...(stored[1] ?? [])].map((p) => p.ts));
    expect(ts.size).toBe(400);
  });
});
