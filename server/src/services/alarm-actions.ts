import type { AlarmView, IncidentAckResult, MaintenanceView } from '../contracts/alarms.js';
import {
  AlarmActionError, acknowledge, removeFromService, returnToService, shelve, unshelve, type Actor, type Alarm, type AlarmEvent,
} from '../domain/alarm-engine.js';
import {
  IncidentActionError, acknowledgeIncident, assignIncident, closeIncident, resolveIncident, selectAcknowledgement, type Incident, type SeenAlarm,
  type TimelineEntry,
} from '../domain/incidents.js';
import { can, type Action, type Subject } from '../domain/permissions.js';
import { MaintenanceEndedError, type AlarmStore, type AuditInput } from '../ports/alarm-store.js';
import type { Clock } from '../ports/clock.js';
import type { AlarmService } from './alarm-service.js';

export class ActionError extends Error {
  /** `fields`: for a 400, which request fields were wrong and why */
  constructor(readonly status: 400 | 403 | 404 | 409, readonly code: string, message: string, readonly fields?: { path: string; message: string }[]) {
    super(message);
  }
}

export type Operator = Subject & { username: string };

/**
 * Operator actions (issue 3 §3): each checks role and depot scope, applies the pure engine, commits
 * alarms, incident, timeline and audit in one transaction, and only then announces. Shared by REST
 * and Socket.IO so both paths behave the same.
 */
