import { Router } from 'express';
import { userCreateSchema, userUpdateSchema } from '../contracts/alarms.js';
import type { UserAdmin } from '../services/user-admin.js';
import { principalOf } from './auth-middleware.js';
import { HttpError, parseOr400 } from './errors.js';

/** SPEC §8 `POST /api/users` and the rest of user management, admin only (checked in the service). */
export function createUsersRouter(deps: { users: UserAdmin }): Router {
  const router = Router();
  router.get('/users', (req, res) => {
    res.json(deps.users.list(principalOf(req)));
  });
  router.post('/users', async (req, res) => {
    const p = principalOf(req);
    const body = parseOr400(userCreateSchema, req.body);
    res.status(201).json(await deps.users.create(p, body));
  });
  router.patch('/users/:id', async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id) || id <= 0) throw new HttpError(400, 'bad_request', 'invalid fields: id', [{ path: 'id', message: 'a user id' }]);
    res.json(await deps.users.update(principalOf(req), id, parseOr400(userUpdateSchema, req.body)));
  });
  return router;
}
