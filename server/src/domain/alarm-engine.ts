import type { AlarmState } from '../contracts/alarms.js';
import type { ReasonCode } from '../contracts/api.js';
import type { Severity } from '../../../config/schema.js';

/**
 * ANSI/ISA-18.2 alarm states (SPEC §5) as one pure state machine.
 *
 * An alarm keeps two things apart: its annunciation state (normal, unack, acked, rtn_unack), driven
 * by the process condition and by acknowledgement, and the overlays people put on it (shelved,
 * suppressed for maintenance, out of service). The state shown is the strongest overlay, else the
 * annunciation state. While an overlay is on, the condition is still tracked; when the last overlay
 * comes off, the alarm annunciates again if its condition is still active.
 *
 *   annunciation    | condition active | condition clears | acknowledge
 *   ----------------+------------------+------------------+------------
 *   normal          | unack (raised)   | —                | not allowed
 *   unack           | —                | rtn_unack        | acked
 *   acked           | —                | normal           | not allowed
 *   rtn_unack       | unack (reraised) | —                | normal
 *
 *   overlay precedence: out_of_service > suppressed > shelved > annunciation
 */
export type Annunciation = Extract<AlarmState, 'normal' | 'unack' | 'acked' | 'rtn_unack'>;
export type { AlarmState };

export interface Actor { username: string; at: number; note: string }

export interface Alarm {
  /** `<depot>/<condition key>`: stable across restarts */
  id: string;
  depot: string;
  code: ReasonCode;
  severity: Severity;
  device: { type: 'sensor' | 'camera' | 'collector'; id: string; zone?: string };
  params: Record<string, string | number>;
  /** the rule's off-delay, kept because a vanished condition no longer carries it */
  offDelayMs: number;
  annunciation: Annunciation;
  /** the process condition, after on/off delays */
  active: boolean;
  /** activation times within the chattering window */
  activations: number[];
  chattering: boolean;
  /** when it last annunciated (raised or reraised) */
  raisedAt: number | null;
  /** when its condition last cleared */
  clearedAt: number | null;
  updatedAt: number;
  ack: Actor | null;
  shelf: (Actor & { until: number }) | null;
  suppression: (Actor & { until: number | null; scope: 'device' | 'depot' }) | null;
  outOfService: Actor | null;
  incidentId: string | null;
}

export type AlarmEventType =
  | 'raised' | 'reraised' | 'cleared' | 'acknowledged' | 'shelved' | 'unshelved' | 'suppressed' | 'unsuppressed'
  | 'out_of_service' | 'returned_to_service' | 'chattering';

export interface AlarmEvent {
  type: AlarmEventType;
  alarmId: string;
  at: number;
  from: AlarmState;
  to: AlarmState;
  by?: string;
  note?: string;
  /** false when a re-activation falls inside the hold-off: recorded, but the horn stays quiet */
  announce: boolean;
}

export interface AlarmPolicy {
  /** activations within this window count towards chattering */
  chatterWindowMs: number;
  /** this many activations within the window mark the alarm chattering (ISA-18.2: 3 a minute) */
  chatterCount: number;
  /** a re-activation sooner than this after the previous one is not announced again */
  holdoffMs: number;
  /** longest a person may shelve an alarm for */
  maxShelveMs: number;
}

export const DEFAULT_ALARM_POLICY: AlarmPolicy = { chatterWindowMs: 60_000, chatterCount: 3, holdoffMs: 30_000, maxShelveMs: 8 * 3600_000 };

/** the policy the site's `rules.alarms` sets (the live alarm service and the rule backtest share it) */
export function alarmPolicyOf(c: { chatterWindowS: number; chatterCount: number; holdoffS: number; maxShelveS: number }): AlarmPolicy {
  return { ...DEFAULT_ALARM_POLICY, chatterWindowMs: c.chatterWindowS * 1000, chatterCount: c.chatterCount, holdoffMs: c.holdoffS * 1000, maxShelveMs: c.maxShelveS * 1000 };
}

export class AlarmActionError extends Error {
  constructor(readonly code: 'not_ackable' | 'not_shelvable' | 'not_shelved' | 'shelve_too_long' | 'not_suppressed' | 'not_out_of_service' | 'already_out_of_service', message: string) {
    super(message);
  }
}

export function stateOf(a: Pick<Alarm, 'annunciation' | 'shelf' | 'suppression' | 'outOfService'>): AlarmState {
  if (a.outOfService) return 'out_of_service';
  if (a.suppression) return 'suppressed';
  if (a.shelf) return 'shelved';
  return a.annunciation;
}

const overlaid = (a: Alarm) => a.outOfService !== null || a.suppression !== null || a.shelf !== null;

export function newAlarm(init: Pick<Alarm, 'id' | 'depot' | 'code' | 'severity' | 'device' | 'params' | 'offDelayMs'>, now: number): Alarm {
  return {
    ...init, annunciation: 'normal', active: false, activations: [], chattering: false, raisedAt: null, clearedAt: null,
    updatedAt: now, ack: null, shelf: null, suppression: null, outOfService: null, incidentId: null,
  };
}

type Step = { alarm: Alarm; events: AlarmEvent[] };

function event(type: AlarmEventType, before: Alarm, after: Alarm, at: number, extra: Partial<AlarmEvent> = {}): AlarmEvent {
  return { type, alarmId: after.id, at, from: stateOf(before), to: stateOf(after), announce: false, ...extra };
}

