import { Router, type NextFunction, type Request, type Response } from 'express';
import { snapshotListQuerySchema, snapshotTakeSchema } from '../contracts/snapshots.js';
import { SnapshotError, type SnapshotService } from '../services/snapshot-service.js';
import { principalOf } from './auth-middleware.js';
import { HttpError, notFound, parseOr400 } from './errors.js';

/**
 * Camera snapshots (SPEC §3) for the board: the list per depot, camera, alarm or incident, the JPEG itself, and
 * "take a snapshot now". Every answer is in the caller's depot scope; the JPEG of another depot is 403.
 */
export function createSnapshotsRouter(deps: { snapshots: SnapshotService }): Router {
  const router = Router();
  const wrap = (fn: (req: Request, res: Response) => void | Promise<void>) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      await fn(req, res);
    } catch (err) {
      if (err instanceof SnapshotError) {
        if (err.retryAfterMs !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))));
        next(new HttpError(err.status, err.code, err.message));
      } else next(err);
    }
  };

  router.get('/snapshots', wrap((req, res) => {
    const q = parseOr400(snapshotListQuerySchema, req.query);
    res.json(deps.snapshots.list(principalOf(req), q));
  }));

  router.get('/snapshots/:id', wrap(async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id <= 0) throw notFound(`snapshot ${String(req.params.id).slice(0, 40)}`);
    const { view, path } = deps.snapshots.file(principalOf(req), id);
    res.setHeader('Content-Type', 'image/jpeg');
    // a stored picture never changes; it is a depot's, so only this person's browser may keep it
    res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
    res.setHeader('ETag', `"${view.sha256}"`);
    res.setHeader('X-Snapshot-Ts', String(view.ts));
    await new Promise<void>((resolve, reject) => {
      res.sendFile(path, { headers: { 'Content-Type': 'image/jpeg' }, cacheControl: false, lastModified: false }, (err) => {
        if (!err) return resolve();
        // the row outlived its file (removed by hand): say so rather than 500
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') reject(notFound(`snapshot ${id}'s file`));
        else reject(err);
      });
    });
  }));

  router.post('/snapshots/request', wrap((req, res) => {
    const body = parseOr400(snapshotTakeSchema, req.body);
    res.status(202).json(deps.snapshots.take(principalOf(req), body));
  }));
  return router;
}
