import type { AlarmView, FloodStatus, IncidentView, MaintenanceView } from '../contracts/alarms.js';
import type { Logger } from '../adapters/logger.js';
import {
  alarmPolicyOf, needsAck, stateOf, suppress, unshelve, unsuppress, type Actor, type Alarm, type AlarmEvent, type AlarmPolicy,
} from '../domain/alarm-engine.js';
import { emptyDelays, reconcileDepot } from '../domain/alarm-reconcile.js';
import type { Condition } from '../domain/conditions.js';
import {
  alarmTimelineEntry, closeIncident, dueAutoClose, dueEscalations, escalate, followAlarms, formatIncidentId, routeRaisedAlarm, SYSTEM,
  type Incident, type TimelineEntry,
} from '../domain/incidents.js';
import { reasonText } from '../domain/reason-text.js';
import type { SiteIndex } from '../domain/site-index.js';
import type { AlarmChange, AlarmStore, AuditInput, NewMaintenance } from '../ports/alarm-store.js';
import type { DepotSideline } from '../domain/sideline.js';
import type { Clock } from '../ports/clock.js';
import { floodStatus, toAlarmView, toIncidentView } from './alarm-views.js';

const LIVE_TIMELINE_ENTRIES = 50;

/** What changed in one committed step, ready to announce. */
export interface AlarmUpdate { alarms: AlarmView[]; incidents: IncidentView[]; floodChanged: boolean }

/** What a step writes besides its alarm transitions; maintenance windows open or end in the same transaction. */
export type CommitExtra = Pick<AlarmChange, 'startMaintenance' | 'endMaintenance'> & { incidents?: Incident[]; timeline?: TimelineEntry[]; audit?: AuditInput[] };

export interface AlarmServiceDeps {
  store: AlarmStore;
  index: () => SiteIndex;
  clock: Clock;
  logger: Logger;
  /** called after each commit, never before: what the board hears is already on disk */
  announce: (u: AlarmUpdate) => void;
}

/**
 * The alarm use cases over the pure engine: conditions from the live state become alarm transitions,
 * transitions are grouped into incidents, and everything is committed in one transaction before it is
 * announced. Holds the active alarms and live incidents in memory; the store is the truth on restart.
 */
