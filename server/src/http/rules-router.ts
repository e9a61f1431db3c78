import { Router } from 'express';
import { backtestRequestSchema } from '../contracts/backtest.js';
import { can } from '../domain/permissions.js';
import { BacktestError, type BacktestService } from '../services/backtest-service.js';
import { principalOf } from './auth-middleware.js';
import { forbidden, HttpError, parseOr400 } from './errors.js';

/** SPEC §9 rule tools for engineers and admins (permissions.ts `config`): the backtest. */
export function createRulesRouter(deps: { backtest: BacktestService }): Router {
  const router = Router();
  // the role first, before the body is looked at: a guard learns nothing about the request's shape
  router.use('/rules', (req, _res, next) => next(can(principalOf(req), 'config') ? undefined : forbidden()));

  router.post('/rules/backtest', async (req, res) => {
    const body = parseOr400(backtestRequestSchema, req.body);
    if (!can(principalOf(req), 'config', body.depot)) throw forbidden();
    // a client that goes away (the engineer closed the page) stops the replays it asked for
    const gone = new AbortController();
    const onClose = () => { if (!res.writableFinished) gone.abort(); };
    res.on('close', onClose);
    try {
      res.json(await deps.backtest.run(body, { signal: gone.signal }));
    } catch (err) {
      if (gone.signal.aborted) return; // nobody is left to answer
      if (err instanceof BacktestError) throw new HttpError(err.status, err.code, err.message, err.fields, err.params);
      throw err;
    } finally {
      res.off('close', onClose);
    }
  });
  return router;
}
