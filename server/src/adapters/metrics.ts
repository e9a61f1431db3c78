import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IngestMetrics } from '../ingest/ingest.js';
import type { QueueDropReason } from '../ports/telemetry-queue.js';

/**
 * Every Prometheus metric DepotWatch exposes on /metrics, in one registry per app instance
 * (no global default registry: two apps in one test process must not share counters).
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'depotwatch_' });
  const accepted = new Counter({ name: 'depotwatch_ingest_messages_total', help: 'MQTT messages accepted, by type', labelNames: ['type'] as const, registers: [registry] });
  const rejected = new Counter({ name: 'depotwatch_ingest_rejected_total', help: 'MQTT messages rejected, by reason and depot (collector)', labelNames: ['reason', 'depot'] as const, registers: [registry] });
  const discovered = new Counter({ name: 'depotwatch_ingest_discovered_total', help: 'messages from devices not in the configuration', labelNames: ['depot'] as const, registers: [registry] });
  const redelivered = new Counter({ name: 'depotwatch_ingest_redelivered_total', help: 'QoS 1 messages the broker sent again (DUP flag): delivered before without a PUBACK; stored idempotently', registers: [registry] });
  const connections = new Counter({ name: 'depotwatch_mqtt_connections_total', help: 'MQTT connections of the ingest, by whether the broker still held the persistent session', labelNames: ['session'] as const, registers: [registry] });
  const written = new Counter({ name: 'depotwatch_telemetry_points_written_total', help: 'points written to the telemetry store', registers: [registry] });
  const failed = new Counter({ name: 'depotwatch_telemetry_points_failed_total', help: 'points the telemetry store refused as invalid', registers: [registry] });
  const dropped = new Counter({ name: 'depotwatch_telemetry_points_dropped_total', help: 'points dropped from the telemetry queue: queue_full (the oldest, past TELEMETRY_QUEUE_MAX_BYTES) or unreadable', labelNames: ['reason'] as const, registers: [registry] });
  const retries = new Counter({ name: 'depotwatch_telemetry_write_retries_total', help: 'telemetry write attempts retried after a retryable error', registers: [registry] });
  const writeSeconds = new Histogram({ name: 'depotwatch_telemetry_write_seconds', help: 'latency of one batch write', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] });
  const queueSyncSeconds = new Histogram({ name: 'depotwatch_telemetry_queue_sync_seconds', help: 'time to flush one group of the telemetry queue to disk (fdatasync, off the event loop); its PUBACKs wait for it', buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry] });
  const queue = new Gauge({ name: 'depotwatch_telemetry_queue_points', help: 'points in the on-disk telemetry queue, waiting to be written', registers: [registry] });
  const queueBytes = new Gauge({ name: 'depotwatch_telemetry_queue_bytes', help: 'bytes of queued points (the measure TELEMETRY_QUEUE_MAX_BYTES bounds)', registers: [registry] });
  const clients = new Gauge({ name: 'depotwatch_live_clients', help: 'connected Socket.IO clients', registers: [registry] });
  const mqttRefused = new Counter({ name: 'depotwatch_mqtt_refused_total', help: 'embedded broker: connections, logins, subscriptions and publishes refused, by reason', labelNames: ['reason'] as const, registers: [registry] });
  const backtests = new Counter({ name: 'depotwatch_backtests_total', help: 'rule backtests, by outcome: done, refused (4xx), busy (refused: as many running as allowed), failed, aborted (the client went away)', labelNames: ['outcome'] as const, registers: [registry] });
  const backtestSeconds = new Histogram({ name: 'depotwatch_backtest_seconds', help: 'how long one rule backtest took', buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [registry] });
  const backtestsRunning = new Gauge({ name: 'depotwatch_backtests_running', help: 'rule backtests replaying now (at most two at once; one more is refused as busy)', registers: [registry] });
  const liveBacklog = new Gauge({ name: 'depotwatch_live_pending_updates', help: 'coalesced updates waiting for slow clients', registers: [registry] });

  const ingest: IngestMetrics = {
    accepted: (type) => accepted.inc({ type }),
    rejected: (reason, depot) => rejected.inc({ reason, depot }),
    discovered: (depot) => discovered.inc({ depot }),
    redelivered: () => redelivered.inc(),
    connected: (present) => connections.inc({ session: present ? 'present' : 'new' }),
  };
  const writer = {
    onWritten: (n: number, seconds: number) => { written.inc(n); writeSeconds.observe(seconds); },
    onFailed: (n: number) => failed.inc(n),
    onRetry: () => retries.inc(),
    queueDepth: (n: number, bytes: number) => { queue.set(n); queueBytes.set(bytes); },
  };
  const broker = { onRefused: (reason: string) => mqttRefused.inc({ reason }) };
  dropped.inc({ reason: 'queue_full' }, 0); // present on /metrics from the start
  const queueDropped = (n: number, reason: QueueDropReason) => dropped.inc({ reason }, n);
  for (const outcome of ['done', 'refused', 'busy', 'failed', 'aborted']) backtests.inc({ outcome }, 0);
  const backtest = (outcome: string, seconds: number) => { backtests.inc({ outcome }); if (outcome === 'done') backtestSeconds.observe(seconds); };
  const queueSynced = (seconds: number) => queueSyncSeconds.observe(seconds);
  const backtestRunning = (n: number) => backtestsRunning.set(n);
  /** the live state's delivery lateness, read at each scrape */
  const watchLateness = (ms: () => number) => {
    new Gauge({
      name: 'depotwatch_delivery_lateness_seconds',
      help: 'how much later than usual messages reach the live state now (a centre or broker that fell behind); silence is judged net of it, up to 600 s',
      registers: [registry], collect() { this.set(ms() / 1000); },
    });
  };
  return { registry, ingest, writer, broker, queueDropped, queueSynced, clients, liveBacklog, backtest, backtestRunning, watchLateness };
}
export type Metrics = ReturnType<typeof createMetrics>;
