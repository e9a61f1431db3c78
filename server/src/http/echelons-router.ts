import { Router } from 'express';
import type { EchelonNodeView } from '../contracts/echelons.js';
import { rollUpEchelons } from '../domain/echelon-rollup.js';
import { can, canSeeDepot, seesEveryDepot } from '../domain/permissions.js';
import type { SiteIndex } from '../domain/site-index.js';
import type { LiveState } from '../services/live-state.js';
import { principalOf } from './auth-middleware.js';
import { forbidden } from './errors.js';

/**
 * GET /api/echelons (SPEC §6): the echelon tree with every node rolled up from the depots beneath it
 * that the caller may see. A scoped caller (a guard, a display with listed depots) gets only the
 * branches holding its depots; those who see all get every node, empty units included.
 */
export function createEchelonsRouter(deps: { live: Pick<LiveState, 'depots'>; index: () => SiteIndex }): Router {
  const router = Router();
  router.get('/echelons', (req, res) => {
    const p = principalOf(req);
    if (!can(p, 'view')) throw forbidden();
    const visible = (id: string) => canSeeDepot(p, id);
    const states = new Map(deps.live.depots(visible).map((d) => [d.id, d]));
    const body: EchelonNodeView[] = rollUpEchelons(deps.index().echelons, (id) => states.get(id), seesEveryDepot(p) ? undefined : visible);
    res.json(body);
  });
  return router;
}
