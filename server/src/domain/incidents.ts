import type { Severity } from '../../../config/schema.js';
import type { IncidentState, SeenAlarm, TimelineEntryView } from '../contracts/alarms.js';
import type { Alarm, AlarmEvent } from './alarm-engine.js';
import { needsAck } from './alarm-engine.js';
import { SEVERITY_RANK } from './readiness.js';

/**
 * Incidents (SPEC §5): related alarms at one depot within a time window form one incident, which a
 * person takes from open to acknowledged to resolved to closed. Pure functions over plain records.
 */
export type { IncidentState, SeenAlarm };

export interface Incident {
  id: string;
  depot: string;
  severity: Severity;
  state: IncidentState;
  title: string;
  openedAt: number;
  updatedAt: number;
  /** when an alarm last joined or re-raised in it: the grouping window runs from here */
  lastAlarmAt: number;
  alarmIds: string[];
  assignee: string | null;
  escalatedAt: number | null;
}


/** A timeline entry as the API shows it, plus the incident it belongs to; `actor` "system" is DepotWatch itself. */
export type TimelineEntry = TimelineEntryView & { incidentId: string };

export class IncidentActionError extends Error {
  constructor(readonly code: 'bad_state' | 'unacked_alarms', message: string) {
    super(message);
  }
}

export const SYSTEM = 'system';
/** Incident ids are short and sequential ("INC-000042") because officers read them out on the radio. */
export const formatIncidentId = (seq: number) => `INC-${String(seq).padStart(6, '0')}`;
const worse = (a: Severity, b: Severity): Severity => (SEVERITY_RANK[a] <= SEVERITY_RANK[b] ? a : b);
const live = (i: Incident) => i.state === 'open' || i.state === 'acknowledged';

/**
 * Where a raised alarm goes: the incident it already belongs to while that is still live, else the
 * depot's live incident whose last alarm is within `windowMs`, else a new incident.
 */
export function routeRaisedAlarm(
  depotIncidents: readonly Incident[], alarm: Alarm, ev: AlarmEvent, windowMs: number, newId: () => string, title: string,
): { incident: Incident; created: boolean; timeline: TimelineEntry[] } {
  const own = alarm.incidentId ? depotIncidents.find((i) => i.id === alarm.incidentId && live(i)) : undefined;
  const recent = own ?? depotIncidents.filter((i) => live(i) && ev.at - i.lastAlarmAt <= windowMs).sort((a, b) => b.lastAlarmAt - a.lastAlarmAt)[0];
  const entry: TimelineEntry = { incidentId: '', at: ev.at, type: 'alarm', actor: SYSTEM, alarmId: alarm.id, detail: `${ev.type}: ${ev.from} → ${ev.to}` };
  if (!recent) {
    const incident: Incident = {
      id: newId(), depot: alarm.depot, severity: alarm.severity, state: 'open', title, openedAt: ev.at, updatedAt: ev.at,
      lastAlarmAt: ev.at, alarmIds: [alarm.id], assignee: null, escalatedAt: null,
    };
    return { incident, created: true, timeline: [{ incidentId: incident.id, at: ev.at, type: 'opened', actor: SYSTEM, alarmId: alarm.id, note: title }, { ...entry, incidentId: incident.id }] };
  }
  const incident: Incident = {
    ...recent,
    severity: worse(recent.severity, alarm.severity),
    // a new unacknowledged alarm needs a person again, even in an acknowledged incident
    state: 'open',
    alarmIds: recent.alarmIds.includes(alarm.id) ? recent.alarmIds : [...recent.alarmIds, alarm.id],
    lastAlarmAt: ev.at,
    updatedAt: ev.at,
  };
  const timeline: TimelineEntry[] = [{ ...entry, incidentId: incident.id }];
  if (recent.state === 'acknowledged') timeline.push({ incidentId: incident.id, at: ev.at, type: 'reopened', actor: SYSTEM, alarmId: alarm.id });
  return { incident, created: false, timeline };
}

/** Any other alarm event becomes a timeline entry of the alarm's incident. */
export function alarmTimelineEntry(incidentId: string, ev: AlarmEvent): TimelineEntry {
  return {
    incidentId, at: ev.at, type: 'alarm', actor: ev.by ?? SYSTEM, alarmId: ev.alarmId, detail: `${ev.type}: ${ev.from} → ${ev.to}`,
    ...(ev.note ? { note: ev.note } : {}),
  };
}

/**
 * After its alarms change, an incident follows them: once nobody needs to acknowledge anything it is
 * acknowledged; once every alarm is back to normal, it is resolved by the system.
 */
export function followAlarms(i: Incident, alarms: readonly Alarm[], now: number): { incident: Incident; timeline: TimelineEntry[] } {
  if (!live(i)) return { incident: i, timeline: [] };
  const allNormal = alarms.every((a) => !a.active && a.annunciation === 'normal');
  if (allNormal) {
    return { incident: { ...i, state: 'resolved', updatedAt: now }, timeline: [{ incidentId: i.id, at: now, type: 'resolved', actor: SYSTEM, note: 'all alarms returned to normal' }] };
  }
  if (i.state === 'open' && !alarms.some(needsAck)) {
    return { incident: { ...i, state: 'acknowledged', updatedAt: now }, timeline: [] };
  }
  return { incident: i, timeline: [] };
}

