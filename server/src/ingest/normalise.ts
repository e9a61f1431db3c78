import {
  MAX_FUTURE_MS, MAX_PAYLOAD_BYTES, cameraHealthPayloadSchema, collectorStatusPayloadSchema, parseTopic,
  sensorPayloadSchema, type CameraHealthPayload,
} from '../contracts/mqtt.js';
import type { AcceptedMessage, CameraHealth } from '../contracts/telemetry.js';

/** Why a message was refused; each is a label value of the rejection counter. */
export const REJECT_REASONS = ['bad_topic', 'bad_id', 'too_large', 'not_json', 'non_finite', 'bad_schema', 'bad_ts', 'future_ts', 'kind_mismatch', 'not_jpeg', 'unknown_camera', 'store_failed'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export type NormaliseResult =
  | { ok: true; messages: AcceptedMessage[] }
  /** `ignored`: a valid topic that is not telemetry (the centre's own collector/config) */
  | { ok: true; ignored: true; messages: [] }
  | { ok: false; reason: RejectReason; depotId?: string; detail: string };

const reject = (reason: RejectReason, detail: string, depotId?: string): NormaliseResult => ({ ok: false, reason, detail, depotId });

/**
 * Turns one MQTT message into zero or more accepted messages, or one rejection with a reason.
 * Pure: `now` is passed in. Never throws, whatever the bytes.
 */
export function normalise(root: string, topic: string, payload: Uint8Array, now: number): NormaliseResult {
  const where = parseTopic(root, topic);
  if ('error' in where) return reject(where.error, `topic "${topic.slice(0, 200)}"`, 'depotId' in where ? where.depotId : undefined);
  const { depotId } = where;
  if (where.type === 'collector_config') return { ok: true, ignored: true, messages: [] };
  if (payload.byteLength > MAX_PAYLOAD_BYTES) return reject('too_large', `${payload.byteLength} bytes > ${MAX_PAYLOAD_BYTES}`, depotId);

  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch {
    return reject('not_json', 'payload is not JSON', depotId);
  }
  // JSON has no NaN, but 1e999 parses to Infinity: name that precisely instead of a generic schema error.
  if (hasNonFinite(json)) return reject('non_finite', 'a number is not finite', depotId);

  switch (where.type) {
    case 'sensor': {
      const parsed = sensorPayloadSchema.safeParse(json);
      if (!parsed.success) return reject('bad_schema', describe(parsed.error.issues), depotId);
      const readings = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
      const messages: AcceptedMessage[] = [];
      for (const r of readings) {
        const ts = resolveTs(r.ts, now);
        if (typeof ts === 'string') return reject(ts, `ts ${JSON.stringify(r.ts)}`, depotId);
        messages.push({ type: 'sensor', depotId, sensorId: where.sensorId, kind: r.kind, value: r.value, ts, ...(r.unit !== undefined ? { unit: r.unit } : {}), ...(r.hist === true ? { hist: true as const } : {}) });
      }
      return { ok: true, messages };
    }
    case 'camera': {
      const parsed = cameraHealthPayloadSchema.safeParse(json);
      if (!parsed.success) return reject('bad_schema', describe(parsed.error.issues), depotId);
      const ts = resolveTs(parsed.data.ts, now);
      if (typeof ts === 'string') return reject(ts, `ts ${JSON.stringify(parsed.data.ts)}`, depotId);
      return { ok: true, messages: [{ type: 'camera', depotId, cameraId: where.cameraId, health: toHealth(parsed.data), ts, ...(parsed.data.hist === true ? { hist: true as const } : {}) }] };
    }
    case 'collector_status': {
      const parsed = collectorStatusPayloadSchema.safeParse(json);
      if (!parsed.success) return reject('bad_schema', describe(parsed.error.issues), depotId);
      const ts = resolveTs(parsed.data.ts, now);
      if (typeof ts === 'string') return reject(ts, `ts ${JSON.stringify(parsed.data.ts)}`, depotId);
      const { state, spooled = 0, version, dropped, configVersion } = parsed.data;
      return {
        ok: true,
        messages: [{
          type: 'collector', depotId, state, spooled, ts, ...(version !== undefined ? { version } : {}),
          ...(dropped !== undefined ? { dropped } : {}), ...(configVersion !== undefined ? { configVersion } : {}),
        }],
      };
    }
  }
}

/** epoch ms, ISO-8601 or absent (time of receipt); a rejection reason when unusable */
export function resolveTs(ts: number | string | undefined, now: number): number | 'bad_ts' | 'future_ts' {
  if (ts === undefined) return now;
  let ms: number;
  if (typeof ts === 'number') ms = ts;
  else {
    // Date.parse accepts much that is not ISO-8601 ("1", "March 7"); require the ISO shape first.
    if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(ts)) return 'bad_ts';
    ms = Date.parse(ts);
  }
  if (!Number.isFinite(ms) || ms < 0) return 'bad_ts';
  if (ms > now + MAX_FUTURE_MS) return 'future_ts';
  return Math.round(ms);
}

function hasNonFinite(v: unknown, depth = 0): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (depth > 8 || v === null || typeof v !== 'object') return false;
  for (const x of Array.isArray(v) ? v : Object.values(v)) if (hasNonFinite(x, depth + 1)) return true;
  return false;
}

function toHealth(p: CameraHealthPayload): CameraHealth {
  // zod has already dropped unknown keys; copy only defined ones so stored objects stay small
  const h: CameraHealth = { online: p.online };
  if (p.fps !== undefined) h.fps = p.fps;
  if (p.bitrateKbps !== undefined) h.bitrateKbps = p.bitrateKbps;
  if (p.packetLossPct !== undefined) h.packetLossPct = p.packetLossPct;
  if (p.recording !== undefined) h.recording = p.recording;
  if (p.storageFreePct !== undefined) h.storageFreePct = p.storageFreePct;
  if (p.tamper !== undefined) h.tamper = p.tamper;
  if (p.videoLoss !== undefined) h.videoLoss = p.videoLoss;
  return h;
}

function describe(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(payload)'}: ${i.message}`).join('; ');
}
