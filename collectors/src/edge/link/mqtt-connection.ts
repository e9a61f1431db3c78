import { readFileSync } from 'node:fs';
import type { MqttConnectOptions } from '../../../../lib/mqtt/connect.js';
import type { Logger } from '../../../../lib/logger.js';
import { topics } from '../../../../server/src/contracts/mqtt.js';
import type { EdgeConfig } from '../config-schema.js';
import { OFFLINE_WILL } from './status.js';

export class EdgeTlsError extends Error {
  override name = 'EdgeTlsError';
}

/**
 * The edge's MQTT session (SPEC §11): QoS 1 publishes over a persistent session (clean: false) under a
 * stable client id, the Last Will `{"state":"offline"}` retained on the status topic, TLS with the CA file
 * and an optional client certificate, and the collector's own credentials. The connection itself is the
 * centre's too (lib/mqtt/connect.ts): reconnects, TCP_NODELAY, credentials never logged.
 * `readFile` is injected for tests; a file that cannot be read is named in the error.
 */
export function edgeMqttOptions(cfg: Pick<EdgeConfig, 'depot' | 'mqtt'>, root: string, logger: Logger, readFile: (path: string) => Buffer = readFileSync): MqttConnectOptions {
  const m = cfg.mqtt;
  const file = (field: 'ca' | 'cert' | 'key', path: string | undefined): Buffer | undefined => {
    if (path === undefined) return undefined;
    try {
      return readFile(path);
    } catch (err) {
      throw new EdgeTlsError(`mqtt.${field}: cannot read ${path}: ${(err as Error).message}`);
    }
  };
  const ca = file('ca', m.ca);
  const cert = file('cert', m.cert);
  const key = file('key', m.key);
  return {
    url: m.url,
    clientId: m.clientId ?? `depotwatch-edge-${cfg.depot}`,
    clean: false,
    keepaliveSec: m.keepaliveS,
    reconnectPeriodMs: 2000,
    connectTimeoutMs: 15_000,
    protocolVersion: m.protocolVersion,
    // nothing is queued inside mqtt.js while offline: the spool is the queue
    queueQoSZero: false,
    resubscribe: true,
    will: { topic: topics.collectorStatus(root, cfg.depot), payload: Buffer.from(OFFLINE_WILL), qos: 1, retain: true },
    username: m.username,
    password: m.password,
    // a CA file means "verify the centre against it"; never fall back to accepting any certificate
    tls: { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}), rejectUnauthorized: true },
    logger,
  };
}
