import { z } from 'zod';
import type { ReasonCode, Role, Severity } from './api.js';

/** REST and Socket.IO shapes of alarms, incidents, operator actions, users and audit (SPEC §5, §7, §8). */

export type AlarmState = 'normal' | 'unack' | 'acked' | 'rtn_unack' | 'shelved' | 'suppressed' | 'out_of_service';
export type IncidentState = 'open' | 'acknowledged' | 'resolved' | 'closed';

export interface ActorView { username: string; at: number; note: string }

export interface AlarmView {
  id: string;
  depot: string;
  code: ReasonCode;
  severity: Severity;
  /** which sensor or camera, in which zone */
  device: { type: 'sensor' | 'camera' | 'collector'; id: string; zone?: string; zoneName?: string; equipmentCode?: string };
  params: Record<string, string | number>;
  /** English sentence; the board phrases code + params itself */
  text: string;
  state: AlarmState;
  active: boolean;
  chattering: boolean;
  raisedAt: number | null;
  clearedAt: number | null;
  updatedAt: number;
  ack: ActorView | null;
  shelf: (ActorView & { until: number }) | null;
  suppression: (ActorView & { until: number | null; scope: 'device' | 'depot' }) | null;
  outOfService: ActorView | null;
  incidentId: string | null;
}

export interface TimelineEntryView {
  at: number;
  type: 'opened' | 'alarm' | 'acknowledged' | 'note' | 'assigned' | 'escalated' | 'resolved' | 'closed' | 'reopened' | 'snapshot';
  actor: string;
  note?: string;
  alarmId?: string;
  detail?: string;
}

export interface IncidentView {
  id: string;
  /** the depot's id (SPEC §8) */
  depot: string;
  severity: Severity;
  state: IncidentState;
  title: string;
  openedAt: number;
  updatedAt: number;
  assignee: string | null;
  escalatedAt: number | null;
  /** alarms needing acknowledgement right now */
  unacked: number;
  alarms: AlarmView[];
  /** oldest first; in live updates and lists only the latest entries (see timelineOmitted) */
  timeline: TimelineEntryView[];
  /** how many older entries were left out; fetch GET /api/incidents/{id} for the whole timeline */
  timelineOmitted: number;
}

/** An alarm as the person saw it: one raise of it, told apart from a later re-raise by `raisedAt`. */
export interface SeenAlarm { id: string; raisedAt: number | null }

/** The answer to an incident acknowledgement: the incident, and which alarms the request covered. */
export interface IncidentAckResult extends IncidentView {
  ack: {
    /** acknowledged by this request */
    acknowledged: string[];
    /** listed by the request but acknowledged already (by someone else, or by this same request sent before) */
    alreadyAcknowledged: string[];
    /** raised after the view the request was made from: still awaiting acknowledgement */
    stillUnacked: string[];
  };
}

export interface MaintenanceView {
  id: number;
  depot: string;
  device: { type: 'sensor' | 'camera'; id: string } | null;
  reason: string;
  by: string;
  from: number;
  until: number;
  endedAt: number | null;
  /** an occurrence of this recurring window (contracts/maintenance.ts); absent for a one-off window */
  recurringId?: number;
}

/** more than `threshold` new alarms within `windowS` in the caller's scope */
export interface FloodStatus { active: boolean; count: number; windowS: number; threshold: number; perMinute: number }

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  depot: string | null;
  note: string | null;
  detail: Record<string, unknown> | null;
}

/**
 * Which depots a user sees: "all", or exactly the listed ones. Never an empty list on input (a guard needs
 * depots; a display with none would be a blank wall): see server/src/domain/depot-scope.ts for the rule.
 */
export type DepotScope = 'all' | string[];

export interface UserView { id: number; username: string; role: Role; depots: DepotScope; disabled: boolean; mustChangePassword: boolean; createdAt: number; updatedAt: number }

export interface HandoverReport {
  from: number;
  to: number;
  generatedAt: number;
  generatedBy: string;
  incidents: IncidentView[];
  actions: AuditEntry[];
  /** counted over the whole shift (in SQL, in the caller's scope), not over what fits in the report */
  summary: { incidents: number; critical: number; stillOpen: number; acknowledged: number; escalated: number };
  /** true when the report holds fewer incidents or actions than the shift had: see `totals` */
  truncated: boolean;
  totals: { incidents: number; actions: number };
}

/** GET /api/audit/verify (SPEC §8): `{"ok":true,"entries":N}`, or the first entry whose chain does not hold. */
export type AuditVerifyResult =
  | { ok: true; entries: number; head: { id: number; hash: string } | null }
  | { ok: false; entries: number; checked: number; firstBroken: { id: number; reason: 'content' | 'gap' | 'order' | 'anchor'; message: string }; head: { id: number; hash: string } | null };

const note = z.string().trim().max(2000);
const requiredNote = note.min(1, 'a note is required');
const id = z.string().regex(/^[A-Za-z0-9_:/.-]{1,200}$/);

