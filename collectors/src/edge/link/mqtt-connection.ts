import { readFileSync } from 'node:fs';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { topics } from '../../../../server/src/contracts/mqtt.js';
import type { EdgeConfig } from '../config-schema.js';
import { OFFLINE_WILL } from './status.js';

export class EdgeTlsError extends Error {
  override name = 'EdgeTlsError';
}

/**
 * The edge's MQTT session (SPEC §11): QoS 1 publishes over a persistent session (clean: false) under a
 * stable client id, the Last Will `{"state":"offline"}` retained on the status topic, TLS with the CA file
 * and an optional client certificate, and the collector's own credentials. Kept apart from the publisher so
 * that it can become the shared connection helper of lib/ (the centre's is built the same way).
 * `readFile` is injected for tests; a file that cannot be read is named in the error.
 */
export function edgeMqttOptions(cfg: Pick<EdgeConfig, 'depot' | 'mqtt'>, root: string, readFile: (path: string) => Buffer = readFileSync): IClientOptions {
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
    clientId: m.clientId ?? `depotwatch-edge-${cfg.depot}`,
    clean: false,
    protocolVersion: 4,
    keepalive: m.keepaliveS,
    reconnectPeriod: 2000,
    connectTimeout: 15_000,
    // nothing is queued inside mqtt.js while offline: the spool is the queue
    queueQoSZero: false,
    resubscribe: true,
    will: { topic: topics.collectorStatus(root, cfg.depot), payload: Buffer.from(OFFLINE_WILL), qos: 1, retain: true },
    ...(m.username !== undefined ? { username: m.username } : {}),
    ...(m.password !== undefined ? { password: m.password } : {}),
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    // a CA file means "verify the centre against it"; never fall back to accepting any certificate
    rejectUnauthorized: true,
  };
}

/** connects in the background (the edge must start and spool even when the centre is unreachable) */
export function connectEdgeMqtt(url: string, options: IClientOptions): MqttClient {
  const client = connect(url, options);
  // Nagle's algorithm would hold a small door alarm back behind the previous segment's ACK
  const noDelay = () => (client.stream as { setNoDelay?: (v: boolean) => void } | undefined)?.setNoDelay?.(true);
  client.on('connect', noDelay);
  return client;
}
