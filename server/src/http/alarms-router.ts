import { Router } from 'express';
import {
  ackRequestSchema, assignRequestSchema, auditQuerySchema, incidentQuerySchema, maintenanceRequestSchema, noteRequestSchema,
  outOfServiceRequestSchema, rangeQuerySchema, shelveRequestSchema, type IncidentView,
} from '../contracts/alarms.js';
import type { IncidentState } from '../domain/incidents.js';
import { can, canSeeDepot } from '../domain/permissions.js';
import type { AlarmActions } from '../services/alarm-actions.js';
import type { AlarmService } from '../services/alarm-service.js';
import { buildHandover, handoverCsv } from '../services/handover.js';
import type { AlarmStore } from '../ports/alarm-store.js';
import type { Clock } from '../ports/clock.js';
import { hasDevice, type SiteIndex } from '../domain/site-index.js';
import { principalOf } from './auth-middleware.js';
import { forbidden, HttpError, notFound, parseOr400 } from './errors.js';

const LIVE: IncidentState[] = ['open', 'acknowledged'];

/** Alarms, incidents, operator actions, maintenance, audit and the handover report (SPEC §5, §8). */
export function createAlarmsRouter(deps: { alarms: AlarmService; actions: AlarmActions; store: AlarmStore; clock: Clock; index: () => SiteIndex }): Router {
  const { alarms, actions, store } = deps;
  const router = Router();

  const incidentList = (q: ReturnType<typeof incidentQuerySchema.parse>, visible: (d: string) => boolean, fullTimelines = false): IncidentView[] => {
    const states = q.state === undefined ? undefined : q.state === 'live' ? LIVE : (q.state.split(',') as IncidentState[]);
    if (states?.some((s) => !['open', 'acknowledged', 'resolved', 'closed'].includes(s))) {
      throw new HttpError(400, 'bad_request', 'invalid fields: state', [{ path: 'state', message: 'open, acknowledged, resolved, closed or live' }]);
    }
    return store.incidents({ ...(states ? { states } : {}), ...(q.depot ? { depot: q.depot } : {}), ...(q.severity ? { severity: q.severity } : {}), ...(q.from !== undefined ? { from: q.from } : {}), ...(q.to !== undefined ? { to: q.to } : {}), limit: q.limit })
      .filter((i) => visible(i.depot)).map((i) => alarms.incidentView(alarms.incident(i.id) ?? i, fullTimelines));
  };

  router.get('/incidents', (req, res) => {
    const p = principalOf(req);
    res.json(incidentList(parseOr400(incidentQuerySchema, req.query), (d) => canSeeDepot(p, d)));
  });
  router.get('/incidents/:id', (req, res) => {
    const p = principalOf(req);
    const i = alarms.incident(req.params.id as string);
    if (!i || !canSeeDepot(p, i.depot)) throw notFound(`incident ${req.params.id as string}`);
    res.json(alarms.incidentView(i, true));
  });
  router.post('/incidents/:id/ack', (req, res) => {
    res.json(actions.ackIncident(principalOf(req), req.params.id as string, parseOr400(ackRequestSchema, req.body ?? {}).note));
  });
  router.post('/incidents/:id/notes', (req, res) => {
    res.json(actions.addNote(principalOf(req), req.params.id as string, parseOr400(noteRequestSchema, req.body).note));
  });
  router.post('/incidents/:id/assign', (req, res) => {
    res.json(actions.assign(principalOf(req), req.params.id as string, parseOr400(assignRequestSchema, req.body).assignee));
  });
  router.post('/incidents/:id/resolve', (req, res) => {
    res.json(actions.resolve(principalOf(req), req.params.id as string, parseOr400(ackRequestSchema, req.body ?? {}).note));
  });
  router.post('/incidents/:id/close', (req, res) => {
    res.json(actions.close(principalOf(req), req.params.id as string, parseOr400(ackRequestSchema, req.body ?? {}).note));
  });

  router.get('/alarms', (req, res) => {
    const p = principalOf(req);
    res.json(alarms.snapshot((d) => canSeeDepot(p, d)).alarms);
  });
  router.post('/alarms/:id/ack', (req, res) => {
    res.json(actions.ackAlarm(principalOf(req), req.params.id as string, parseOr400(ackRequestSchema, req.body ?? {}).note));
  });
  router.post('/alarms/:id/shelve', (req, res) => {
    const body = parseOr400(shelveRequestSchema, req.body);
    res.json(actions.shelve(principalOf(req), req.params.id as string, body.reason, body.minutes));
  });
  router.post('/alarms/:id/unshelve', (req, res) => {
    res.json(actions.unshelve(principalOf(req), req.params.id as string, parseOr400(ackRequestSchema, req.body ?? {}).note));
  });
  router.post('/alarms/:id/out-of-service', (req, res) => {
    res.json(actions.outOfService(principalOf(req), req.params.id as string, parseOr400(outOfServiceRequestSchema, req.body).reason));
  });
  router.post('/alarms/:id/return-to-service', (req, res) => {
    res.json(actions.returnToService(principalOf(req), req.params.id as string, parseOr400(ackRequestSchema, req.body ?? {}).note));
  });

  router.get('/maintenance', (req, res) => {
    const p = principalOf(req);
    res.json(alarms.maintenanceList((d) => canSeeDepot(p, d)));
  });
  router.post('/maintenance', (req, res) => {
    const body = parseOr400(maintenanceRequestSchema, req.body);
    res.status(201).json(actions.startMaintenance(principalOf(req), body, (depot, device) => hasDevice(deps.index(), depot, device)));
  });
  router.delete('/maintenance/:id', (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id) || id <= 0) throw new HttpError(400, 'bad_request', 'invalid fields: id', [{ path: 'id', message: 'a maintenance id' }]);
    res.json(actions.endMaintenance(principalOf(req), id));
  });

  router.get('/audit', (req, res) => {
    const p = principalOf(req);
    if (!can(p, 'audit')) throw forbidden('the audit log is for administrators and duty officers');
    const q = parseOr400(auditQuerySchema, req.query);
    res.json(store.audit({ limit: q.limit, ...(q.before ? { before: q.before } : {}), ...(q.actor ? { actor: q.actor } : {}), ...(q.action ? { action: q.action } : {}) }));
  });

  router.get('/reports/handover', (req, res) => {
    const p = principalOf(req);
    if (!can(p, 'view')) throw forbidden();
    const q = parseOr400(rangeQuerySchema, req.query);
    if (q.from >= q.to) throw new HttpError(400, 'bad_request', 'invalid fields: from', [{ path: 'from', message: 'must be before to' }]);
    const visible = (d: string) => canSeeDepot(p, d);
    const incidents = incidentList({ from: q.from, to: q.to, limit: 1000 }, visible, true);
    // people's actions; the alarm transitions themselves are in each incident's timeline
    const actionsInRange = store.audit({ limit: 1000, from: q.from, to: q.to })
      .filter((a) => (a.depot ? visible(a.depot) : can(p, 'audit')) && a.action !== 'alarm.transition' && !a.action.startsWith('login') && !a.action.startsWith('user.'));
    const report = buildHandover({ from: q.from, to: q.to, now: deps.clock.now(), by: p.username, incidents, actions: actionsInRange });
    if (q.format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment(`handover-${new Date(q.from).toISOString().slice(0, 16).replace(/:/g, '')}.csv`).send(`\uFEFF${handoverCsv(report)}`);
      return;
    }
    res.json(report);
  });
  return router;
}
