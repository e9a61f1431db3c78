import { createServer } from 'node:http';
import { ConfigError, loadSiteConfig } from '../../../config/loader.js';
import { logFormat } from '../../../lib/env.js';
import { createLogger, withoutCredentials } from '../adapters/logger.js';
import { createMetrics } from '../adapters/metrics.js';
import { telemetryStoreFromEnv } from '../adapters/telemetry-store-from-env.js';
import { buildSiteIndex } from '../domain/site-index.js';
import { systemClock } from '../ports/clock.js';
import { deferPubacks } from '../../../lib/mqtt/deferred-acks.js';
import { QueueLockedError } from '../adapters/sqlite/telemetry-queue.js';
import { EnvError, parseEnv } from '../settings.js';
import { DiscoveryRegistry } from './discovery.js';
import { connectCentreMqtt, firstConnection, openDurableWriter } from './durable-path.js';
import { defaultClientId } from '../../../lib/mqtt/connect.js';
import { createIngest } from './ingest.js';
import { retireSession, type RetireResult } from './retire.js';

/**
 * A standalone ingest process for scaling past one machine (SPEC §10): joins the broker's shared
 * subscription group, validates and writes telemetry, serves /metrics on METRICS_PORT (9464).
 * Run several against an external broker; the servers then run with INGEST=off. Each process has a
 * persistent session (MQTT_CLIENT_ID) and its own on-disk queue (DATA_DIR): several on one host each
 * need their own MQTT_CLIENT_ID and DATA_DIR.
 *
 * `--retire`: takes this process out of the group for good (retire.ts): stores what its session still holds,
 * empties its on-disk queue into the store and ends the session, then exits. With a server's MQTT_CLIENT_ID and
 * DATA_DIR it retires a server that ingested.
 */
async function main(): Promise<void> {
  let env;
  try {
    env = parseEnv(process.env);
  } catch (err) {
    if (err instanceof EnvError) { process.stderr.write(`${err.message}\n`); process.exit(2); }
    throw err;
  }
  const logger = createLogger(env.LOG_LEVEL, logFormat(env.LOG_FORMAT, process.stdout.isTTY)).child({ component: 'ingest-process' });
  if (!env.MQTT_URL) { process.stderr.write('MQTT_URL: required for a standalone ingest process\n'); process.exit(2); }
  let site;
  try {
    site = loadSiteConfig(env.CONFIG_DIR);
  } catch (err) {
    if (err instanceof ConfigError) { process.stderr.write(`${err.message}\n`); process.exit(2); }
    throw err;
  }
  const index = buildSiteIndex(site);
  const metrics = createMetrics();
  const store = telemetryStoreFromEnv(env, logger);
  await store.init().catch((err: unknown) => logger.error({ err }, 'telemetry store init failed; writes will retry'));
  let durable;
  try {
    durable = openDurableWriter(env, store, metrics, logger);
  } catch (err) {
    if (err instanceof QueueLockedError) { process.stderr.write(`${err.message}\n`); process.exit(2); }
    throw err;
  }
  const mqtt = connectCentreMqtt(env.MQTT_URL, env, 'ingest', { username: env.MQTT_USERNAME, password: env.MQTT_PASSWORD }, logger);
  const acks = deferPubacks(mqtt);
  const ingest = createIngest({
    mqtt, root: env.MQTT_TOPIC_ROOT, index: () => index, writer: durable.writer, acks, discovery: new DiscoveryRegistry(), clock: systemClock,
    metrics: metrics.ingest, logger, ...(env.MQTT_SHARE_GROUP ? { shareGroup: env.MQTT_SHARE_GROUP } : {}),
  });
  if (process.argv.includes('--retire')) {
    const clientId = env.MQTT_CLIENT_ID ?? defaultClientId('ingest');
    const r = await retireSession({
      url: env.MQTT_URL, clientId, login: { username: env.MQTT_USERNAME, password: env.MQTT_PASSWORD },
      mqtt, ingest, acks, writer: durable.writer, queue: durable.queue, logger,
    });
    await durable.close();
    await store.close();
    process.stdout.write(`${retireSentence(r, clientId, env.DATA_DIR)}\n`);
    process.exit(r.outcome === 'store_unreachable' ? 1 : 0);
  }
  // attached in the same tick as connect(): a persistent session's backlog comes right after CONNACK
  const subscribed = ingest.start();
  if (await firstConnection(mqtt, 5000)) await subscribed;
  else logger.warn({ mqtt: withoutCredentials(env.MQTT_URL) }, 'MQTT broker not reachable yet; retrying');
  const port = Number(process.env.METRICS_PORT ?? 9464);
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') { res.writeHead(404).end(); return; }
    metrics.registry.metrics().then((text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text), () => res.writeHead(500).end());
  }).listen(port, '127.0.0.1');
  logger.info({ port, mqtt: withoutCredentials(env.MQTT_URL), store: store.kind }, 'ingest running');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await ingest.stop();
    durable.queue.commit(); // what arrived is on disk and acknowledged before the connection closes
    await mqtt.endAsync();
    await durable.close(); // drains the queue into the store; what is left stays on disk for the next start
    await store.close();
    server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

function retireSentence(r: RetireResult, clientId: string, dataDir: string): string {
  switch (r.outcome) {
    case 'retired': return `Retired ${clientId}: stored the ${r.messages} messages its session held and ended the session; the other members now take all of the load.`;
    case 'no_session': return `Nothing to retire: the broker holds no session for ${clientId} (check MQTT_CLIENT_ID).`;
    case 'store_unreachable': return `Not retired: ${r.queueLeft} points are still queued in ${dataDir} because the telemetry store did not take them; the session is kept. Run --retire again once the store is reachable.`;
  }
}

void main();
