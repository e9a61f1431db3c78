import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeConfigSchema } from '../../collectors/src/edge/config-schema.js';
import { startEdgeLink, type EdgeLink } from '../../collectors/src/edge/link/edge-link.js';
import { silentLogger } from '../../lib/logger.js';
import { startMosquitto, type MosquittoHandle } from '../helpers/mosquitto.js';
import { sleep } from '../helpers/edge.js';

/**
 * The README's TLS set-up for the collectors' listener, exactly as written: scripts/edge-certs.sh makes the CA,
 * the broker's certificate and a collector's, Mosquitto requires a client certificate signed by that CA, and
 * the edge collector (mqtts:// with mqtt.ca, mqtt.cert, mqtt.key) connects and publishes its status. From the
 * attacker's side: a collector without a client certificate, and one that is shown a broker certificate from
 * another CA, never get a session.
 */
describe('edge collector over TLS with client certificates (real Mosquitto)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'depotwatch-edge-tls-'));
  const certs = join(dir, 'certs');
  const rogue = join(dir, 'rogue');
  let broker: MosquittoHandle;
  let watcher: MqttClient;
  const links: EdgeLink[] = [];
  const statuses: { depot: string; state: string }[] = [];

  beforeAll(async () => {
    for (const [out, depots] of [[certs, ['K101']], [rogue, []]] as const) {
      const r = spawnSync('bash', ['scripts/edge-certs.sh', out, '127.0.0.1', ...depots], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
    // Mosquitto started as root reads its files as the `mosquitto` user
    chmodSync(dir, 0o755);
    chmodSync(certs, 0o755);
    chmodSync(join(certs, 'broker.key'), 0o644);
    broker = await startMosquitto({
      configFor: (port) => [
        `listener ${port} 127.0.0.1`, 'allow_anonymous true',
        `cafile ${join(certs, 'ca.pem')}`, `certfile ${join(certs, 'broker.pem')}`, `keyfile ${join(certs, 'broker.key')}`,
        'require_certificate true', 'tls_version tlsv1.2',
      ].join('\n'),
    });
    watcher = await connectAsync(`mqtts://127.0.0.1:${broker.port}`, {
      clientId: 'tls-watcher', reconnectPeriod: 0,
      ca: readFileSync(join(certs, 'ca.pem')), cert: readFileSync(join(certs, 'K101.pem')), key: readFileSync(join(certs, 'K101.key')),
    });
    watcher.on('message', (topic, payload) => {
      const depot = topic.split('/')[1] ?? '';
      if (payload.length > 0) statuses.push({ depot, state: String((JSON.parse(payload.toString()) as { state: string }).state) });
    });
    await watcher.subscribeAsync('depots/+/collector/status', { qos: 1 });
  });
  afterAll(async () => {
    for (const l of links) await l.stop();
    await watcher?.endAsync();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function edge(depot: string, mqtt: Record<string, unknown>): EdgeLink {
    const config = edgeConfigSchema.parse({
      depot, mqtt: { url: `mqtts://127.0.0.1:${broker.port}`, clientId: `tls-${depot}`, ...mqtt }, spool: { dir: join(dir, `spool-${depot}`) },
    });
    const link = startEdgeLink({ config, logger: silentLogger });
    links.push(link);
    return link;
  }

  it('connects with the CA and its own certificate and publishes its status', async () => {
    const link = edge('K101', { ca: join(certs, 'ca.pem'), cert: join(certs, 'K101.pem'), key: join(certs, 'K101.key') });
    const deadline = Date.now() + 15_000;
    while (!statuses.some((s) => s.depot === 'K101' && s.state === 'online') && Date.now() < deadline) await sleep(100);
    expect(statuses).toContainEqual({ depot: 'K101', state: 'online' });
    expect(link.status().connected).toBe(true);
  });

  it('gets no session without a client certificate, nor against a broker certificate of another CA', async () => {
    const noCert = edge('K102', { ca: join(certs, 'ca.pem') });
    const wrongCa = edge('K103', { ca: join(rogue, 'ca.pem'), cert: join(certs, 'K101.pem'), key: join(certs, 'K101.key') });
    await sleep(4000); // two reconnect rounds
    expect(noCert.status().connected).toBe(false);
    expect(wrongCa.status().connected).toBe(false);
    expect(statuses.filter((s) => s.depot === 'K102' || s.depot === 'K103')).toEqual([]);
  });
});
