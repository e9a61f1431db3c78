import { Router } from 'express';
import type { MapResponse } from '../contracts/map.js';

/** GET /api/map: the area outline an engineer supplied (config `map:`), served from this server only. */
export function createMapRouter(deps: { outline: () => MapResponse }): Router {
  const router = Router();
  router.get('/map', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json(deps.outline());
  });
  return router;
}
