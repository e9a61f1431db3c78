import { Router } from 'express';
import { historyQuerySchema, type HistoryResponse } from '../contracts/api.js';
import { MAX_HISTORY_POINTS, type HistorySeriesRef } from '../contracts/telemetry.js';
import { canSeeDepot } from '../services/auth-service.js';
import type { LiveState } from '../services/live-state.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import type { Clock } from '../ports/clock.js';
import { principalOf } from './auth-middleware.js';
import { HttpError, notFound, parseOr400 } from './errors.js';

const RANGE_MS = { '1h': 3600_000, '6h': 6 * 3600_000, '24h': 24 * 3600_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;

/** SPEC §8 depot routes; every answer is filtered by the caller's depot scope. */
export function createDepotsRouter(deps: { live: LiveState; telemetry: Pick<TelemetryStore, 'history'>; clock: Clock }): Router {
  const router = Router();

  router.get('/regions', (req, res) => {
    const p = principalOf(req);
    res.json(deps.live.regions((id) => canSeeDepot(p, id)));
  });

  router.get('/depots', (req, res) => {
    const p = principalOf(req);
    res.json(deps.live.depots((id) => canSeeDepot(p, id)));
  });

  router.get('/depots/:id', (req, res) => {
    const p = principalOf(req);
    const id = req.params.id as string;
    // 404 rather than 403 for a depot outside the scope: a guard does not learn which depots exist
    const depot = canSeeDepot(p, id) ? deps.live.depot(id) : undefined;
    if (!depot) throw notFound(`depot ${id}`);
    res.json(depot);
  });

  router.get('/depots/:id/history', async (req, res) => {
    const p = principalOf(req);
    const id = req.params.id as string;
    const depot = canSeeDepot(p, id) ? deps.live.depot(id) : undefined;
    if (!depot) throw notFound(`depot ${id}`);
    const q = parseOr400(historyQuerySchema, req.query);
    const now = deps.clock.now();
    const to = q.to ?? now;
    const from = q.from ?? to - RANGE_MS[q.range ?? '24h'];
    if (from >= to) throw new HttpError(400, 'bad_request', 'from must be before to', [{ path: 'from', message: 'must be before to' }]);
    let series: HistorySeriesRef;
    if (q.sensor !== undefined) {
      if (!depot.sensors.some((s) => s.id === q.sensor)) throw notFound(`sensor ${q.sensor}`);
      series = { measurement: 'sensor', depot: id, sensor: q.sensor };
    } else {
      const camera = q.camera as string;
      if (!depot.cameras.some((c) => c.id === camera)) throw notFound(`camera ${camera}`);
      series = { measurement: 'camera', depot: id, camera, field: q.field ?? 'fps' };
    }
    const result = await deps.telemetry.history({ series, from, to, maxPoints: MAX_HISTORY_POINTS });
    const body: HistoryResponse = { ...result, from, to };
    res.json(body);
  });
  return router;
}
