import { createServer } from 'node:http';
import { connectAsync } from 'mqtt';
import { ConfigError, loadSiteConfig } from '../../../config/loader.js';
import { logFormat } from '../../../lib/env.js';
import { createLogger, withoutCredentials } from '../adapters/logger.js';
import { createMetrics } from '../adapters/metrics.js';
import { telemetryStoreFromEnv } from '../adapters/telemetry-store-from-env.js';
import { buildSiteIndex } from '../domain/site-index.js';
import { systemClock } from '../ports/clock.js';
import { createTelemetryWriter } from '../services/telemetry-writer.js';
import { EnvError, parseEnv } from '../settings.js';
import { DiscoveryRegistry } from './discovery.js';
import { createIngest } from './ingest.js';

/**
 * A standalone ingest process for scaling past one machine (SPEC §10): joins the broker's shared
 * subscription group, validates and writes telemetry, serves /metrics on METRICS_PORT (9464).
 * Run several against an external broker; the servers then run with INGEST=off.
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
  const writer = createTelemetryWriter(store, { logger, metrics: metrics.writer });
  const mqtt = await connectAsync(env.MQTT_URL, {
    clientId: `depotwatch-ingest-${process.pid}`, clean: true, reconnectPeriod: 1000,
    ...(env.MQTT_USERNAME ? { username: env.MQTT_USERNAME } : {}), ...(env.MQTT_PASSWORD ? { password: env.MQTT_PASSWORD } : {}),
  });
  // QoS 1 throughput is bounded by the broker's in-flight window over the PUBACK round trip: Nagle's
  // algorithm would hold every small PUBACK back for up to 40 ms
  const noDelay = () => (mqtt.stream as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
  noDelay();
  mqtt.on('connect', noDelay);
  const ingest = createIngest({
    mqtt, root: env.MQTT_TOPIC_ROOT, index: () => index, writer, discovery: new DiscoveryRegistry(), clock: systemClock,
    metrics: metrics.ingest, logger, ...(env.MQTT_SHARE_GROUP ? { shareGroup: env.MQTT_SHARE_GROUP } : {}),
  });
  await ingest.start();
  const port = Number(process.env.METRICS_PORT ?? 9464);
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') { res.writeHead(404).end(); return; }
    metrics.registry.metrics().then((text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text), () => res.writeHead(500).end());
  }).listen(port, '127.0.0.1');
  logger.info({ port, mqtt: withoutCredentials(env.MQTT_URL), store: store.kind }, 'ingest running');
  const stop = async () => {
    await ingest.stop();
    await mqtt.endAsync();
    await writer.stop(); // drains the queue into the store before exit
    await store.close();
    server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

void main();