export function createAlarmActions(deps: { alarms: AlarmService; store: AlarmStore; clock: Clock }) {
  const { alarms: svc, clock } = deps;

  function allow(p: Operator, action: Action, depot: string): void {
    if (!can(p, action, depot)) throw new ActionError(403, 'forbidden', `${p.role} ${p.username} may not ${action} at depot ${depot}`);
  }
  function incidentOr404(id: string): Incident {
    const i = svc.incident(id);
    if (!i) throw new ActionError(404, 'not_found', `incident ${id} not found`);
    return i;
  }
  function alarmOr404(id: string): Alarm {
    const a = svc.alarm(id);
    if (!a) throw new ActionError(404, 'not_found', `alarm ${id} not found`);
    return a;
  }
  /** domain refusals (nothing to acknowledge, wrong state, shelf too long) become 409 */
  function domain<T>(f: () => T): T {
    try {
      return f();
    } catch (err) {
      if (err instanceof AlarmActionError || err instanceof IncidentActionError) throw new ActionError(409, err.code, err.message);
      throw err;
    }
  }
  const audit = (p: Operator, action: string, target: string, depot: string, note: string | null, detail: Record<string, unknown> | null = null): AuditInput =>
    ({ at: clock.now(), actor: p.username, action, target, depot, note: note || null, detail });
  const actor = (p: Operator, note: string): Actor => ({ username: p.username, at: clock.now(), note });

  function onIncident(p: Operator, id: string, action: Action, f: (i: Incident, alarms: Alarm[]) => { incident: Incident; timeline: TimelineEntry[]; changed?: Alarm[]; events?: AlarmEvent[] }, auditAction: string, note: string, detail: Record<string, unknown> | null = null) {
    const incident = incidentOr404(id);
    allow(p, action, incident.depot);
    const r = domain(() => f(incident, svc.alarmsOfIncident(incident)));
    svc.commitAndAnnounce(r.changed ?? [], r.events ?? [], { incidents: [r.incident], timeline: r.timeline, audit: [audit(p, auditAction, id, incident.depot, note, detail)] });
    return svc.incidentView(svc.incident(id) ?? r.incident);
  }

  function onAlarm(p: Operator, id: string, action: Action, f: (a: Alarm) => { alarm: Alarm; events: AlarmEvent[] }, auditAction: string, note: string, detail: Record<string, unknown> | null = null): AlarmView {
    const alarm = alarmOr404(id);
    allow(p, action, alarm.depot);
    const r = domain(() => f(alarm));
    svc.commitAndAnnounce([r.alarm], r.events, { audit: [audit(p, auditAction, id, alarm.depot, note, detail)] });
    return svc.alarmView(svc.alarm(id) ?? r.alarm);
  }

  return {
    /**
     * SPEC §8 and issue 6: acknowledges the alarms the person saw (`seen`: id and raise time, as the
     * board showed them); alarms raised since stay unacknowledged and the answer lists them. Without
     * `seen`, every alarm awaiting acknowledgement (see selectAcknowledgement). A repeated request
     * finds nothing left to cover and changes nothing: the board's REST retry after a socket timeout
     * is harmless.
     */
    ackIncident(p: Operator, id: string, note: string, seen?: readonly SeenAlarm[]): IncidentAckResult {
      const incident = incidentOr404(id);
      allow(p, 'ack', incident.depot);
      const pick = selectAcknowledgement(svc.alarmsOfIncident(incident), seen);
      const outcome = (covered: readonly Alarm[]) => ({ acknowledged: covered.map((a) => a.id), alreadyAcknowledged: pick.already, stillUnacked: pick.stillUnacked });
      // nothing left to acknowledge: an incident still open with no alarm waiting is acknowledged as a whole, anything else is a repeat
      if (pick.covered.length === 0 && !(incident.state === 'open' && pick.stillUnacked.length === 0)) {
        return { ...svc.incidentView(incident), ack: outcome([]) };
      }
      const view = onIncident(p, id, 'ack', (i) => {
        // one action, one moment: the incident's entry and each alarm's transition carry the same time
        const by = actor(p, note);
        const steps = pick.covered.map((a) => acknowledge(a, by));
        const r = acknowledgeIncident(i, p.username, note, by.at, pick.stillUnacked.length);
        return { ...r, changed: steps.map((s) => s.alarm), events: steps.flatMap((s) => s.events) };
      }, 'incident.ack', note, { alarms: pick.covered.map((a) => a.id), stillUnacked: pick.stillUnacked, seen: seen ? 'listed' : 'latest' });
      return { ...view, ack: outcome(pick.covered) };
    },
    ackAlarm: (p: Operator, id: string, note: string) => onAlarm(p, id, 'ack', (a) => acknowledge(a, actor(p, note)), 'alarm.ack', note),
    addNote: (p: Operator, id: string, note: string) =>
      onIncident(p, id, 'note', (i) => ({ incident: { ...i, updatedAt: clock.now() }, timeline: [{ incidentId: i.id, at: clock.now(), type: 'note', actor: p.username, note }] }), 'incident.note', note),
    assign: (p: Operator, id: string, assignee: string | null) =>
      onIncident(p, id, 'assign', (i) => assignIncident(i, assignee, p.username, clock.now()), 'incident.assign', assignee ?? ''),
    resolve: (p: Operator, id: string, note: string) =>
      onIncident(p, id, 'resolve', (i, list) => resolveIncident(i, list, p.username, note, clock.now()), 'incident.resolve', note),
    close: (p: Operator, id: string, note: string) =>
      onIncident(p, id, 'close', (i) => closeIncident(i, p.username, note, clock.now()), 'incident.close', note),

    shelve(p: Operator, id: string, reason: string, minutes: number): AlarmView {
      const until = clock.now() + minutes * 60_000;
      return onAlarm(p, id, 'shelve', (a) => shelve(a, actor(p, reason), until, svc.policy()), 'alarm.shelve', reason, { until });
    },
    unshelve: (p: Operator, id: string, note: string) => onAlarm(p, id, 'shelve', (a) => unshelve(a, actor(p, note)), 'alarm.unshelve', note),
    outOfService: (p: Operator, id: string, reason: string) => onAlarm(p, id, 'maintenance', (a) => removeFromService(a, actor(p, reason)), 'alarm.out_of_service', reason),
    returnToService: (p: Operator, id: string, note: string) => onAlarm(p, id, 'maintenance', (a) => returnToService(a, actor(p, note)), 'alarm.return_to_service', note),

    /** puts a depot or one of its devices in maintenance: its alarms are suppressed until the window ends */
    startMaintenance(p: Operator, req: { depot: string; device: MaintenanceView['device']; reason: string; minutes: number }, known: (depot: string, device: MaintenanceView['device']) => boolean): MaintenanceView {
      allow(p, 'maintenance', req.depot);
      if (!known(req.depot, req.device)) throw new ActionError(404, 'not_found', `no ${req.device ? `${req.device.type} ${req.device.id} at ` : ''}depot ${req.depot}`);
      const now = clock.now();
      return svc.startMaintenance({ depot: req.depot, device: req.device, reason: req.reason, by: p.username, from: now, until: now + req.minutes * 60_000 },
        actor(p, req.reason), audit(p, 'maintenance.start', '', req.depot, req.reason, { device: req.device, minutes: req.minutes }));
    },
    endMaintenance(p: Operator, id: number): MaintenanceView {
      const existing = deps.store.maintenance(id);
      if (!existing) throw new ActionError(404, 'not_found', `maintenance ${id} not found`);
      allow(p, 'maintenance', existing.depot);
      try {
        svc.endMaintenance(id, actor(p, 'maintenance ended'), audit(p, 'maintenance.end', `maintenance:${id}`, existing.depot, existing.reason));
      } catch (err) {
        if (err instanceof MaintenanceEndedError) throw new ActionError(409, 'already_ended', err.message);
        throw err;
      }
      return deps.store.maintenance(id) ?? existing;
    },
  };
}
export type AlarmActions = ReturnType<typeof createAlarmActions>;