export function createAlarmService(deps: AlarmServiceDeps) {
  const { store, clock, logger } = deps;
  const alarms = new Map<string, Alarm>();
  /** the same alarms by depot: reconciling a depot must not scan every alarm of the site */
  const byDepot = new Map<string, Map<string, Alarm>>();
  const setAlarm = (a: Alarm) => {
    alarms.set(a.id, a);
    let m = byDepot.get(a.depot);
    if (!m) byDepot.set(a.depot, (m = new Map()));
    m.set(a.id, a);
  };
  const deleteAlarm = (a: Alarm) => {
    alarms.delete(a.id);
    byDepot.get(a.depot)?.delete(a.id);
  };
  const incidents = new Map<string, Incident>();
  /** per depot, so a failed commit can put back exactly the depot's delays it started from */
  const pendingByDepot = new Map<string, ReturnType<typeof emptyDelays>>();
  const raises: { depot: string; at: number }[] = [];
  let maintenance: MaintenanceView[] = [];

  const cfg = () => deps.index().site.rules.alarms;
  const policy = (): AlarmPolicy => alarmPolicyOf(cfg());
  const alarmsOfDepot = (depot: string): ReadonlyMap<string, Alarm> => byDepot.get(depot) ?? new Map<string, Alarm>();
  const alarmsOfIncident = (i: Incident, pool: ReadonlyMap<string, Alarm> = alarms): Alarm[] => {
    const missing = i.alarmIds.filter((id) => !pool.has(id));
    const fromStore = missing.length ? store.alarmsOf(missing) : [];
    return [...i.alarmIds.map((id) => pool.get(id)).filter((a): a is Alarm => !!a), ...fromStore];
  };
  /**
   * Live updates and lists carry the latest timeline entries only: a long storm must not make every
   * change resend thousands of entries. The whole timeline comes with a single incident (`full`).
   */
  const incidentView = (i: Incident, full = false) => toIncidentView(i, alarmsOfIncident(i), store.timeline(i.id, full ? undefined : LIVE_TIMELINE_ENTRIES), deps.index());

  function maintenanceFor(depot: string, device: Condition['device'], windows: readonly MaintenanceView[] = maintenance): (Actor & { until: number; scope: 'device' | 'depot' }) | null {
    const m = windows.find((w) => w.depot === depot && (w.device === null || (w.device.type === device.type && w.device.id === device.id)));
    return m ? { username: m.by, at: m.from, note: m.reason, until: m.until, scope: m.device ? 'device' : 'depot' } : null;
  }

  /**
   * Commits alarm changes with everything that follows from them: incidents opened or joined, timeline
   * entries, incidents that now need nobody or are resolved, and audit entries. Only after the commit
   * are the in-memory maps, the flood window and the incident numbers moved on and the change
   * announced: a commit that throws leaves memory as it was, and the next step retries from there.
   */
  function commit(changed: readonly Alarm[], events: readonly AlarmEvent[], extra: CommitExtra = {}): AlarmUpdate & { started?: MaintenanceView } {
    const now = clock.now();
    let seq = store.lastIncidentSeq();
    const newIncidentId = () => formatIncidentId(++seq);
    const raised: { depot: string; at: number }[] = [];
    const nextAlarms = new Map(changed.map((a) => [a.id, { ...a }]));
    const touched = new Map<string, Incident>((extra.incidents ?? []).map((i) => [i.id, i]));
    const timeline: TimelineEntry[] = [...(extra.timeline ?? [])];
    const pool = new Map([...alarms, ...nextAlarms]);

    for (const ev of events) {
      const alarm = pool.get(ev.alarmId);
      if (!alarm) continue;
      const opens = ev.type === 'raised' || ev.type === 'reraised' || ((ev.type === 'unshelved' || ev.type === 'unsuppressed' || ev.type === 'returned_to_service') && ev.to === 'unack');
      if (opens) {
        const depotIncidents = [...incidents.values(), ...touched.values()].filter((i) => i.depot === alarm.depot);
        const latest = new Map(depotIncidents.map((i) => [i.id, touched.get(i.id) ?? i]));
        const routed = routeRaisedAlarm([...latest.values()], alarm, ev, cfg().incidentWindowS * 1000, newIncidentId, reasonText(alarm.code, alarm.params));
        touched.set(routed.incident.id, routed.incident);
        timeline.push(...routed.timeline);
        const updated = { ...alarm, incidentId: routed.incident.id };
        nextAlarms.set(alarm.id, updated);
        pool.set(alarm.id, updated);
        if (ev.type === 'raised' || ev.type === 'reraised') raised.push({ depot: alarm.depot, at: ev.at });
      } else if (alarm.incidentId) {
        timeline.push(alarmTimelineEntry(alarm.incidentId, ev));
        const inc = touched.get(alarm.incidentId) ?? incidents.get(alarm.incidentId) ?? store.incident(alarm.incidentId);
        if (inc) touched.set(inc.id, inc);
      }
    }
    for (const [id, inc] of touched) {
      const followed = followAlarms(inc, alarmsOfIncident(inc, pool), now);
      touched.set(id, followed.incident);
      timeline.push(...followed.timeline);
    }

    // SPEC §5: every alarm transition is in the audit log, in the same transaction, before anyone hears of it
    const transitions: AuditInput[] = events.map((ev) => ({
      at: ev.at, actor: ev.by ?? SYSTEM, action: 'alarm.transition', target: ev.alarmId, depot: pool.get(ev.alarmId)?.depot ?? null,
      note: ev.note || null, detail: { event: ev.type, from: ev.from, to: ev.to, incident: pool.get(ev.alarmId)?.incidentId ?? null },
    }));
    const { started } = store.commit({
      alarms: [...nextAlarms.values()], incidents: [...touched.values()], timeline, audit: [...(extra.audit ?? []), ...transitions],
      ...(extra.startMaintenance ? { startMaintenance: extra.startMaintenance } : {}), ...(extra.endMaintenance ? { endMaintenance: extra.endMaintenance } : {}),
    });

    raises.push(...raised);
    for (const a of nextAlarms.values()) setAlarm(a);
    for (const i of touched.values()) {
      if (i.state === 'closed') incidents.delete(i.id);
      else incidents.set(i.id, i);
    }
    const index = deps.index();
    return {
      alarms: [...nextAlarms.values()].map((a) => toAlarmView(a, index)), incidents: [...touched.values()].map((i) => incidentView(i)),
      floodChanged: raised.length > 0, ...(started ? { started } : {}),
    };
  }

  /** once a second: forget plainly normal alarms that no live incident needs, and old flood entries */
  function prune(): void {
    const needed = new Set([...incidents.values()].filter((i) => i.state !== 'resolved').flatMap((i) => i.alarmIds));
    for (const [id, a] of alarms) if (stateOf(a) === 'normal' && !a.active && !needed.has(id)) deleteAlarm(a);
    const since = clock.now() - cfg().floodWindowS * 1000;
    while (raises.length && (raises[0]?.at ?? 0) <= since) raises.shift();
  }

  function announce(u: AlarmUpdate): void {
    if (u.alarms.length || u.incidents.length || u.floodChanged) deps.announce(u);
  }

  return {
    /** loads what was committed before the last stop; on-delay timers start afresh */
    load(): void {
      const loaded = store.loadActive();
      for (const a of loaded.alarms) setAlarm(a);
      for (const i of loaded.incidents) incidents.set(i.id, i);
      maintenance = store.activeMaintenance(clock.now());
      logger.info({ alarms: alarms.size, incidents: incidents.size, maintenance: maintenance.length }, 'alarm state loaded');
    },

    /** the live state evaluated a depot: reconcile its conditions with its alarms */
    onEvaluated(depot: string, conditions: readonly Condition[], heard?: (device: Condition['device']) => boolean): void {
      const before = pendingByDepot.get(depot) ?? emptyDelays();
      const pending = { on: new Map(before.on), off: new Map(before.off) };
      const r = reconcileDepot({
        depot, alarms: alarmsOfDepot(depot), conditions, now: clock.now(), policy: policy(), pending, ...(heard ? { heard } : {}),
        maintenanceFor: (device) => maintenanceFor(depot, device),
      });
      if (r.changed.length === 0) {
        pendingByDepot.set(depot, pending);
        return;
      }
      try {
        announce(commit(r.changed, r.events));
        pendingByDepot.set(depot, pending);
      } catch (err) {
        // nothing is applied, not even the delays: the next evaluation retries from the same state
        logger.error({ err, depot }, 'could not commit alarm transitions');
      }
    },

    /** once a second: shelves and maintenance that expired, escalations that fell due, the flood window */
    tick(): void {
      const now = clock.now();
      const system = (note: string): Actor => ({ username: SYSTEM, at: now, note });
      const changed = new Map<string, Alarm>();
      const events: AlarmEvent[] = [];
      const step = (s: { alarm: Alarm; events: AlarmEvent[] }) => { changed.set(s.alarm.id, s.alarm); events.push(...s.events); };
      for (const a of alarms.values()) if (a.shelf && a.shelf.until <= now) step(unshelve(a, system('shelf expired')));
      const audit: AuditInput[] = [];
      const expired = maintenance.filter((m) => m.until <= now);
      const remaining = maintenance.filter((m) => m.until > now);
      for (const m of expired) audit.push({ at: now, actor: SYSTEM, action: 'maintenance.expired', target: `maintenance:${m.id}`, depot: m.depot, note: m.reason,
        detail: m.recurringId !== undefined ? { recurring: m.recurringId, device: m.device } : null });
      if (expired.length) {
        for (const a of alarms.values()) {
          const current = changed.get(a.id) ?? a;
          // still covered by another window: stays suppressed
          if (current.suppression && !maintenanceFor(a.depot, a.device, remaining)) step(unsuppress(current, system('maintenance ended')));
        }
      }
      const after = cfg().escalateAfterS * 1000;
      const due = dueEscalations(incidents.values(), (i) => alarmsOfIncident(i), now, after);
      const escalated = due.map((i) => escalate(i, now, after));
      for (const e of escalated) audit.push({ at: now, actor: SYSTEM, action: 'incident.escalated', target: e.incident.id, depot: e.incident.depot, note: e.timeline[0]?.note ?? null, detail: null });
      // resolved incidents are closed after a while, so memory holds only what may still need someone
      const closeAfterS = cfg().autoCloseAfterS;
      const closed = dueAutoClose(incidents.values(), now, closeAfterS * 1000)
        .map((i) => closeIncident(i, SYSTEM, `closed automatically ${Math.round(closeAfterS / 60)} min after it was resolved`, now));
      for (const c of closed) audit.push({ at: now, actor: SYSTEM, action: 'incident.auto_closed', target: c.incident.id, depot: c.incident.depot, note: null, detail: { resolvedAt: incidents.get(c.incident.id)?.updatedAt ?? null } });
      const before = raises.length;
      if (changed.size || escalated.length || expired.length || closed.length) {
        const steps = [...escalated, ...closed];
        announce(commit([...changed.values()], events, {
          incidents: steps.map((e) => e.incident), timeline: steps.flatMap((e) => e.timeline), audit,
          ...(expired.length ? { endMaintenance: expired.map((m) => ({ id: m.id, at: now })) } : {}),
        }));
        maintenance = remaining;
      }
      prune();
      if (raises.length !== before) announce({ alarms: [], incidents: [], floodChanged: true });
    },

    // --- used by the operator actions (alarm-actions.ts) and queries ---
    commitAndAnnounce(changed: readonly Alarm[], events: readonly AlarmEvent[], extra: CommitExtra = {}): AlarmUpdate {
      const u = commit(changed, events, extra);
      announce(u);
      return u;
    },
    alarm: (id: string): Alarm | undefined => alarms.get(id) ?? store.alarmsOf([id])[0],
    incident: (id: string): Incident | undefined => incidents.get(id) ?? store.incident(id),
    alarmsOfIncident,
    incidentView,
    alarmView: (a: Alarm) => toAlarmView(a, deps.index()),
    policy,
    /**
     * Opens a maintenance window and suppresses the matching alarms in one transaction; the window
     * joins memory only once that committed.
     */
    startMaintenance(m: NewMaintenance, by: Actor, audit: AuditInput): MaintenanceView {
      const changed: Alarm[] = [];
      const events: AlarmEvent[] = [];
      for (const a of alarms.values()) {
        if (a.depot !== m.depot || (m.device && (m.device.type !== a.device.type || m.device.id !== a.device.id))) continue;
        const s = suppress(a, by, m.until, m.device ? 'device' : 'depot');
        changed.push(s.alarm);
        events.push(...s.events);
      }
      const u = commit(changed, events, { startMaintenance: { window: m, audit } });
      if (!u.started) throw new Error('maintenance window was not stored');
      maintenance = [...maintenance, u.started];
      announce(u);
      return u.started;
    },
    /** ends a window early and releases the alarms no other window covers, in one transaction */
    endMaintenance(id: number, by: Actor, audit: AuditInput): void {
      const remaining = maintenance.filter((m) => m.id !== id);
      const changed: Alarm[] = [];
      const events: AlarmEvent[] = [];
      for (const a of alarms.values()) {
        if (!a.suppression || maintenanceFor(a.depot, a.device, remaining)) continue;
        const s = unsuppress(a, by);
        changed.push(s.alarm);
        events.push(...s.events);
      }
      const u = commit(changed, events, { endMaintenance: [{ id, at: by.at, mustBeOpen: true }], audit: [audit] });
      maintenance = remaining;
      announce(u);
    },
    maintenanceList: (visible: (depot: string) => boolean) => maintenance.filter((m) => visible(m.depot)),
    /** which of a depot's devices are in maintenance or out of service: readiness sets them aside */
    sidelined(depot: string): DepotSideline {
      const windows = maintenance.filter((m) => m.depot === depot);
      const devices = new Map<string, DepotSideline['devices'][number]>();
      for (const m of windows) if (m.device) devices.set(`${m.device.type}:${m.device.id}`, { ...m.device, why: 'maintenance' });
      for (const a of alarmsOfDepot(depot).values()) {
        const k = `${a.device.type}:${a.device.id}`;
        if (a.outOfService && !devices.has(k)) devices.set(k, { type: a.device.type, id: a.device.id, why: 'out_of_service' });
      }
      return { depot: windows.some((m) => m.device === null), devices: [...devices.values()] };
    },

    snapshot(visible: (depot: string) => boolean): { alarms: AlarmView[]; incidents: IncidentView[]; flood: FloodStatus } {
      const now = clock.now();
      const index = deps.index();
      // the caller's depots go into the query, so a busy depot elsewhere cannot use up the limit
      const all = index.site.depots.map((d) => d.id);
      const mine = all.filter(visible);
      const recent = store.incidents({ states: ['resolved', 'closed'], from: now - 24 * 3600_000, limit: 200, depots: mine.length === all.length ? null : mine })
        .items.filter((i) => !incidents.has(i.id));
      return {
        alarms: [...alarms.values()].filter((a) => visible(a.depot) && (stateOf(a) !== 'normal' || a.active)).map((a) => toAlarmView(a, index)),
        incidents: [...incidents.values(), ...recent].filter((i) => visible(i.depot)).sort((a, b) => b.updatedAt - a.updatedAt).map((i) => incidentView(i)),
        flood: this.flood(visible),
      };
    },
    flood(visible: (depot: string) => boolean): FloodStatus {
      const c = cfg();
      return floodStatus(raises, visible, clock.now(), c.floodWindowS, c.floodCount);
    },
    /** incidents held in memory (live, and resolved ones until they auto-close) */
    incidentsInMemory: () => incidents.size,
    /** unacknowledged alarms, for tests and /readyz-like summaries */
    unackedCount: () => [...alarms.values()].filter(needsAck).length,
  };
}
export type AlarmService = ReturnType<typeof createAlarmService>;
