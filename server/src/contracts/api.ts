import { z } from 'zod';
import type { CameraHealth, CollectorState, HistoryPoint, SensorKind } from './telemetry.js';
import type { ReadinessLevel, Severity } from '../../../config/schema.js';
import type { AlarmClientEvents, AlarmView, FloodStatus, IncidentView } from './alarms.js';

/** REST and Socket.IO shapes shared by the server and the board (SPEC §8). */

export type { ReadinessLevel, Severity };
export type Role = 'admin' | 'officer' | 'guard' | 'engineer' | 'display';
export const ROLES = ['admin', 'officer', 'guard', 'engineer', 'display'] as const satisfies readonly Role[];

/** Why a depot is not simply ready; `code` + `params` let the board phrase it in its language. */
export interface Reason {
  code: ReasonCode;
  severity: Severity;
  params: Record<string, string | number>;
  /** the same in English, for tools that read the API directly */
  text: string;
}
export type ReasonCode =
  | 'threshold_high' | 'threshold_low' | 'rate_of_change' | 'state_active' | 'door_outside_schedule' | 'motion_outside_schedule'
  | 'cameras_offline' | 'cameras_not_recording' | 'camera_tamper' | 'camera_video_loss'
  | 'collector_offline' | 'not_reporting' | 'no_data' | 'in_maintenance';
/** every reason code, for checks that each has its phrase in every language (board and exports) */
export const REASON_CODES = [
  'threshold_high', 'threshold_low', 'rate_of_change', 'state_active', 'door_outside_schedule', 'motion_outside_schedule',
  'cameras_offline', 'cameras_not_recording', 'camera_tamper', 'camera_video_loss', 'collector_offline', 'not_reporting', 'no_data', 'in_maintenance',
] as const satisfies readonly ReasonCode[];

/** live status of one sensor or camera */
export type DeviceStatus = 'normal' | 'alarm' | 'not_reporting' | 'unknown';

export interface SensorView {
  id: string;
  kind: SensorKind;
  zone: string;
  unit: string;
  value: number | null;
  ts: number | null;
  status: DeviceStatus;
  /** the applicable limits, to draw the value against its normal range */
  low?: number;
  high?: number;
  /** the electronic identification code on the device (equipment register), when it has one */
  equipmentCode?: string;
}

export interface CameraView {
  id: string;
  zone: string;
  health: CameraHealth | null;
  ts: number | null;
  status: DeviceStatus;
  equipmentCode?: string;
}

export interface CollectorView {
  state: CollectorState | 'unknown';
  ts: number | null;
  version?: string;
  spooled: number;
  /** messages rejected from this depot since start */
  rejected: number;
}

export interface ZoneView { id: string; name: string; nameEn?: string; type: string }

export interface DepotSummary {
  id: string;
  name: string;
  nameEn?: string;
  region: string;
  /** the unit the depot belongs to (GET /api/echelons has the tree); absent: directly under its region */
  unit?: string;
  type: string;
  position: { lat: number; lon: number };
  readiness: ReadinessLevel;
  reasons: Reason[];
  /** counts for the tile: cameras online / total, sensors in alarm */
  counts: { sensors: number; sensorsAlarm: number; sensorsStale: number; cameras: number; camerasOnline: number };
  collector: CollectorView;
  /** epoch ms of the last message from this depot */
  lastSeen: number | null;
}

export interface DepotDetail extends DepotSummary {
  zones: ZoneView[];
  sensors: SensorView[];
  cameras: CameraView[];
}

export interface RegionSummary {
  id: string;
  name: string;
  nameEn?: string;
  readiness: ReadinessLevel;
  depots: string[];
  counts: Record<ReadinessLevel, number>;
}

export interface HistoryResponse { intervalMs: number; points: HistoryPoint[]; from: number; to: number }

export interface MeResponse {
  username: string;
  role: Role;
  depots: string[] | null;
  /** true: this session may only change the password (POST /api/auth/password), see /me and log out */
  mustChangePassword: boolean;
}

