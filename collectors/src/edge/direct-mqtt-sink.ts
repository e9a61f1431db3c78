import { readFileSync } from 'node:fs';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { DEFAULT_TOPIC_ROOT, topics, type CollectorStatusPayload } from '../../../server/src/contracts/mqtt.js';
import type { Logger } from '../../../lib/logger.js';
import type { EdgeConfig } from './config-schema.js';
import { readingTopic, type ReadingSink } from './sink.js';

/**
 * A stand-in for the store-and-forward publisher: every reading straight to the broker, QoS 1, one message
 * each, with the retained online status and the Last Will on `collector/status`. While the broker is
 * unreachable mqtt.js keeps the messages in memory only (lost on a restart, unbounded): this is what
 * the spool replaces, not something to run a depot on.
 */

const STOP_TIMEOUT_MS = 3000;

/** a PEM file the configuration names; a missing one is named with its key */
function pem(key: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`mqtt.${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
}

export function mqttOptions(cfg: EdgeConfig, version: string): IClientOptions {
  const m = cfg.mqtt;
  const offline: CollectorStatusPayload = { state: 'offline', version };
  return {
    clientId: m.clientId ?? `depotwatch-edge-${cfg.depot}`,
    clean: false,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
    ...(m.username !== undefined ? { username: m.username } : {}),
    ...(m.password !== undefined ? { password: m.password } : {}),
    ...(m.ca !== undefined ? { ca: pem('ca', m.ca) } : {}),
    ...(m.cert !== undefined ? { cert: pem('cert', m.cert) } : {}),
    ...(m.key !== undefined ? { key: pem('key', m.key) } : {}),
    will: { topic: topics.collectorStatus(DEFAULT_TOPIC_ROOT, cfg.depot), payload: Buffer.from(JSON.stringify(offline)), qos: 1, retain: true },
  };
}

export function createDirectMqttSink(cfg: EdgeConfig, opts: { logger: Logger; version: string; now?: () => number }): ReadingSink {
  const log = opts.logger.child({ component: 'direct-mqtt' });
  const now = opts.now ?? Date.now;
  const statusTopic = topics.collectorStatus(DEFAULT_TOPIC_ROOT, cfg.depot);
  const status = (state: 'online' | 'offline'): string => JSON.stringify({ state, ts: now(), version: opts.version, spooled: 0, dropped: 0, configVersion: cfg.version });
  let client: MqttClient | undefined;
  return {
    async start() {
      const c = connect(cfg.mqtt.url, mqttOptions(cfg, opts.version));
      client = c;
      c.on('connect', () => {
        log.info({ url: cfg.mqtt.url }, 'connected to the centre');
        c.publish(statusTopic, status('online'), { qos: 1, retain: true });
      });
      c.on('offline', () => log.warn('centre unreachable; readings are held in memory until it is back'));
      c.on('error', (err) => log.warn({ reason: err.message }, 'MQTT error'));
      await Promise.resolve();
    },
    publish(r) {
      client?.publish(readingTopic(DEFAULT_TOPIC_ROOT, cfg.depot, r), JSON.stringify(r.payload), { qos: 1 });
    },
    async stop() {
      const c = client;
      client = undefined;
      if (!c) return;
      if (c.connected) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, STOP_TIMEOUT_MS); });
        const goodbye = async (): Promise<void> => {
          await c.publishAsync(statusTopic, status('offline'), { qos: 1, retain: true });
          await c.endAsync();
        };
        await Promise.race([goodbye().catch((err: unknown) => log.warn({ err }, 'clean disconnect failed')), timeout]);
        clearTimeout(timer);
      }
      if (!c.disconnected) c.end(true);
    },
  };
}