export const ackRequestSchema = z.object({ note: note.default('') });
/** what the person saw: each alarm with the raise time the board showed (a re-raise since is a different raise) */
export const incidentAckRequestSchema = ackRequestSchema.extend({
  alarms: z.array(z.object({ id, raisedAt: z.number().int().nonnegative().nullable() })).max(1000).optional(),
});
export const noteRequestSchema = z.object({ note: requiredNote });
export const assignRequestSchema = z.object({ assignee: z.string().min(1).max(64).nullable() });
export const shelveRequestSchema = z.object({
  reason: requiredNote,
  /** minutes from now; the server refuses more than the configured maximum */
  minutes: z.number().int().positive().max(7 * 24 * 60),
});
export const outOfServiceRequestSchema = z.object({ reason: requiredNote });
export const maintenanceRequestSchema = z.object({
  depot: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  device: z.object({ type: z.enum(['sensor', 'camera']), id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }).nullable().default(null),
  reason: requiredNote,
  minutes: z.number().int().positive().max(30 * 24 * 60),
});
export const incidentQuerySchema = z.object({
  state: z.union([z.enum(['open', 'acknowledged', 'resolved', 'closed', 'live']), z.string().regex(/^[a-z,]+$/)]).optional(),
  depot: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  severity: z.enum(['critical', 'major', 'minor', 'warning']).optional(),
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
/** "all", or depot ids; null is still read as "all" (clients written before "all" existed) */
const depotScopeSchema = z.union([z.literal('all'), z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)).max(1000)], {
  error: 'give "all" or a list of depot ids',
}).nullable().optional();
export const userCreateSchema = z.object({
  username: z.string().regex(/^[A-Za-z0-9_.-]{2,64}$/, 'letters, digits, _ . - (2–64)'),
  // length and the common-password list are the password policy's (server/src/domain/password-policy.ts)
  password: z.string().min(1).max(256),
  role: z.enum(['admin', 'officer', 'guard', 'engineer', 'display']),
  depots: depotScopeSchema,
  /** default true: the person changes the password the admin gave them at first login */
  mustChangePassword: z.boolean().optional(),
});
export const userUpdateSchema = z.object({
  password: z.string().min(1).max(256).optional(),
  role: z.enum(['admin', 'officer', 'guard', 'engineer', 'display']).optional(),
  depots: depotScopeSchema,
  disabled: z.boolean().optional(),
  /** with a new password, default true (an admin's reset is changed at the next login) */
  mustChangePassword: z.boolean().optional(),
}).refine((u) => Object.keys(u).length > 0, { message: 'nothing to change' });
/**
 * GET /api/depots/{id}/link-outages: what a depot's replayed history revealed about a time its link was down
 * (one per replay, SPEC §3 "occurred while the link was down"). Codes and params; the board phrases them.
 */
export interface LinkOutage {
  /** when the centre summarised the replay */
  at: number;
  depot: string;
  /** the span of the replayed readings */
  from: number;
  to: number;
  readings: number;
  devices: number;
  /** states active during the gap: a door open, smoke, a camera offline / tampered / without video; `to` null: still active */
  events: { code: 'state_active' | 'cameras_offline' | 'camera_tamper' | 'camera_video_loss'; params: { device: string; kind: string; zone: string }; from: number; to: number | null }[];
  moreEvents: number;
  measurements: { device: string; kind: string; zone: string; min: number; max: number; n: number }[];
}
export const linkOutagesQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) });

export const auditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  before: z.coerce.number().int().positive().optional(),
  actor: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().nonnegative().optional(),
  depot: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
});
export const rangeQuerySchema = z.object({
  from: z.coerce.number().int().nonnegative(),
  to: z.coerce.number().int().nonnegative(),
  format: z.enum(['json', 'csv']).default('json'),
  /** the language of the CSV's words (the board asks in its own); codes stay as they are */
  lang: z.enum(['en', 'vi']).default('en'),
});
export const alarmIdSchema = id;

/** Socket.IO actions: the same use cases as REST, answered through the ack callback. */
export type ActionResult<T> = { ok: true; data: T } | { ok: false; status: number; error: string; message: string; retryAfterMs?: number };
export interface AlarmClientEvents {
  'incident:ack': (req: { id: string; note?: string; alarms?: { id: string; raisedAt: number | null }[] }, ack: (r: ActionResult<IncidentAckResult>) => void) => void;
  'incident:note': (req: { id: string; note: string }, ack: (r: ActionResult<IncidentView>) => void) => void;
  'incident:assign': (req: { id: string; assignee: string | null }, ack: (r: ActionResult<IncidentView>) => void) => void;
  'incident:resolve': (req: { id: string; note?: string }, ack: (r: ActionResult<IncidentView>) => void) => void;
  'incident:close': (req: { id: string; note?: string }, ack: (r: ActionResult<IncidentView>) => void) => void;
  'alarm:ack': (req: { id: string; note?: string }, ack: (r: ActionResult<AlarmView>) => void) => void;
  'alarm:shelve': (req: { id: string; reason: string; minutes: number }, ack: (r: ActionResult<AlarmView>) => void) => void;
  'alarm:unshelve': (req: { id: string; note?: string }, ack: (r: ActionResult<AlarmView>) => void) => void;
  'alarm:out_of_service': (req: { id: string; reason: string }, ack: (r: ActionResult<AlarmView>) => void) => void;
  'alarm:return_to_service': (req: { id: string; note?: string }, ack: (r: ActionResult<AlarmView>) => void) => void;
  'maintenance:start': (req: { depot: string; device: { type: 'sensor' | 'camera'; id: string } | null; reason: string; minutes: number }, ack: (r: ActionResult<MaintenanceView>) => void) => void;
  'maintenance:end': (req: { id: number }, ack: (r: ActionResult<MaintenanceView>) => void) => void;
}

/** the id every Socket.IO action names */
export const actionIdSchema = z.object({ id: z.string().min(1).max(200) });
export const maintenanceEndSchema = z.object({ id: z.number().int().positive() });
