import { Router } from 'express';
import { can, canSeeDepot, seesEveryDepot } from '../domain/permissions.js';
import type { CollectorHealth } from '../services/collector-health.js';
import { principalOf } from './auth-middleware.js';
import { forbidden } from './errors.js';

/**
 * SPEC §9 `GET /api/collectors`: each depot's edge collector health. SPEC §1 gives collector health to
 * engineers with configuration, so it shares the `config` permission (engineers, admins).
 */
export function createCollectorsRouter(deps: { health: CollectorHealth }): Router {
  const router = Router();
  router.get('/collectors', (req, res, next) => {
    const p = principalOf(req);
    if (!can(p, 'config')) return next(forbidden());
    const body = deps.health.snapshot((id) => canSeeDepot(p, id));
    // refusals that name no configured depot may come from anywhere: only for those who see every depot
    if (!seesEveryDepot(p)) body.unattributed = { rejected: 0, rejections: [], samples: [] };
    res.json(body);
  });
  return router;
}