/**
 * A person acknowledges an incident. With `stillUnacked` > 0 (alarms raised after they looked) the
 * incident stays open: it still needs someone, and its timeline says so.
 */
export function acknowledgeIncident(i: Incident, by: string, note: string, now: number, stillUnacked = 0): { incident: Incident; timeline: TimelineEntry[] } {
  if (!live(i)) throw new IncidentActionError('bad_state', `incident ${i.id} is ${i.state}`);
  const entry: TimelineEntry = { incidentId: i.id, at: now, type: 'acknowledged', actor: by, note };
  if (stillUnacked > 0) {
    return { incident: { ...i, state: 'open', updatedAt: now }, timeline: [{ ...entry, detail: `${stillUnacked} alarm(s) raised after this view still await acknowledgement` }] };
  }
  return { incident: { ...i, state: 'acknowledged', updatedAt: now }, timeline: [entry] };
}


/**
 * Which of an incident's alarms an acknowledgement covers. With `seen` (what the board showed), only
 * the raises the person saw; anything raised since stays unacknowledged. Without it (SPEC §8's bare
 * `{"note"}`), every alarm awaiting acknowledgement: the server announces each alarm before it
 * handles the next request, so that is what it had shown at its latest version.
 */
export function selectAcknowledgement(alarms: readonly Alarm[], seen: readonly SeenAlarm[] | undefined): { covered: Alarm[]; already: string[]; stillUnacked: string[] } {
  const waiting = alarms.filter(needsAck);
  if (!seen) return { covered: waiting, already: [], stillUnacked: [] };
  const saw = new Set(seen.map((s) => `${s.id}@${s.raisedAt}`));
  const covered = waiting.filter((a) => saw.has(`${a.id}@${a.raisedAt}`));
  const waitingIds = new Set(waiting.map((a) => a.id));
  const ofIncident = new Set(alarms.map((a) => a.id));
  return {
    covered,
    already: [...new Set(seen.map((s) => s.id))].filter((id) => ofIncident.has(id) && !waitingIds.has(id)),
    stillUnacked: waiting.filter((a) => !covered.includes(a)).map((a) => a.id),
  };
}

export function resolveIncident(i: Incident, alarms: readonly Alarm[], by: string, note: string, now: number): { incident: Incident; timeline: TimelineEntry[] } {
  if (!live(i)) throw new IncidentActionError('bad_state', `incident ${i.id} is ${i.state}`);
  if (alarms.some(needsAck)) throw new IncidentActionError('unacked_alarms', 'acknowledge its alarms before resolving the incident');
  return { incident: { ...i, state: 'resolved', updatedAt: now }, timeline: [{ incidentId: i.id, at: now, type: 'resolved', actor: by, note }] };
}

export function closeIncident(i: Incident, by: string, note: string, now: number): { incident: Incident; timeline: TimelineEntry[] } {
  if (i.state !== 'resolved') throw new IncidentActionError('bad_state', `only a resolved incident can be closed; ${i.id} is ${i.state}`);
  return { incident: { ...i, state: 'closed', updatedAt: now }, timeline: [{ incidentId: i.id, at: now, type: 'closed', actor: by, note }] };
}

export function assignIncident(i: Incident, assignee: string | null, by: string, now: number): { incident: Incident; timeline: TimelineEntry[] } {
  if (i.state === 'closed') throw new IncidentActionError('bad_state', `incident ${i.id} is closed`);
  return { incident: { ...i, assignee, updatedAt: now }, timeline: [{ incidentId: i.id, at: now, type: 'assigned', actor: by, note: assignee ?? '(unassigned)' }] };
}

/** Critical incidents still waiting for acknowledgement `afterMs` after they opened. */
export function dueEscalations(incidents: Iterable<Incident>, alarmsOf: (i: Incident) => readonly Alarm[], now: number, afterMs: number): Incident[] {
  const due: Incident[] = [];
  for (const i of incidents) {
    if (i.state !== 'open' || i.severity !== 'critical' || i.escalatedAt !== null) continue;
    if (now - i.openedAt >= afterMs && alarmsOf(i).some(needsAck)) due.push(i);
  }
  return due;
}

export function escalate(i: Incident, now: number, afterMs: number): { incident: Incident; timeline: TimelineEntry[] } {
  return {
    incident: { ...i, escalatedAt: now, updatedAt: now },
    timeline: [{ incidentId: i.id, at: now, type: 'escalated', actor: SYSTEM, note: `not acknowledged within ${Math.round(afterMs / 60_000)} min: escalated to duty officers` }],
  };
}

/** Resolved incidents that have been resolved for `afterMs`: closed by the system so they leave memory. */
export function dueAutoClose(incidents: Iterable<Incident>, now: number, afterMs: number): Incident[] {
  const due: Incident[] = [];
  for (const i of incidents) if (i.state === 'resolved' && now - i.updatedAt >= afterMs) due.push(i);
  return due;
}
