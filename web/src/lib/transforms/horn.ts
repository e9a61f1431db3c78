import type { AlarmView, IncidentView } from '../types.js';

/**
 * The latched horn of a station (ISA-18.2 audible annunciation), as a pure state machine:
 *
 *   pending critical alarms   silenced at this station   →  horn
 *   none                      (any)                          off       (nothing waits: the memory is cleared)
 *   some                      all of them                    silenced  (someone here pressed "silence")
 *   some                      not all of them                sounding  (a new one arrived since: re-armed)
 *
 * "Pending" means critical and waiting for a person: `unack` or `rtn_unack`. Only acknowledgement
 * (on the server, by anyone) takes an alarm out of pending; silencing is local and only remembers
 * which alarms this station has already heard. An alarm is keyed with the time it was raised, so
 * the same device raising again after it was acknowledged or returned is a new alarm and re-arms.
 */
export type HornState = 'sounding' | 'silenced' | 'off';

export interface HornMemory {
  /** keys of the pending alarms this station silenced */
  readonly silenced: ReadonlySet<string>;
}

export const HORN_IDLE: HornMemory = { silenced: new Set() };

export function hornKey(a: Pick<AlarmView, 'id' | 'raisedAt' | 'updatedAt'>): string {
  return `${a.id}@${a.raisedAt ?? a.updatedAt}`;
}

export function isPendingCritical(a: Pick<AlarmView, 'severity' | 'state'>): boolean {
  return a.severity === 'critical' && (a.state === 'unack' || a.state === 'rtn_unack');
}

/** the keys that keep the horn armed */
export function pendingKeys(alarms: Iterable<AlarmView>): Set<string> {
  const out = new Set<string>();
  for (const a of alarms) if (isPendingCritical(a)) out.add(hornKey(a));
  return out;
}

export function hornState(pending: ReadonlySet<string>, m: HornMemory): HornState {
  if (pending.size === 0) return 'off';
  for (const k of pending) if (!m.silenced.has(k)) return 'sounding';
  return 'silenced';
}

/** "silence" at this station: everything pending now has been heard; nothing is acknowledged */
export function silence(pending: ReadonlySet<string>): HornMemory {
  return { silenced: new Set(pending) };
}

/**
 * Forget silenced keys that are no longer pending, so memory stays as small as the alarm list and an
 * empty list leaves the horn fully re-armed. Returns the same object when nothing changed (no re-render).
 */
export function retain(pending: ReadonlySet<string>, m: HornMemory): HornMemory {
  let dropped = false;
  for (const k of m.silenced) if (!pending.has(k)) { dropped = true; break; }
  if (!dropped) return m;
  return { silenced: new Set([...m.silenced].filter((k) => pending.has(k))) };
}

/**
 * An escalated incident (critical, not acknowledged in time) makes the horn more insistent: the
 * officers were meant to have heard it already.
 */
export function hornEscalated(incidents: Iterable<IncidentView>): boolean {
  for (const i of incidents) if (i.escalatedAt !== null && i.state === 'open' && i.unacked > 0) return true;
  return false;
}
