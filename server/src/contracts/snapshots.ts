import { z } from 'zod';
import { ID_PATTERN, idSchema } from './ids.js';
import { tsSchema } from './mqtt.js';

/**
 * Camera snapshots (SPEC §3): the JPEG an edge publishes on `depots/{depotId}/cameras/{cameraId}/snapshot` when an
 * alarm-relevant state changes in the camera's zone or when asked on `…/snapshot/request`, and the REST shapes the
 * board reads them through. Shared by the edge (collectors/), the centre and the board.
 *
 * Time of a snapshot: the MQTT 5 user property `ts` (epoch ms) when the message carries one, else the time of
 * receipt. The embedded broker (aedes) speaks MQTT 3.1.1, which has no properties: there the edge holds a snapshot
 * it could not send for at most SNAPSHOT_HOLD_MS, so the time of receipt is never further than that from the truth.
 */

/** SPEC §3: a snapshot is at most 512 KiB; the broker's packet limit (516 KiB) leaves room for the headers */
export const MAX_SNAPSHOT_BYTES = 512 * 1024;
/** how long an edge holds a snapshot it could not publish (link down) before it drops it, counted */
export const SNAPSHOT_HOLD_MS = 60_000;

/** a JPEG starts with SOI (FF D8) and the first marker's FF; anything else is not a picture the board can show */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

export const snapshotTopics = {
  snapshot: (root: string, depotId: string, cameraId: string) => `${root}/${depotId}/cameras/${cameraId}/snapshot`,
  request: (root: string, depotId: string, cameraId: string) => `${root}/${depotId}/cameras/${cameraId}/snapshot/request`,
  /** what an edge subscribes to: every camera's requests of its own depot (the broker's ACL allows exactly this) */
  requests: (root: string, depotId: string) => `${root}/${depotId}/cameras/+/snapshot/request`,
} as const;

export type SnapshotTopic =
  | { type: 'snapshot' | 'request'; depotId: string; cameraId: string }
  | { type: 'bad_id'; depotId?: string };

/** a snapshot or snapshot-request topic, its ids checked; null for any other topic */
export function parseSnapshotTopic(root: string, topic: string): SnapshotTopic | null {
  const p = topic.split('/');
  if (p[0] !== root || p[2] !== 'cameras' || p[4] !== 'snapshot') return null;
  const type = p.length === 5 ? 'snapshot' : p.length === 6 && p[5] === 'request' ? 'request' : null;
  if (!type) return null;
  const depotId = p[1] ?? '';
  const cameraId = p[3] ?? '';
  if (!ID_PATTERN.test(depotId)) return { type: 'bad_id' };
  if (!ID_PATTERN.test(cameraId)) return { type: 'bad_id', depotId };
  return { type, depotId, cameraId };
}

/** centre → edge: take a snapshot now */
export const snapshotRequestPayloadSchema = z.object({ ts: tsSchema.optional(), reason: z.string().max(200).default('') });
export type SnapshotRequestPayload = z.infer<typeof snapshotRequestPayloadSchema>;

/** why a stored snapshot was taken, as far as the centre knows */
export type SnapshotOrigin = 'edge' | 'alarm' | 'operator';

export interface SnapshotView {
  id: number;
  depot: string;
  camera: string;
  /** the camera's zone in the site configuration, when it is configured */
  zone: string | null;
  zoneName: string | null;
  /** when it was taken (the `ts` user property) or received */
  ts: number;
  receivedAt: number;
  bytes: number;
  sha256: string;
  origin: SnapshotOrigin;
  /** the person who asked for it, for an operator's request */
  requestedBy: string | null;
  /** the alarms and incidents it is attached to */
  alarms: string[];
  incidents: string[];
  /** GET this (authenticated) for the JPEG */
  url: string;
}

export const snapshotListQuerySchema = z.object({
  depot: idSchema.optional(),
  camera: idSchema.optional(),
  alarm: z.string().regex(/^[A-Za-z0-9_:/.-]{1,200}$/).optional(),
  incident: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  /** only the newest snapshot of each camera (the depot view's camera cards) */
  latest: z.enum(['1', 'true']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
}).refine((q) => q.camera === undefined || q.depot !== undefined, { message: 'camera needs depot', path: ['depot'] });

/** POST /api/snapshots/request: "take a snapshot now", for one camera or every camera of an alarm's zone */
export const snapshotTakeSchema = z.object({
  depot: idSchema,
  camera: idSchema.optional(),
  /** the alarm the person is verifying: its zone's cameras, and the picture is attached to it */
  alarmId: z.string().regex(/^[A-Za-z0-9_:/.-]{1,200}$/).optional(),
}).refine((b) => b.camera !== undefined || b.alarmId !== undefined, { message: 'name a camera or an alarm', path: ['camera'] });

export interface SnapshotTakeResult {
  /** the cameras asked; their pictures arrive on the live feed as incident timeline entries and in the list routes */
  cameras: string[];
  requestedAt: number;
}

export { parseSnapshotTimelineDetail, snapshotTimelineDetail } from './snapshot-detail.js';
