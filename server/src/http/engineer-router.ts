import { Router } from 'express';
import type { DiscoveredDevice } from '../ingest/discovery.js';
import { canSeeDepot } from '../services/auth-service.js';
import { principalOf, requireRole } from './auth-middleware.js';

/** Devices seen on the wire but not configured (SPEC §3), for engineers to approve. */
export function createEngineerRouter(deps: { discovered: (filter: (depotId: string) => boolean) => DiscoveredDevice[] }): Router {
  const router = Router();
  router.get('/discovered', requireRole('engineer', 'admin'), (req, res) => {
    const p = principalOf(req);
    res.json(deps.discovered((id) => canSeeDepot(p, id)));
  });
  return router;
}
