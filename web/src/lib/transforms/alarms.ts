import type { AlarmView, Reason, Severity } from '../types.js';

/**
 * What the wall's alarm line shows: alarms waiting for a person to acknowledge them, newest first
 * (ISA-18.2: `unack`, and `rtn_unack` — gone, but nobody has seen it yet).
 */
export function unackedAlarms(alarms: Iterable<AlarmView>): AlarmView[] {
  return [...alarms]
    .filter((a) => a.state === 'unack' || a.state === 'rtn_unack')
    .sort((a, b) => (b.raisedAt ?? b.updatedAt) - (a.raisedAt ?? a.updatedAt) || a.id.localeCompare(b.id));
}

/** An alarm carries the same code and params as a readiness reason, so it is phrased by the same code. */
export function alarmReason(a: AlarmView): Reason {
  const params = a.device.zoneName !== undefined && a.params.zone === undefined ? { ...a.params, zone: a.device.zoneName } : a.params;
  return { code: a.code, severity: a.severity, params, text: a.text };
}

const RANK: Readonly<Record<Severity, number>> = { critical: 0, major: 1, minor: 2, warning: 3 };

/**
 * The most severe active alarm per device of one depot, from the alarm list and, for a server
 * without one, from the depot's reasons (`params.device`): what colours a sensor or camera row.
 */
export function deviceSeverities(depotId: string, alarms: Iterable<AlarmView>, reasons: readonly Reason[]): Map<string, Severity> {
  const out = new Map<string, Severity>();
  const note = (id: string, sev: Severity): void => {
    const prev = out.get(id);
    if (prev === undefined || RANK[sev] < RANK[prev]) out.set(id, sev);
  };
  for (const a of alarms) if (a.depot === depotId && a.active) note(a.device.id, a.severity);
  for (const r of reasons) {
    const id = r.params.device;
    if (typeof id === 'string') note(id, r.severity);
  }
  return out;
}
