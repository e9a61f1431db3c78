import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { connectMqtt, defaultClientId } from '../../../lib/mqtt/connect.js';
import type { Logger } from '../adapters/logger.js';
import type { Metrics } from '../adapters/metrics.js';
import { openTelemetryQueue } from '../adapters/sqlite/telemetry-queue.js';
import type { TelemetryQueue } from '../ports/telemetry-queue.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import { createTelemetryWriter, type TelemetryWriter } from '../services/telemetry-writer.js';
import type { Env } from '../settings.js';

/**
 * The pieces of the centre's zero-loss path that the server (system.ts) and the standalone ingest process
 * (main.ts) share: the MQTT session from the environment and the on-disk queue with its writer.
 */

export type IngestRole = 'centre' | 'ingest';

/**
 * The centre's MQTT connection: a persistent session under a stable client id (MQTT_CLIENT_ID, or one derived
 * from the host name and the role) when this process stores telemetry, so the broker keeps what it has not
 * been acknowledged; a clean one for a board-only server (INGEST=off), which has nothing to catch up on.
 */
export function connectCentreMqtt(url: string, env: Readonly<Env>, role: IngestRole, login: { username?: string | undefined; password?: string | undefined }, logger: Logger): MqttClient {
  return connectMqtt({
    url,
    clientId: env.MQTT_CLIENT_ID ?? defaultClientId(role),
    clean: !env.INGEST,
    username: login.username,
    password: login.password,
    logger: logger.child({ component: 'mqtt' }),
  });
}

export interface DurableWriter {
  queue: TelemetryQueue;
  writer: TelemetryWriter;
  /** drains what it can into the store (the rest stays on disk), then closes the queue */
  close(): Promise<void>;
}

/** Overflow during a long outage drops on every commit: one error line a second carries the total. */
const DROP_LOG_INTERVAL_MS = 1000;

export function openDurableWriter(env: Readonly<Env>, store: TelemetryStore, metrics: Metrics, logger: Logger): DurableWriter {
  let unlogged = 0;
  let total = 0;
  let lastLog = -Infinity;
  const queue = openTelemetryQueue({
    onChange: (st) => metrics.writer.queueDepth(st.points, st.bytes),
    onSynced: metrics.queueSynced,
    path: join(env.DATA_DIR, 'telemetry-queue.db'),
    maxBytes: env.TELEMETRY_QUEUE_MAX_BYTES,
    logger: logger.child({ component: 'queue' }),
    onDropped: (n, reason) => {
      metrics.queueDropped(n, reason);
      unlogged += n;
      total += n;
      if (Date.now() - lastLog < DROP_LOG_INTERVAL_MS) return;
      lastLog = Date.now();
      logger.error({ dropped: unlogged, totalDropped: total, reason, maxBytes: env.TELEMETRY_QUEUE_MAX_BYTES }, 'telemetry points dropped from the queue (oldest first)');
      unlogged = 0;
    },
  });
  const writer = createTelemetryWriter(store, queue, { logger: logger.child({ component: 'writer' }), metrics: metrics.writer });
  return {
    queue,
    writer,
    async close() {
      await writer.stop();
      queue.close();
    },
  };
}

/** Waits up to `ms` for the first connection; the process starts either way and keeps retrying. */
export function firstConnection(mqtt: MqttClient, ms: number): Promise<boolean> {
  if (mqtt.connected) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => { clearTimeout(timer); mqtt.removeListener('connect', onConnect); resolve(ok); };
    const onConnect = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    mqtt.once('connect', onConnect);
  });
}
