/**
 * Which alarm a snapshot verifies. A camera's picture belongs to an alarm of the camera's zone when it was taken
 * from ATTACH_BEFORE_MS before the alarm was raised (the edge takes it on the door's change, which the centre may
 * raise on a little later, after its on-delay) to ATTACH_AFTER_MS after (the centre's own request, a slow link).
 * Pictures a person asked for are attached to what they asked about, whatever the window. Pure.
 *
 * Each raise of an alarm gets one picture of each camera of its zone: the nearest already stored when the alarm
 * is raised, else the first that arrives inside the window.
 */
export const ATTACH_BEFORE_MS = 30_000;
export const ATTACH_AFTER_MS = 120_000;

export interface AttachAlarm { id: string; depot: string; zone: string | undefined; raisedAt: number | null; incidentId: string | null }
export interface AttachSnapshot { id: number; depot: string; camera: string; zone: string | null; ts: number }

export const inWindow = (raisedAt: number, ts: number): boolean => ts >= raisedAt - ATTACH_BEFORE_MS && ts <= raisedAt + ATTACH_AFTER_MS;

/** the alarms a newly stored snapshot should be attached to */
export function alarmsFor(s: AttachSnapshot, alarms: readonly AttachAlarm[]): AttachAlarm[] {
  if (s.zone === null) return [];
  return alarms.filter((a) => a.depot === s.depot && a.zone === s.zone && a.raisedAt !== null && inWindow(a.raisedAt, s.ts));
}

/** of one camera's snapshots, the one nearest to the raise, within the window; null when none */
export function nearestTo(raisedAt: number, snapshots: readonly AttachSnapshot[]): AttachSnapshot | null {
  let best: AttachSnapshot | null = null;
  for (const s of snapshots) {
    if (!inWindow(raisedAt, s.ts)) continue;
    if (!best || Math.abs(s.ts - raisedAt) < Math.abs(best.ts - raisedAt)) best = s;
  }
  return best;
}
