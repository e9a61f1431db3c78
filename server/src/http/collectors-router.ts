import { Router } from 'express';
import { z } from 'zod';
import { idSchema } from '../contracts/ids.js';
import { can, canSeeDepot, seesEveryDepot } from '../domain/permissions.js';
import { CollectorAccountError, type CollectorAccounts } from '../services/collector-accounts.js';
import type { CollectorHealth } from '../services/collector-health.js';
import { principalOf } from './auth-middleware.js';
import { configError, ifMatchVersion } from './config-router.js';
import { forbidden, HttpError, parseOr400 } from './errors.js';

const passwordRequestSchema = z.object({
  password: z.string().max(1024),
  baseVersion: z.number().int().min(0).optional(),
  comment: z.string().trim().max(2000).default(''),
}).strict();

/**
 * SPEC §9 `GET /api/collectors`: each depot's edge collector health. SPEC §1 gives collector health to
 * engineers with configuration, so it shares the `config` permission (engineers, admins).
 * `POST /api/collectors/accounts/{depot}/password` creates the depot's broker account or rotates its
 * password: the server hashes it and stores the next configuration version (409 when `baseVersion` is stale).
 */
export function createCollectorsRouter(deps: { health: CollectorHealth; accounts?: CollectorAccounts }): Router {
  const router = Router();
  router.get('/collectors', (req, res, next) => {
    const p = principalOf(req);
    if (!can(p, 'config')) return next(forbidden());
    const body = deps.health.snapshot((id) => canSeeDepot(p, id));
    // refusals that name no configured depot may come from anywhere: only for those who see every depot
    if (!seesEveryDepot(p)) body.unattributed = { rejected: 0, rejections: [], samples: [] };
    res.json(body);
  });

  const { accounts } = deps;
  if (accounts) {
    router.post('/collectors/accounts/:depot/password', async (req, res, next) => {
      try {
        const p = principalOf(req);
        const depot = parseOr400(idSchema, req.params.depot);
        if (!can(p, 'config') || !canSeeDepot(p, depot)) throw forbidden();
        const body = parseOr400(passwordRequestSchema, req.body);
        const r = await accounts.setPassword(depot, body.password, { base: body.baseVersion ?? ifMatchVersion(req), author: p.username, comment: body.comment });
        res.status(r.created ? 201 : 200).set('ETag', `"${r.version.n}"`).json(r);
      } catch (err) {
        if (err instanceof CollectorAccountError) return next(new HttpError(err.status, err.status === 404 ? 'not_found' : 'bad_request', err.message, err.fields.length ? err.fields : undefined));
        configError(err, res, next);
      }
    });
  }
  return router;
}
