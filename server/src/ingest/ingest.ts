import type { IPublishPacket, MqttClient } from 'mqtt';
import type { DeferredAcks } from '../../../lib/mqtt/deferred-acks.js';
import { subscribeOnConnect } from '../../../lib/mqtt/connect.js';
import type { Logger } from '../adapters/logger.js';
import { topics } from '../contracts/mqtt.js';
import type { AcceptedMessage, TelemetryPoint } from '../contracts/telemetry.js';
import type { SiteIndex } from '../domain/site-index.js';
import type { Clock } from '../ports/clock.js';
import { rejectedSample, type RejectedSample } from '../domain/rejection-log.js';
import type { DiscoveryRegistry } from './discovery.js';
import { normalise, type RejectReason } from './normalise.js';
import { normaliseSnapshot, type IncomingSnapshot } from './normalise-snapshot.js';
import { toPoint } from './to-points.js';

export interface IngestMetrics {
  accepted(type: AcceptedMessage['type'] | 'snapshot'): void;
  /** `depot` is the configured depot the message claimed, or "unknown" */
  rejected(reason: RejectReason, depot: string): void;
  discovered(depot: string): void;
  /** a QoS 1 message the broker sent again (DUP): it was delivered before and not acknowledged */
  redelivered(): void;
  /** each connection the broker answered, and whether it still held this client's session */
  connected(sessionPresent: boolean): void;
}

export interface IngestDeps {
  mqtt: MqttClient;
  root: string;
  /** a getter, so an engineer's configuration change takes effect without a restart */
  index: () => SiteIndex;
  /** `onDurable` runs once the points are safely queued (on disk); the message's PUBACK waits for it */
  writer: { enqueue(points: readonly TelemetryPoint[], onDurable?: () => void): void } | null;
  /** holds each QoS 1 PUBACK until the writer has the message on disk; without it mqtt.js acks on receipt */
  acks?: DeferredAcks;
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
  /** `sample` is bounded and masked (domain/rejection-log.ts), for engineers to see what came */
  onRejected?: (depotId: string | undefined, reason: RejectReason, sample: RejectedSample) => void;
  /** every MQTT message that names a depot (good, discovered or refused), for the collector's message rate */
  onReceived?: (depotId: string, receivedAt: number) => void;
  /**
   * a camera snapshot (binary JPEG, SPEC §3), checked; `done` releases its PUBACK and must be called once the
   * picture is on disk (or refused). Without it, snapshots are refused as bad topics were before.
   */
  onSnapshot?: (snapshot: IncomingSnapshot, done: () => void) => void;
}

/**
 * MQTT → validate → normalise → telemetry writer, and a feed of accepted messages for the live state.
 * A bad message is counted, logged at debug with its reason and dropped; nothing here throws into mqtt.js.
 */
