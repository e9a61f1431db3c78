import { isJpeg, MAX_SNAPSHOT_BYTES, parseSnapshotTopic } from '../contracts/snapshots.js';
import { resolveTs, type RejectReason } from './normalise.js';

export interface IncomingSnapshot { depotId: string; cameraId: string; ts: number; receivedAt: number; jpeg: Buffer }

export type SnapshotNormaliseResult =
  /** not a snapshot topic: the JSON normaliser's */
  | { kind: 'other' }
  /** the centre's own `snapshot/request`, heard back through its subscription to the whole tree */
  | { kind: 'ignored' }
  | { kind: 'snapshot'; snapshot: IncomingSnapshot }
  | { kind: 'rejected'; reason: RejectReason; depotId?: string; detail: string };

/**
 * The binary branch of ingest, taken before any JSON parsing: a camera snapshot (SPEC §3) is a JPEG of at most
 * 512 KiB, dated by the MQTT 5 user property `ts` when there is one (checked like any `ts`: not in the future),
 * else by the time of receipt. Pure; never throws, whatever the bytes.
 */
export function normaliseSnapshot(root: string, topic: string, payload: Uint8Array, userTs: string | string[] | undefined, now: number): SnapshotNormaliseResult {
  const where = parseSnapshotTopic(root, topic);
  if (!where) return { kind: 'other' };
  if (where.type === 'bad_id') return { kind: 'rejected', reason: 'bad_id', detail: `topic "${topic.slice(0, 200)}"`, ...(where.depotId ? { depotId: where.depotId } : {}) };
  const { depotId, cameraId } = where;
  if (where.type === 'request') return { kind: 'ignored' };
  if (payload.byteLength > MAX_SNAPSHOT_BYTES) return { kind: 'rejected', reason: 'too_large', depotId, detail: `snapshot of ${payload.byteLength} bytes > ${MAX_SNAPSHOT_BYTES}` };
  if (!isJpeg(payload)) return { kind: 'rejected', reason: 'not_jpeg', depotId, detail: `snapshot of ${payload.byteLength} bytes does not start like a JPEG` };
  const raw = Array.isArray(userTs) ? userTs[0] : userTs;
  let ts = now;
  if (raw !== undefined) {
    const r = resolveTs(/^\d+$/.test(raw) ? Number(raw) : raw, now);
    if (r === 'bad_ts' || r === 'future_ts') return { kind: 'rejected', reason: r, depotId, detail: `ts user property ${JSON.stringify(raw.slice(0, 40))}` };
    ts = r;
  }
  // a copy: the file is written after this returns, and mqtt.js may reuse the bytes it parsed into
  const jpeg = Buffer.from(payload);
  return { kind: 'snapshot', snapshot: { depotId, cameraId, ts, receivedAt: now, jpeg } };
}