/** The condition became active (its on-delay has passed). */
export function activate(a: Alarm, now: number, policy: AlarmPolicy, detail?: Pick<Alarm, 'severity' | 'params' | 'offDelayMs'>): Step {
  if (a.active) return { alarm: detail ? { ...a, ...detail } : a, events: [] };
  const activations = [...a.activations.filter((t) => now - t < policy.chatterWindowMs), now];
  const lastActivation = a.activations.at(-1);
  const next: Alarm = { ...a, ...detail, active: true, activations, chattering: activations.length >= policy.chatterCount, updatedAt: now };
  const events: AlarmEvent[] = [];
  if (!overlaid(a)) {
    const announce = lastActivation === undefined || now - lastActivation >= policy.holdoffMs;
    if (a.annunciation === 'normal' || a.annunciation === 'rtn_unack') {
      next.annunciation = 'unack';
      next.ack = null;
      next.raisedAt = now;
      events.push(event(a.annunciation === 'normal' ? 'raised' : 'reraised', a, next, now, { announce }));
    }
  }
  if (next.chattering && !a.chattering) events.push(event('chattering', a, next, now));
  return { alarm: next, events };
}

/** The condition cleared (its off-delay has passed). */
export function clear(a: Alarm, now: number): Step {
  if (!a.active) return { alarm: a, events: [] };
  const next: Alarm = { ...a, active: false, clearedAt: now, updatedAt: now };
  if (!overlaid(a)) {
    if (a.annunciation === 'unack') next.annunciation = 'rtn_unack';
    else if (a.annunciation === 'acked') next.annunciation = 'normal';
  }
  return { alarm: next, events: [event('cleared', a, next, now)] };
}

/** Acknowledge: unack → acked, rtn_unack → normal. Anything else is refused. */
export function acknowledge(a: Alarm, by: Actor): Step {
  if (overlaid(a) || (a.annunciation !== 'unack' && a.annunciation !== 'rtn_unack')) {
    throw new AlarmActionError('not_ackable', `alarm ${a.id} is ${stateOf(a)}, nothing to acknowledge`);
  }
  const next: Alarm = { ...a, annunciation: a.annunciation === 'unack' ? 'acked' : 'normal', ack: by, updatedAt: by.at };
  return { alarm: next, events: [event('acknowledged', a, next, by.at, { by: by.username, note: by.note })] };
}

export function shelve(a: Alarm, by: Actor, until: number, policy: AlarmPolicy): Step {
  if (a.outOfService || a.suppression) throw new AlarmActionError('not_shelvable', `alarm ${a.id} is ${stateOf(a)}`);
  if (until <= by.at || until - by.at > policy.maxShelveMs) {
    throw new AlarmActionError('shelve_too_long', `shelve until must be within ${Math.round(policy.maxShelveMs / 60_000)} minutes from now`);
  }
  const next: Alarm = { ...a, shelf: { ...by, until }, updatedAt: by.at };
  return { alarm: next, events: [event('shelved', a, next, by.at, { by: by.username, note: by.note })] };
}

/** Ends a shelf, by a person or because it expired (`by.username` = "system"). */
export function unshelve(a: Alarm, by: Actor): Step {
  if (!a.shelf) throw new AlarmActionError('not_shelved', `alarm ${a.id} is not shelved`);
  return liftOverlay(a, { ...a, shelf: null }, 'unshelved', by);
}

export function suppress(a: Alarm, by: Actor, until: number | null, scope: 'device' | 'depot'): Step {
  const next: Alarm = { ...a, suppression: { ...by, until, scope }, updatedAt: by.at };
  return { alarm: next, events: stateOf(a) === stateOf(next) && a.suppression ? [] : [event('suppressed', a, next, by.at, { by: by.username, note: by.note })] };
}

export function unsuppress(a: Alarm, by: Actor): Step {
  if (!a.suppression) throw new AlarmActionError('not_suppressed', `alarm ${a.id} is not suppressed`);
  return liftOverlay(a, { ...a, suppression: null }, 'unsuppressed', by);
}

export function removeFromService(a: Alarm, by: Actor): Step {
  if (a.outOfService) throw new AlarmActionError('already_out_of_service', `alarm ${a.id} is already out of service`);
  const next: Alarm = { ...a, outOfService: by, updatedAt: by.at };
  return { alarm: next, events: [event('out_of_service', a, next, by.at, { by: by.username, note: by.note })] };
}

export function returnToService(a: Alarm, by: Actor): Step {
  if (!a.outOfService) throw new AlarmActionError('not_out_of_service', `alarm ${a.id} is not out of service`);
  return liftOverlay(a, { ...a, outOfService: null }, 'returned_to_service', by);
}

/**
 * When the last overlay comes off, the alarm starts afresh from its condition: still active means a
 * new unacknowledged alarm (nobody has seen it while it was hidden), otherwise normal.
 */
function liftOverlay(before: Alarm, next: Alarm, type: AlarmEventType, by: Actor): Step {
  next.updatedAt = by.at;
  if (!overlaid(next)) {
    next.annunciation = next.active ? 'unack' : 'normal';
    next.ack = null;
    if (next.active) next.raisedAt = by.at;
  }
  return { alarm: next, events: [event(type, before, next, by.at, { by: by.username, note: by.note, announce: stateOf(next) === 'unack' })] };
}

/** Alarms that need a person: unacknowledged, whether still active or returned to normal. */
export const needsAck = (a: Pick<Alarm, 'annunciation' | 'shelf' | 'suppression' | 'outOfService'>) => {
  const s = stateOf(a);
  return s === 'unack' || s === 'rtn_unack';
};