export function createIngest(deps: IngestDeps) {
  const { mqtt, root, logger } = deps;
  const filters = topics.ingestFilters(root).map((f) => (deps.shareGroup ? `$share/${deps.shareGroup}/${f}` : f));
  let lastRejectLog = 0;

  function reject(reason: RejectReason, depotId: string | undefined, detail: string, topic: string, payload: Buffer): void {
    const depot = depotId && deps.index().depot(depotId) ? depotId : 'unknown';
    deps.metrics.rejected(reason, depot);
    const now = deps.clock.now();
    deps.onRejected?.(depotId, reason, rejectedSample(now, topic, reason, detail, payload));
    // one warning a second at most: a flood of garbage must not become a flood of log lines
    if (now - lastRejectLog > 1000) {
      lastRejectLog = now;
      logger.warn({ reason, depot, topic: topic.slice(0, 200), detail }, 'rejected MQTT message');
    }
  }

  function onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (packet.dup) deps.metrics.redelivered();
    const release = deps.acks?.hold(packet);
    let released = false;
    const ack = release ? () => { if (!released) { released = true; release(); } } : undefined;
    try {
      handle(topic, payload, ack, packet);
    } catch (err) {
      // a bug here must not stop ingestion: count it like a bad message and carry on
      logger.error({ err, topic: topic.slice(0, 200) }, 'ingest failed on a message');
      deps.metrics.rejected('bad_schema', 'unknown');
    }
    // nothing to store (rejected, discovered, or no writer): nothing to wait for
    if (!queuedForAck) ack?.();
    queuedForAck = false;
  }
  /** set by handle() when the writer took the message's PUBACK along with its points */
  let queuedForAck = false;

  function handle(topic: string, payload: Buffer, ack: (() => void) | undefined, packet?: IPublishPacket): void {
    const receivedAt = deps.clock.now();
    // binary snapshots are routed before anything tries to read them as JSON
    if (deps.onSnapshot) {
      const snap = normaliseSnapshot(root, topic, payload, packet?.properties?.userProperties?.ts, receivedAt);
      if (snap.kind === 'ignored') return;
      const from = snap.kind === 'snapshot' ? snap.snapshot.depotId : snap.kind === 'rejected' ? snap.depotId : undefined;
      if (from !== undefined) deps.onReceived?.(from, receivedAt);
      // the engineers' sample of a refused picture says what it was, not its bytes
      const described = () => Buffer.from(`(binary, ${payload.length} bytes)`);
      if (snap.kind === 'rejected') return reject(snap.reason, snap.depotId, snap.detail, topic, described());
      if (snap.kind === 'snapshot') {
        if (!deps.index().camera(snap.snapshot.depotId, snap.snapshot.cameraId)) {
          // a picture is kept only for a configured camera: nothing else could show it or age it out
          return reject('unknown_camera', snap.snapshot.depotId, `snapshot from a camera that is not configured: ${snap.snapshot.cameraId}`, topic, described());
        }
        deps.metrics.accepted('snapshot');
        queuedForAck = true;
        deps.onSnapshot(snap.snapshot, ack ?? (() => undefined));
        return;
      }
    }
    const result = normalise(root, topic, payload, receivedAt);
    const from = result.ok ? result.messages[0]?.depotId : result.depotId;
    if (from !== undefined) deps.onReceived?.(from, receivedAt);
    if (!result.ok) return reject(result.reason, result.depotId, result.detail, topic, payload);
    const index = deps.index();
    const points: TelemetryPoint[] = [];
    const accepted: AcceptedMessage[] = [];
    for (const msg of result.messages) {
      const r = toPoint(msg, index);
      if (r.kind === 'kind_mismatch') return reject('kind_mismatch', msg.depotId, r.detail, topic, payload);
      if (r.kind === 'discovered') {
        // the last value shows the engineer what the device measures before it is approved
        deps.discovery.record(msg.type === 'sensor' ? { ...r.device, value: msg.value, ...(msg.unit !== undefined ? { unit: msg.unit } : {}) } : r.device, receivedAt);
        deps.metrics.discovered(index.depot(msg.depotId) ? msg.depotId : 'unknown');
        continue;
      }
      points.push(r.point);
      accepted.push(msg);
    }
    if (points.length > 0 && deps.writer) {
      deps.writer.enqueue(points, ack);
      queuedForAck = true;
    }
    for (const msg of accepted) {
      deps.metrics.accepted(msg.type);
      if (msg.type !== 'collector' && msg.hist) deps.onBackfill?.(msg, receivedAt);
      else deps.onAccepted?.(msg, receivedAt);
    }
  }

  const onConnect = (connack: { sessionPresent: boolean }) => deps.metrics.connected(connack.sessionPresent);
  let subscription: ReturnType<typeof subscribeOnConnect> | undefined;
  return {
    filters,
    /**
     * Takes messages from now on (synchronously: call it before the connection completes) and subscribes on
     * every connection; resolves at the first SUBACK, which never comes while the broker is unreachable.
     */
    start(): Promise<void> {
      this.listen();
      subscription = subscribeOnConnect(mqtt, filters, logger);
      return subscription.subscribed;
    },
    /** Takes messages without subscribing: a retiring process drains what its session already holds (retire.ts). */
    listen(): void {
      mqtt.on('message', onMessage);
      mqtt.on('connect', onConnect);
    },
    /**
     * Stops taking messages. It does not unsubscribe: with a persistent session the broker keeps queueing
     * for this client id while it is away, and hands everything over when it is back.
     */
    async stop(): Promise<void> {
      subscription?.stop();
      mqtt.removeListener('message', onMessage);
      mqtt.removeListener('connect', onConnect);
    },
  };
}
export type Ingest = ReturnType<typeof createIngest>;
