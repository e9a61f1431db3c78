import { Router } from 'express';
import type { Response } from 'express';
import {
  ackRequestSchema, assignRequestSchema, auditQuerySchema, incidentAckRequestSchema, incidentQuerySchema, linkOutagesQuerySchema, maintenanceRequestSchema, noteRequestSchema,
  outOfServiceRequestSchema, rangeQuerySchema, shelveRequestSchema,
} from '../contracts/alarms.js';
import type { IncidentState } from '../domain/incidents.js';
import { can, canSeeDepot } from '../domain/permissions.js';
import type { AlarmActions } from '../services/alarm-actions.js';
import { LIVE_STATES, type AlarmQueries } from '../services/alarm-queries.js';
import type { AlarmService } from '../services/alarm-service.js';
import { handoverCsv } from '../services/handover.js';
import type { Page } from '../ports/alarm-store.js';
import { hasDevice, type SiteIndex } from '../domain/site-index.js';
import { principalOf } from './auth-middleware.js';
import { forbidden, HttpError, notFound, parseOr400 } from './errors.js';

/**
 * A list stays the array SPEC §8 names; whether it was cut travels beside it, in headers the board
 * reads (`X-Total-Count`, `X-Truncated`).
 */
function sendPage<T>(res: Response, page: Page<T>): void {
  res.set('X-Total-Count', String(page.total)).set('X-Truncated', String(page.total > page.items.length)).json(page.items);
}

/** Alarms, incidents, operator actions, maintenance, audit and the handover report (SPEC §5, §8). */
export function createAlarmsRouter(deps: { alarms: AlarmService; actions: AlarmActions; queries: AlarmQueries; index: () => SiteIndex }): Router {
  const { alarms, actions, queries } = deps;
  const router = Router();

  router.get('/incidents', (req, res) => {
    const q = parseOr400(incidentQuerySchema, req.query);
    const states = q.state === undefined ? undefined : q.state === 'live' ? LIVE_STATES : (q.state.split(',') as IncidentState[]);
    if (states?.some((s) => !['open', 'acknowledged', 'resolved', 'closed'].includes(s))) {
      throw new HttpError(400, 'bad_request', 'invalid fields: state', [{ path: 'state', message: 'open, acknowledged, resolved, closed or live' }]);
    }
    sendPage(res, queries.incidents(principalOf(req), {
      ...(states ? { states } : {}), ...(q.depot ? { depot: q.depot } : {}), ...(q.severity ? { severity: q.severity } : {}),
      ...(q.from !== undefined ? { from: q.from } : {}), ...(q.to !== undefined ? { to: q.to } : {}), limit: q.limit,
    }));
  });
  router.get('/incidents/:id', (req, res) => {
    const p = principalOf(req);
    const i = alarms.incident(req.params.id as string);
    if (!i || !canSeeDepot(p, i.depot)) throw notFound(`incident ${req.params.id as string}`);
    res.json(alarms.incidentView(i, true));
  });
  router.post('/incidents/:id/ack', (req, res) => {
    const body = parseOr400(incidentAckRequestSchema, req.body ?? {});
    res.json(actions.ackIncident(principalOf(req), req.params.id as string, body.note, body.alarms));
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
    sendPage(res, queries.audit(p, {
      limit: q.limit, ...(q.before ? { before: q.before } : {}), ...(q.actor ? { actor: q.actor } : {}), ...(q.action ? { action: q.action } : {}),
      ...(q.from !== undefined ? { from: q.from } : {}), ...(q.to !== undefined ? { to: q.to } : {}), ...(q.depot ? { depot: q.depot } : {}),
    }));
  });
  router.get('/audit/verify', async (req, res) => {
    const p = principalOf(req);
    if (!can(p, 'audit')) throw forbidden('the audit log is for administrators and duty officers');
    res.json(await queries.verify(p));
  });

  router.get('/depots/:id/link-outages', (req, res) => {
    const p = principalOf(req);
    const id = req.params.id as string;
    // 404 rather than 403 outside the scope, as for the depot itself
    if (!can(p, 'view', id) || !deps.index().depot(id)) throw notFound(`depot ${id}`);
    const q = parseOr400(linkOutagesQuerySchema, req.query);
    res.json(queries.linkOutages(id, q.limit));
  });

  router.get('/reports/handover', (req, res) => {
    const p = principalOf(req);
    if (!can(p, 'view')) throw forbidden();
    const q = parseOr400(rangeQuerySchema, req.query);
    if (q.from >= q.to) throw new HttpError(400, 'bad_request', 'invalid fields: from', [{ path: 'from', message: 'must be before to' }]);
    const report = queries.handover(p, q);
    if (q.format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment(`handover-${new Date(q.from).toISOString().slice(0, 16).replace(/:/g, '')}.csv`).send(`\uFEFF${handoverCsv(report, q.lang)}`);
      return;
    }
    res.json(report);
  });
  return router;
}
