import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ConfigConflict, ConfigVersionView, RunningConfigView } from '../contracts/config.js';
import { putConfigRequestSchema, rollbackRequestSchema } from '../contracts/config.js';
import { can } from '../domain/permissions.js';
import {
  BaseVersionRequired, ConfigConflictError, ConfigInvalidError, ConfigVersionNotFound, type ConfigService,
} from '../services/config-service.js';
import { principalOf } from './auth-middleware.js';
import { forbidden, HttpError, notFound, parseOr400 } from './errors.js';

const versionParam = z.coerce.number().int().min(1);
const listQuery = z.object({ before: z.coerce.number().int().min(1).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });

/** `If-Match: "7"` (the ETag of GET /api/config), also weak or unquoted */
export function ifMatchVersion(req: Request): number | undefined {
  const h = req.get('if-match');
  if (h === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(h);
  if (!m) throw new HttpError(400, 'bad_request', 'invalid fields: If-Match', [{ path: 'If-Match', message: 'must be a configuration version, e.g. "7"' }]);
  return Number(m[1]);
}

/** the service's refusals → HTTP: 400 with every path, 409 with both versions, 428 without a base, 404 */
export function configError(err: unknown, res: Response, next: NextFunction): void {
  if (err instanceof ConfigInvalidError) return next(new HttpError(400, 'bad_request', err.message, err.problems.map((p) => ({ path: p.path || '(config)', message: p.message, code: p.code, params: p.params }))));
  if (err instanceof ConfigConflictError) {
    const body: ConfigConflict = { error: 'version_conflict', message: err.message, baseVersion: err.baseVersion, currentVersion: err.currentVersion };
    res.status(409).set('ETag', `"${err.currentVersion}"`).json(body);
    return;
  }
  if (err instanceof BaseVersionRequired) return next(new HttpError(428, 'precondition_required', err.message));
  if (err instanceof ConfigVersionNotFound) return next(notFound(err.message.replace(/ not found$/, '')));
  next(err);
}

/** SPEC §9 engineers' configuration routes; engineers and admins only (permissions.ts `config`). */
export function createConfigRouter(deps: { config: ConfigService }): Router {
  const router = Router();
  const { config } = deps;
  router.use('/config', (req, _res, next) => next(can(principalOf(req), 'config') ? undefined : forbidden()));

  router.get('/config', (req, res) => {
    const { meta, site } = config.current();
    res.set('ETag', `"${meta.n}"`);
    if (req.query.format === 'yaml') {
      res.type('application/yaml').set('Content-Disposition', `attachment; filename="depotwatch-config-v${meta.n}.yaml"`).send(config.toYaml());
      return;
    }
    const body: RunningConfigView = { ...meta, config: site };
    res.json(body);
  });

  router.put('/config', (req, res, next) => {
    try {
      const p = principalOf(req);
      const body = parseOr400(putConfigRequestSchema, req.body);
      const base = body.baseVersion ?? ifMatchVersion(req);
      const r = config.put(body.config, { base, author: p.username, comment: body.comment });
      res.set('ETag', `"${r.version.n}"`).json(r);
    } catch (err) {
      configError(err, res, next);
    }
  });

  router.get('/config/versions', (req, res) => {
    const q = parseOr400(listQuery, req.query);
    res.json(config.versions({ limit: q.limit, ...(q.before ? { before: q.before } : {}) }));
  });

  router.get('/config/versions/:n', (req, res, next) => {
    try {
      const v: ConfigVersionView = config.version(parseOr400(versionParam, req.params.n));
      res.json(v);
    } catch (err) {
      configError(err, res, next);
    }
  });

  router.post('/config/rollback/:n', (req, res, next) => {
    try {
      const p = principalOf(req);
      const n = parseOr400(versionParam, req.params.n);
      const body = parseOr400(rollbackRequestSchema, req.body ?? {});
      const r = config.rollback(n, { base: body.baseVersion ?? ifMatchVersion(req), author: p.username, comment: body.comment });
      res.set('ETag', `"${r.version.n}"`).json(r);
    } catch (err) {
      configError(err, res, next);
    }
  });
  return router;
}
