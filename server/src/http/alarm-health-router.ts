import { Router } from 'express';
import { z } from 'zod';
import type { AlarmHealthQueries } from '../adapters/sqlite/alarm-health-queries.js';
import { aggregateAlarmHealth, windowStart } from '../domain/alarm-health.js';
import { can, visibleDepots } from '../domain/permissions.js';
import type { SiteIndex } from '../domain/site-index.js';
import type { Clock } from '../ports/clock.js';
import { principalOf } from './auth-middleware.js';
import { forbidden, parseOr400 } from './errors.js';

const alarmHealthQuerySchema = z.object({
  days: z.coerce.number().int().min(1).max(90).default(14),
  /** operator positions sharing the load: ISA-18.2 rates are per operator */
  operators: z.coerce.number().int().min(1).max(50).default(1),
});

/** `GET /api/alarm-health?days=14`: alarm-system KPIs per day, for engineers tuning rules (issue 8, item 4). */
export function createAlarmHealthRouter(deps: { queries: AlarmHealthQueries; index: () => SiteIndex; clock: Clock }): Router {
  const router = Router();
  router.get('/alarm-health', (req, res) => {
    const p = principalOf(req);
    if (!can(p, 'alarm_health')) throw forbidden('alarm health is for engineers, duty officers and administrators');
    const q = parseOr400(alarmHealthQuerySchema, req.query);
    const now = deps.clock.now();
    // days follow the site's local midnight (the first depot's offset: a site spans one time zone)
    const utcOffsetMin = deps.index().site.depots[0]?.utcOffsetMin ?? 0;
    const from = windowStart(now, q.days, utcOffsetMin);
    const facts = deps.queries.facts({ from, to: now, days: q.days, depots: visibleDepots(p) });
    res.json(aggregateAlarmHealth(facts, { from, now, days: q.days, operators: q.operators, utcOffsetMin }));
  });
  return router;
}
