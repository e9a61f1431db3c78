import type { AlarmView, FloodStatus, IncidentView } from '../contracts/alarms.js';
import { needsAck, stateOf, type Alarm } from '../domain/alarm-engine.js';
import type { Incident, TimelineEntry } from '../domain/incidents.js';
import { equipmentCodeOf } from '../domain/equipment.js';
import { reasonText } from '../domain/reason-text.js';
import type { SiteIndex } from '../domain/site-index.js';

/** Records → the shapes the API and the board use. Pure. */
export function toAlarmView(a: Alarm, index: SiteIndex): AlarmView {
  const zoneName = a.device.zone ? index.depot(a.depot)?.zones.find((z) => z.id === a.device.zone)?.name : undefined;
  const equipmentCode = equipmentCodeOf(index, a.depot, a.device);
  return {
    id: a.id, depot: a.depot, code: a.code, severity: a.severity,
    device: { ...a.device, ...(zoneName ? { zoneName } : {}), ...(equipmentCode ? { equipmentCode } : {}) },
    params: a.params, text: reasonText(a.code, a.params), state: stateOf(a), active: a.active, chattering: a.chattering,
    raisedAt: a.raisedAt, clearedAt: a.clearedAt, updatedAt: a.updatedAt, ack: a.ack, shelf: a.shelf, suppression: a.suppression,
    outOfService: a.outOfService, incidentId: a.incidentId,
  };
}

export function toIncidentView(i: Incident, alarms: readonly Alarm[], timeline: { entries: readonly TimelineEntry[]; total: number }, index: SiteIndex): IncidentView {
  return {
    id: i.id, depot: i.depot, severity: i.severity, state: i.state, title: i.title, openedAt: i.openedAt, updatedAt: i.updatedAt,
    assignee: i.assignee, escalatedAt: i.escalatedAt, unacked: alarms.filter(needsAck).length,
    alarms: alarms.map((a) => toAlarmView(a, index)),
    timeline: timeline.entries.map(({ incidentId: _id, ...t }) => t),
    timelineOmitted: timeline.total - timeline.entries.length,
  };
}

/** SPEC §5 flood: more than `threshold` new alarms within the window, among the depots a person sees. */
export function floodStatus(raises: readonly { depot: string; at: number }[], visible: (depot: string) => boolean, now: number, windowS: number, threshold: number): FloodStatus {
  const since = now - windowS * 1000;
  const count = raises.filter((r) => r.at > since && visible(r.depot)).length;
  return { active: count > threshold, count, windowS, threshold, perMinute: Math.round((count / (windowS / 60)) * 10) / 10 };
}
