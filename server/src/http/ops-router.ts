import { Router } from 'express';
import type { Registry } from 'prom-client';

export type ReadinessProbe = () => Promise<Record<string, { ok: boolean; error?: string }>>;

/** SPEC §8: /healthz (process up), /readyz (broker and stores reachable), /metrics (Prometheus). */
export function createOpsRouter(deps: { probe: ReadinessProbe; registry: Registry }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = await deps.probe();
    const ok = Object.values(checks).every((c) => c.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not_ready', checks });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  return router;
}
