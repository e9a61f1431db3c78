import { z } from 'zod';
import { ID_PATTERN } from './ids.js';
import { sensorKindSchema } from './telemetry.js';

/** SPEC §3: messages above this size are rejected unread. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
/** SPEC §3: `ts` more than this far in the future is rejected. */
export const MAX_FUTURE_MS = 5 * 60 * 1000;
export const DEFAULT_TOPIC_ROOT = 'depots';

/** epoch ms or an ISO-8601 string; checked further (finite, not in the future) by the normaliser */
export const tsSchema = z.union([z.number(), z.string().max(40)]);

export const sensorReadingSchema = z.object({
  ts: tsSchema.optional(),
  kind: sensorKindSchema,
  value: z.number(),
  unit: z.string().max(16).optional(),
  /** replayed from an edge spool after a broken link: stored, never shown as live, never alarms (SPEC §3) */
  hist: z.boolean().optional(),
});
export type SensorReadingPayload = z.infer<typeof sensorReadingSchema>;
/** a single reading or a batch of them; a batch is capped so one message cannot fan out without bound */
export const sensorPayloadSchema = z.union([sensorReadingSchema, z.array(sensorReadingSchema).min(1).max(1000)]);

export const cameraHealthPayloadSchema = z.object({
  ts: tsSchema.optional(),
  online: z.boolean(),
  fps: z.number().min(0).optional(),
  bitrateKbps: z.number().min(0).optional(),
  packetLossPct: z.number().min(0).max(100).optional(),
  recording: z.boolean().optional(),
  storageFreePct: z.number().min(0).max(100).optional(),
  tamper: z.boolean().optional(),
  videoLoss: z.boolean().optional(),
  /** replayed from an edge spool, as for sensor readings */
  hist: z.boolean().optional(),
});
export type CameraHealthPayload = z.infer<typeof cameraHealthPayloadSchema>;

export const collectorStatusPayloadSchema = z.object({
  state: z.enum(['online', 'offline']),
  ts: tsSchema.optional(),
  version: z.string().max(64).optional(),
  spooled: z.number().int().min(0).optional(),
  /** readings the edge spool discarded by its policy since the collector started */
  dropped: z.number().int().min(0).optional(),
  /** the version of `collector/config` the collector runs */
  configVersion: z.number().int().min(0).optional(),
});
export type CollectorStatusPayload = z.infer<typeof collectorStatusPayloadSchema>;

export type ParsedTopic =
  | { type: 'sensor'; depotId: string; sensorId: string }
  | { type: 'camera'; depotId: string; cameraId: string }
  | { type: 'collector_status'; depotId: string }
  | { type: 'collector_config'; depotId: string };

export type TopicError = { error: 'bad_topic' } | { error: 'bad_id'; depotId?: string };

/** Splits a SPEC §3 topic; IDs are checked here so nothing downstream sees a bad one. */
export function parseTopic(root: string, topic: string): ParsedTopic | TopicError {
  const parts = topic.split('/');
  if (parts[0] !== root || parts.length < 4) return { error: 'bad_topic' };
  const depotId = parts[1] ?? '';
  const depotOk = ID_PATTERN.test(depotId);
  const kind = parts[2];
  const badId = (): TopicError => (depotOk ? { error: 'bad_id', depotId } : { error: 'bad_id' });
  if (kind === 'sensors' && parts.length === 4) {
    const sensorId = parts[3] ?? '';
    return depotOk && ID_PATTERN.test(sensorId) ? { type: 'sensor', depotId, sensorId } : badId();
  }
  if (kind === 'cameras' && parts.length === 5 && parts[4] === 'health') {
    const cameraId = parts[3] ?? '';
    return depotOk && ID_PATTERN.test(cameraId) ? { type: 'camera', depotId, cameraId } : badId();
  }
  if (kind === 'collector' && parts.length === 4 && (parts[3] === 'status' || parts[3] === 'config')) {
    if (!depotOk) return badId();
    return parts[3] === 'status' ? { type: 'collector_status', depotId } : { type: 'collector_config', depotId };
  }
  return { error: 'bad_topic' };
}

export const topics = {
  sensor: (root: string, depotId: string, sensorId: string) => `${root}/${depotId}/sensors/${sensorId}`,
  cameraHealth: (root: string, depotId: string, cameraId: string) => `${root}/${depotId}/cameras/${cameraId}/health`,
  collectorStatus: (root: string, depotId: string) => `${root}/${depotId}/collector/status`,
  collectorConfig: (root: string, depotId: string) => `${root}/${depotId}/collector/config`,
  /**
   * The ingest takes the whole tree, not just the three edge → centre shapes, so that a collector
   * publishing to a misspelt topic is counted as `bad_topic` for an engineer instead of vanishing.
   */
  ingestFilters: (root: string) => [`${root}/#`],
} as const;
