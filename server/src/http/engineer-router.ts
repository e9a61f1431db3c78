import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { approveDiscoveredSchema, ignoreDiscoveredSchema } from '../contracts/collectors.js';
import { can, canSeeDepot } from '../domain/permissions.js';
import { ApproveRefused, DiscoveredNotFound, type DiscoveredService } from '../services/discovered-service.js';
import { principalOf } from './auth-middleware.js';
import { configError, ifMatchVersion } from './config-router.js';
import { forbidden, HttpError, notFound, parseOr400 } from './errors.js';

/** `{depot}.{type}.{id}` (contracts/collectors.ts); anything else names no device */
const KEY = /^[A-Za-z0-9_-]{1,64}\.(sensor|camera|collector)\.[A-Za-z0-9_-]{1,64}$/;
const noBody = z.object({}).strict();

function keyOf(req: Request): string {
  const key = String(req.params.key);
  if (!KEY.test(key)) throw notFound(`discovered device ${key.slice(0, 140)}`);
  return key;
}

function discoveredError(err: unknown, res: Response, next: NextFunction): void {
  if (err instanceof DiscoveredNotFound) return next(notFound(`discovered device ${err.key}`));
  if (err instanceof ApproveRefused) return next(new HttpError(400, 'bad_request', err.message, err.problems));
  configError(err, res, next);
}

/**
 * Devices seen on the wire but not configured (SPEC §3, §9), for engineers and admins: the list, the
 * ignored ones, approve into the configuration (a new version), ignore and un-ignore.
 */
export function createEngineerRouter(deps: { discovered: DiscoveredService }): Router {
  const router = Router();
  const { discovered } = deps;
  router.use('/discovered', (req, _res, next) => next(can(principalOf(req), 'discovered') ? undefined : forbidden()));
  const who = (req: Request) => {
    const p = principalOf(req);
    return { username: p.username, visible: (id: string) => canSeeDepot(p, id) };
  };

  router.get('/discovered', (req, res) => {
    res.json(discovered.list(who(req).visible));
  });
  router.get('/discovered/ignored', (req, res) => {
    res.json(discovered.ignored(who(req).visible));
  });

  router.post('/discovered/:key/approve', (req, res, next) => {
    try {
      const key = keyOf(req);
      // approving changes the configuration: the config permission too (the same people today)
      if (!can(principalOf(req), 'config')) throw forbidden();
      const body = parseOr400(approveDiscoveredSchema, req.body ?? {});
      const r = discovered.approve(key, { ...body, baseVersion: body.baseVersion ?? ifMatchVersion(req) }, who(req));
      res.set('ETag', `"${r.version.n}"`).json(r);
    } catch (err) {
      discoveredError(err, res, next);
    }
  });

  router.post('/discovered/:key/ignore', (req, res, next) => {
    try {
      const key = keyOf(req);
      const body = parseOr400(ignoreDiscoveredSchema, req.body ?? {});
      res.json(discovered.ignore(key, body.note, who(req)));
    } catch (err) {
      discoveredError(err, res, next);
    }
  });

  router.post('/discovered/:key/unignore', (req, res, next) => {
    try {
      const key = keyOf(req);
      parseOr400(noBody, req.body ?? {});
      res.json(discovered.unignore(key, who(req)));
    } catch (err) {
      discoveredError(err, res, next);
    }
  });
  return router;
}
