import { activate, clear, newAlarm, suppress, type Actor, type Alarm, type AlarmEvent, type AlarmPolicy } from './alarm-engine.js';
import type { Condition } from './conditions.js';

/** Conditions waiting out their on-delay (since when present) or off-delay (since when absent). */
export interface PendingDelays { on: Map<string, number>; off: Map<string, number> }
export const emptyDelays = (): PendingDelays => ({ on: new Map(), off: new Map() });

export const alarmIdOf = (depot: string, conditionKey: string) => `${depot}/${conditionKey}`;

/**
 * Turns one depot's current conditions into alarm transitions. A condition must be present for its
 * on-delay before its alarm activates, and absent for its off-delay before it clears; a flicker
 * shorter than either changes nothing. `maintenanceFor` says whether a new alarm's device or depot
 * is under maintenance, so an alarm born during maintenance is suppressed from its first moment.
 * Pure apart from updating `pending`, which the caller owns.
 */
export function reconcileDepot(input: {
  depot: string;
  alarms: ReadonlyMap<string, Alarm>;
  conditions: readonly Condition[];
  now: number;
  policy: AlarmPolicy;
  pending: PendingDelays;
  maintenanceFor: (device: Condition['device']) => (Actor & { until: number | null; scope: 'device' | 'depot' }) | null;
  /** whether the device has reported since start; absent, every device counts as heard */
  heard?: (device: Condition['device']) => boolean;
}): { changed: Alarm[]; events: AlarmEvent[] } {
  const { depot, alarms, now, policy, pending } = input;
  const changed = new Map<string, Alarm>();
  const events: AlarmEvent[] = [];
  const present = new Set<string>();

  for (const c of input.conditions) {
    const id = alarmIdOf(depot, c.key);
    present.add(id);
    pending.off.delete(id);
    const existing = alarms.get(id);
    if (existing?.active) continue;
    const since = pending.on.get(id) ?? now;
    if (now - since < c.onDelayMs) {
      pending.on.set(id, since);
      continue;
    }
    pending.on.delete(id);
    let alarm = existing ?? newAlarm({ id, depot, code: c.code, severity: c.severity, device: c.device, params: c.params, offDelayMs: c.offDelayMs }, now);
    if (!existing) {
      const maintenance = input.maintenanceFor(c.device);
      if (maintenance) alarm = suppress(alarm, maintenance, maintenance.until, maintenance.scope).alarm;
    }
    const step = activate(alarm, now, policy, { severity: c.severity, params: c.params, offDelayMs: c.offDelayMs });
    changed.set(id, step.alarm);
    events.push(...step.events);
  }

  for (const [id, alarm] of alarms) {
    if (present.has(id)) continue;
    pending.on.delete(id);
    if (!alarm.active) continue;
    // after a restart, silence is not a return to normal: hold the alarm until its device reports
    if (input.heard && !input.heard(alarm.device)) continue;
    const since = pending.off.get(id) ?? now;
    if (now - since < alarm.offDelayMs) {
      pending.off.set(id, since);
      continue;
    }
    pending.off.delete(id);
    const step = clear(alarm, now);
    changed.set(id, step.alarm);
    events.push(...step.events);
  }
  // a condition that vanished during its on-delay leaves nothing behind
  for (const id of pending.on.keys()) if (id.startsWith(`${depot}/`) && !present.has(id)) pending.on.delete(id);
  return { changed: [...changed.values()], events };
}
