import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { equipmentImportSchema, equipmentQuerySchema } from '../contracts/equipment.js';
import { can, canSeeDepot } from '../domain/permissions.js';
import { BaseVersionRequired, ConfigConflictError, ConfigInvalidError, ConfigVersionNotFound } from '../services/config-service.js';
import { EquipmentCsvError, type EquipmentService } from '../services/equipment-service.js';
import { principalOf } from './auth-middleware.js';
import { forbidden, HttpError, notFound, parseOr400 } from './errors.js';

const exportQuery = z.object({ version: z.coerce.number().int().min(1).optional() }).strict();
const digestQuery = z.object({ before: z.coerce.number().int().min(1).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }).strict();
const csvQuery = z.object({ comment: z.string().trim().max(2000).default('') }).strict();

function ifMatch(req: Request): number | undefined {
  const h = req.get('if-match');
  if (h === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(h);
  if (!m) throw new HttpError(400, 'bad_request', 'invalid fields: If-Match', [{ path: 'If-Match', message: 'must be a configuration version, e.g. "7"' }]);
  return Number(m[1]);
}

function refusal(err: unknown, res: Response, next: NextFunction): void {
  if (err instanceof EquipmentCsvError) {
    return next(new HttpError(400, 'bad_request', err.message, err.problems.map((p) => ({ path: `rows[${p.row}]${p.column ? `.${p.column}` : ''}`, message: p.message, ...(p.code ? { code: p.code, params: p.params ?? {} } : {}) }))));
  }
  if (err instanceof ConfigInvalidError) return next(new HttpError(400, 'bad_request', err.message, err.problems.map((p) => ({ path: p.path || '(config)', message: p.message, code: p.code, params: p.params }))));
  if (err instanceof ConfigConflictError) {
    res.status(409).set('ETag', `"${err.currentVersion}"`).json({ error: 'version_conflict', message: err.message, baseVersion: err.baseVersion, currentVersion: err.currentVersion });
    return;
  }
  if (err instanceof BaseVersionRequired) return next(new HttpError(428, 'precondition_required', err.message));
  if (err instanceof ConfigVersionNotFound) return next(notFound(err.message.replace(/ not found$/, '')));
  next(err);
}

/**
 * The equipment register (SPEC §9 `GET /api/equipment?code=`) and the versions page's extra reads.
 * Reading the register is `equipment` (officers and guards look a tag up too, guards at their own depots);
 * export to CSV/YAML and import are `config` (engineers, admins), under /api/config with its body limit.
 */
export function createEquipmentRouter(deps: { equipment: EquipmentService }): Router {
  const router = Router();
  const { equipment } = deps;

  router.get('/equipment', (req, res) => {
    const p = principalOf(req);
    if (!can(p, 'equipment')) throw forbidden();
    const q = parseOr400(equipmentQuerySchema, req.query);
    if (q.depot !== undefined && !canSeeDepot(p, q.depot)) throw forbidden();
    res.json(equipment.list({ code: q.code, depot: q.depot, soonDays: q.soonDays, due: q.due !== undefined }, (d) => canSeeDepot(p, d)));
  });

  router.get('/config/equipment', (req, res) => {
    const p = principalOf(req);
    if (!can(p, 'config')) throw forbidden();
    const { text, version } = equipment.csv((d) => canSeeDepot(p, d));
    res.type('text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="depotwatch-equipment-v${version}.csv"`).send(text);
  });

  // a spreadsheet's file as it is (text/csv), or JSON { csv, comment, baseVersion } from the board
  router.post('/config/equipment', express.text({ type: ['text/csv', 'text/plain'], limit: '8mb' }), (req, res, next) => {
    try {
      const p = principalOf(req);
      if (!can(p, 'config')) throw forbidden();
      const body = typeof req.body === 'string'
        ? { csv: req.body, comment: parseOr400(csvQuery, req.query).comment, baseVersion: undefined }
        : parseOr400(equipmentImportSchema, req.body);
      if (!body.csv.trim()) throw new HttpError(400, 'bad_request', 'invalid fields: csv', [{ path: 'csv', message: 'the CSV is empty' }]);
      const r = equipment.importCsv(body.csv, { base: body.baseVersion ?? ifMatch(req), author: p.username, comment: body.comment });
      res.set('ETag', `"${r.version.n}"`).json(r);
    } catch (err) {
      refusal(err, res, next);
    }
  });

  router.get('/config/export', (req, res, next) => {
    try {
      if (!can(principalOf(req), 'config')) throw forbidden();
      const q = parseOr400(exportQuery, req.query);
      const { text, n } = equipment.yaml(q.version);
      res.type('application/yaml').set('Content-Disposition', `attachment; filename="depotwatch-config-v${n}.yaml"`).send(text);
    } catch (err) {
      refusal(err, res, next);
    }
  });

  router.get('/config/digest', (req, res) => {
    if (!can(principalOf(req), 'config')) throw forbidden();
    const q = parseOr400(digestQuery, req.query);
    res.json(equipment.digest({ limit: q.limit, ...(q.before ? { before: q.before } : {}) }));
  });
  return router;
}
