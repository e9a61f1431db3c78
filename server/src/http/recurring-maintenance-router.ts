import { Router } from 'express';
import { recurringMaintenanceRequestSchema } from '../contracts/maintenance.js';
import type { RecurringMaintenance } from '../services/recurring-maintenance.js';
import { principalOf } from './auth-middleware.js';
import { HttpError, parseOr400 } from './errors.js';

/**
 * Recurring maintenance windows (issue 8): the list is everyone's who may see the depot (as
 * `GET /api/maintenance`); creating and deleting is for officers and engineers in scope.
 */
export function createRecurringMaintenanceRouter(deps: { recurring: RecurringMaintenance }): Router {
  const router = Router();
  router.get('/maintenance/recurring', (req, res) => {
    res.json(deps.recurring.list(principalOf(req)));
  });
  router.post('/maintenance/recurring', (req, res) => {
    res.status(201).json(deps.recurring.create(principalOf(req), parseOr400(recurringMaintenanceRequestSchema, req.body)));
  });
  router.delete('/maintenance/recurring/:id', (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id) || id <= 0) throw new HttpError(400, 'bad_request', 'invalid fields: id', [{ path: 'id', message: 'a recurring maintenance id' }]);
    res.json(deps.recurring.remove(principalOf(req), id));
  });
  return router;
}
