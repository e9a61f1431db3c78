import type { MqttClient } from 'mqtt';
import type { Logger } from '../adapters/logger.js';
import { topics } from '../contracts/mqtt.js';
import type { AcceptedMessage, TelemetryPoint } from '../contracts/telemetry.js';
import type { SiteIndex } from '../domain/site-index.js';
import type { Clock } from '../ports/clock.js';
import type { DiscoveryRegistry } from './discovery.js';
import { normalise, type RejectReason } from './normalise.js';
import { toPoint } from './to-points.js';

export interface IngestMetrics {
  accepted(type: AcceptedMessage['type']): void;
  /** `depot` is the configured depot the message claimed, or "unknown" */
  rejected(reason: RejectReason, depot: string): void;
  discovered(depot: string): void;
}

export interface IngestDeps {
  mqtt: MqttClient;
  root: string;
  /** a getter, so an engineer's configuration change takes effect without a restart */
  index: () => SiteIndex;
  writer: { enqueue(points: readonly TelemetryPoint[]): void } | null;
  discovery: DiscoveryRegistry;
  clock: Clock;
  metrics: IngestMetrics;
  logger: Logger;
  /** MQTT shared-subscription group: several ingest processes then split the load (not on aedes) */
  shareGroup?: string;
  /** every accepted live message from a configured device, after it was queued for storage */
  onAccepted?: (msg: AcceptedMessage, receivedAt: number) => void;
  /**
   * a reading replayed from an edge spool (`hist`, SPEC §3), after it was queued for storage: it is history
   * only and never goes to onAccepted (the live state and the alarm engine)
   */
  onBackfill?: (msg: AcceptedMessage, receivedAt: number) => void;
  onRejected?: (depotId: string | undefined, reason: RejectReason) => void;
}

/**
 * MQTT → validate → normalise → telemetry writer, and a feed of accepted messages for the live state.
 * A bad message is counted, logged at debug with its reason and dropped; nothing here throws into mqtt.js.
 */
export function createIngest(deps: IngestDeps) {
  const { mqtt, root, logger } = deps;
  const filters = topics.ingestFilters(root).map((f) => (deps.shareGroup ? `$share/${deps.shareGroup}/${f}` : f));
  let lastRejectLog = 0;

  function reject(reason: RejectReason, depotId: string | undefined, detail: string, topic: string): void {
    const depot = depotId && deps.index().depot(depotId) ? depotId : 'unknown';
    deps.metrics.rejected(reason, depot);
    deps.onRejected?.(depotId, reason);
    const now = deps.clock.now();
    // one warning a second at most: a flood of garbage must not become a flood of log lines
    if (now - lastRejectLog > 1000) {
      lastRejectLog = now;
      logger.warn({ reason, depot, topic: topic.slice(0, 200), detail }, 'rejected MQTT message');
    }
  }

  function onMessage(topic: string, payload: Buffer): void {
    try {
      handle(topic, payload);
    } catch (err) {
      // a bug here must not stop ingestion: count it like a bad message and carry on
      logger.error({ err, topic: topic.slice(0, 200) }, 'ingest failed on a message');
      deps.metrics.rejected('bad_schema', 'unknown');
    }
  }

  function handle(topic: string, payload: Buffer): void {
    const receivedAt = deps.clock.now();
    const result = normalise(root, topic, payload, receivedAt);
    if (!result.ok) return reject(result.reason, result.depotId, result.detail, topic);
    const index = deps.index();
    const points: TelemetryPoint[] = [];
    const accepted: AcceptedMessage[] = [];
    for (const msg of result.messages) {
      const r = toPoint(msg, index);
      if (r.kind === 'kind_mismatch') return reject('kind_mismatch', msg.depotId, r.detail, topic);
      if (r.kind === 'discovered') {
        deps.discovery.record(r.device, receivedAt);
        deps.metrics.discovered(index.depot(msg.depotId) ? msg.depotId : 'unknown');
        continue;
      }
      points.push(r.point);
      accepted.push(msg);
    }
    if (points.length > 0) deps.writer?.enqueue(points);
    for (const msg of accepted) {
      deps.metrics.accepted(msg.type);
      if (msg.type !== 'collector' && msg.hist) deps.onBackfill?.(msg, receivedAt);
      else deps.onAccepted?.(msg, receivedAt);
    }
  }

  return {
    filters,
    async start(): Promise<void> {
      mqtt.on('message', onMessage);
      // mqtt.js resubscribes by itself after a reconnect (resubscribe: true), clean or not
      await mqtt.subscribeAsync(filters, { qos: 1 });
      logger.info({ filters }, 'ingest subscribed');
    },
    async stop(): Promise<void> {
      mqtt.removeListener('message', onMessage);
      if (mqtt.connected) await mqtt.unsubscribeAsync(filters).catch(() => undefined);
    },
  };
}
export type Ingest = ReturnType<typeof createIngest>;
