import type { MqttClient } from 'mqtt';
import { DEFAULT_TOPIC_ROOT, topics } from '../../../../server/src/contracts/mqtt.js';
import type { Logger } from '../../../../lib/logger.js';
import { connectMqtt } from '../../../../lib/mqtt/connect.js';
import type { EdgeConfig } from '../config-schema.js';
import type { EdgeReading } from '../reading.js';
import { openSpool, type Spool, type SpoolStats } from '../spool/spool.js';
import { applyCentreConfig } from './centre-config.js';
import { edgeMqttOptions } from './mqtt-connection.js';
import { createPublisher, type PublisherCounters } from './publisher.js';
import { OFFLINE_WILL, onlineStatus } from './status.js';
import { createSnapshotOut, type SnapshotOutCounters } from './snapshot-out.js';

export interface EdgeLinkOptions {
  /** the file's configuration, checked by edgeConfigSchema */
  config: EdgeConfig;
  logger: Logger;
  /** the collector's software version, reported in the status */
  version?: string;
  root?: string;
  now?: () => number;
}

export interface EdgeLinkStatus extends SpoolStats {
  connected: boolean;
  replaying: boolean;
  configVersion: number;
  counters: PublisherCounters;
  snapshots: SnapshotOutCounters;
}

const CENTRE_CONFIG_KEY = 'centre-config';
const AGE_CHECK_MS = 60_000;
const STOP_DRAIN_MS = 2000;

/**
 * The edge's link to the centre: the spool, the MQTT session, the publisher, the collector status and the
 * centre's configuration. Sources hand every reading to `submit`; `onConfig` tells the caller (main.ts) to
 * rebuild its sources when the centre sent newer device lists. Starts even when the centre is unreachable.
 */
export function startEdgeLink(opts: EdgeLinkOptions) {
  const now = opts.now ?? Date.now;
  const root = opts.root ?? DEFAULT_TOPIC_ROOT;
  const version = opts.version ?? process.env.npm_package_version ?? '0.1.0';
  const logger = opts.logger;
  const depot = opts.config.depot;
  const spool: Spool = openSpool({ ...opts.config.spool, now, logger: logger.child({ component: 'spool' }) });
  let running = restoreCentreConfig(opts.config, spool, logger);
  const listeners = new Set<(c: EdgeConfig) => void>();

  // connects in the background: the edge starts and spools even when the centre is unreachable
  const mqtt: MqttClient = connectMqtt(edgeMqttOptions(opts.config, root, logger.child({ component: 'mqtt' })));
  const statusTopic = topics.collectorStatus(root, depot);
  const configTopic = topics.collectorConfig(root, depot);

  const publishStatus = () => {
    if (!mqtt.connected) return;
    // `spooled` is the backlog: readings waiting, not the few live ones in flight this very moment
    const stats = spool.stats();
    const backlog = { ...stats, spooled: Math.max(0, stats.spooled - publisher.inflight()) };
    mqtt.publish(statusTopic, JSON.stringify(onlineStatus(now(), version, running.version, backlog)), { qos: 1, retain: true });
  };
  const publisher = createPublisher({
    mqtt, spool, root, depot, backfillKbps: opts.config.link.backfillKbps, now, logger: logger.child({ component: 'publisher' }),
    onCaughtUp: publishStatus,
  });

  const snapshots = createSnapshotOut({
    mqtt, root, depot, now, v5: opts.config.mqtt.protocolVersion === 5, logger: logger.child({ component: 'snapshots' }),
  });
  mqtt.on('connect', () => {
    logger.info({ spooled: spool.stats().spooled }, 'connected to the centre');
    publishStatus();
    mqtt.subscribe(configTopic, { qos: 1 }, (err) => { if (err) logger.error({ err: err.message }, 'could not subscribe to collector/config'); });
    snapshots.onConnect();
  });
  mqtt.on('offline', () => logger.warn({ spooled: spool.stats().spooled }, 'centre unreachable: spooling'));
  mqtt.on('message', (topic, payload) => {
    if (snapshots.onMessage(topic, payload)) return;
    if (topic !== configTopic || payload.length === 0) return;
    const r = applyCentreConfig(running, payload, opts.config);
    if (!r.ok) {
      if (r.reason === 'invalid') logger.error({ detail: r.detail }, 'collector/config from the centre refused');
      else logger.debug({ detail: r.detail }, 'collector/config not newer than the running one');
      return;
    }
    running = r.config;
    // the message itself, so that the next start reads it the same way (without lists: the file's, as edited by then)
    spool.setMeta(CENTRE_CONFIG_KEY, Buffer.from(payload).toString('utf8'));
    logger.info({ version: running.version, devicesChanged: r.devicesChanged }, 'collector/config from the centre applied');
    publishStatus();
    // only the version moved: the sources keep their connections and schedules
    if (!r.devicesChanged) return;
    for (const l of listeners) {
      try { l(running); } catch (err) { logger.error({ err }, 'a configuration listener failed'); }
    }
  });
  publisher.start();

  const statusTimer = setInterval(publishStatus, opts.config.link.statusEveryS * 1000);
  const ageTimer = setInterval(() => {
    try { spool.enforce(); } catch (err) { logger.error({ err }, 'spool age check failed'); }
  }, AGE_CHECK_MS);

  return {
    /** every reading of every source comes through here */
    submit(reading: EdgeReading): void {
      try {
        publisher.submit(reading);
      } catch (err) {
        // a full disk must not take the sources down with it; the reading is lost and said so
        logger.error({ err, reading: reading.type === 'sensor' ? reading.sensorId : reading.cameraId }, 'could not spool a reading');
      }
    },
    /** camera snapshots to the centre, and the centre's snapshot requests */
    snapshots: snapshots.channel,
    /** the running configuration: the file's, with the centre's newer device lists if any */
    config: (): EdgeConfig => running,
    /** called with the new configuration whenever the centre's newer one changed the device lists; returns an unsubscribe */
    onConfig(listener: (c: EdgeConfig) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    status: (): EdgeLinkStatus => ({
      ...spool.stats(), connected: mqtt.connected, replaying: publisher.replaying(), configVersion: running.version, counters: publisher.counters(),
      snapshots: snapshots.counters(),
    }),
    /** stops publishing, says offline, closes the session; what was not acknowledged stays spooled */
    async stop(): Promise<void> {
      clearInterval(statusTimer);
      clearInterval(ageTimer);
      const deadline = Date.now() + STOP_DRAIN_MS;
      while (publisher.inflight() > 0 && mqtt.connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      publisher.stop();
      if (mqtt.connected) await mqtt.publishAsync(statusTopic, OFFLINE_WILL, { qos: 1, retain: true }).catch(() => undefined);
      await mqtt.endAsync(!mqtt.connected).catch(() => undefined);
      spool.close();
    },
  };
}
export type EdgeLink = ReturnType<typeof startEdgeLink>;

/** the centre's configuration stored by an earlier run, when newer than the file's */
function restoreCentreConfig(file: EdgeConfig, spool: Spool, logger: Logger): EdgeConfig {
  const stored = spool.getMeta(CENTRE_CONFIG_KEY);
  if (!stored) return Object.freeze({ ...file });
  const r = applyCentreConfig(file, stored);
  if (r.ok) {
    logger.info({ version: r.config.version }, 'running the centre configuration stored by the last run');
    return r.config;
  }
  if (r.reason === 'invalid') logger.warn({ detail: r.detail }, 'stored centre configuration ignored');
  return Object.freeze({ ...file });
}