export const loginRequestSchema = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;
/** POST /api/auth/password: the current password again, and the new one (checked by the password policy) */
export const changePasswordRequestSchema = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(1).max(256),
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>;
export interface LoginResponse { token: string; csrfToken: string; user: MeResponse }

export const historyQuerySchema = z.object({
  sensor: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  camera: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  field: z.enum(['fps', 'bitrate_kbps', 'packet_loss_pct', 'storage_free_pct']).optional(),
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().nonnegative().optional(),
  /** shorthand for from = now - range: 1h, 6h, 24h, 7d, 30d */
  range: z.enum(['1h', '6h', '24h', '7d', '30d']).optional(),
}).refine((q) => (q.sensor === undefined) !== (q.camera === undefined), { message: 'give exactly one of sensor or camera', path: ['sensor'] });

/** One normalised error shape for every failing REST call. */
/**
 * A refused field: `message` is English for logs and API users; `code` and `params` (config/problems.ts)
 * are what the board phrases in its own language. Fields made by hand may carry the message only.
 */
export interface ApiFieldError { path: string; message: string; code?: string; params?: Readonly<Record<string, string | number | boolean>> }
/** `message` is English, for logs and tools; the board phrases `error` (with `params`, where the code has any) itself */
export interface ApiError { error: string; message: string; fields?: ApiFieldError[]; params?: Record<string, string | number> }

/**
 * How much later than usual readings reach the centre now (server/src/domain/delivery-lag.ts): a centre or
 * broker that fell behind. Whole seconds, in steps of 5; 0 on time. While it is above 0 what the board
 * shows is that old, and devices are not called silent for the delay.
 */
export interface DeliveryStatus { lateS: number }

/** Socket.IO, server → client. Deltas arrive coalesced in one `live:batch` per flush. */
export interface Snapshot {
  serverTime: number;
  regions: RegionSummary[];
  depots: DepotDetail[];
  /** every alarm in scope that is not plainly normal (active, awaiting acknowledgement, shelved, suppressed, out of service) */
  alarms: AlarmView[];
  /** live incidents in scope plus those resolved or closed in the last 24 h */
  incidents: IncidentView[];
  flood: FloodStatus;
  /** absent from a server before it: on time */
  delivery?: DeliveryStatus;
}
export interface LiveBatch {
  sensors: (SensorView & { depot: string })[];
  cameras: (CameraView & { depot: string })[];
  depots: DepotSummary[];
  regions: RegionSummary[];
  /** alarms that changed; one whose state is `normal` has left the list */
  alarms?: AlarmView[];
  /** incidents that changed, each complete with its alarms and timeline */
  incidents?: IncidentView[];
  flood?: FloodStatus;
  /** when the delivery lateness changed (a step of 5 s) */
  delivery?: DeliveryStatus;
}
/**
 * Every live message on a socket carries `seq`, counting from 1 on each new connection, so a board can
 * tell a lost message from a quiet moment: a batch whose `seq` is not the one after the last it applied
 * means something was lost, and the board shows "reloading" until a fresh snapshot replaces everything.
 * A snapshot carries the `seq` it is current to; the next batch carries `seq + 1`.
 */
export interface Sequenced { seq: number }
export type LiveSnapshot = Snapshot & Sequenced;
export type SequencedBatch = LiveBatch & Sequenced;
export interface ServerToClientEvents {
  'live:snapshot': (s: LiveSnapshot) => void;
  'live:batch': (b: SequencedBatch) => void;
  'session:expired': () => void;
}
/** what a socket event over its budget is answered with (operator actions: the same fields as a failed ActionResult) */
export interface RateLimitedReply { ok: false; status: 429; error: 'rate_limited'; message: string; retryAfterMs: number }
export const isRateLimited = (r: unknown): r is RateLimitedReply => typeof r === 'object' && r !== null && (r as { error?: unknown }).error === 'rate_limited';
export interface ClientToServerEvents extends AlarmClientEvents {
  /** ask for a fresh snapshot (after a reconnect or a gap); it carries the sequence number it is current to; over the socket's budget, `rate_limited` */
  'live:resync': (ack: (s: LiveSnapshot | RateLimitedReply) => void) => void;
}
