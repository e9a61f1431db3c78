import type { SiteConfig } from '../../../../config/schema.js';
import type { BacktestRequest, BacktestResponse } from '../../../../server/src/contracts/backtest.js';
import type { ApiFieldError } from '../../../../server/src/contracts/api.js';
import type { ConfigChangeResult, RunningConfigView } from '../../../../server/src/contracts/config.js';
import { ApiRequestError, type ApiClient } from './http.js';

export type { BacktestRequest, BacktestResponse, ConfigChangeResult, RunningConfigView };

/** what a refused save means for the editor: someone else saved first (reload), or a plain failure */
export type SaveRefusal = { kind: 'conflict'; currentVersion: number | null } | { kind: 'invalid'; fields: ApiFieldError[] } | { kind: 'other'; error: unknown };

/**
 * The engineers' configuration calls (server/src/http/config-router.ts, rules-router.ts): the running
 * version, a whole new version with a comment, and the rule backtest.
 */
export class EngineerConfigApi {
  constructor(private readonly http: ApiClient) {}

  current(): Promise<RunningConfigView> {
    return this.http.call('GET', '/api/config');
  }
  /** a new version based on `baseVersion`; a stale base is 409, none 428 (see refusalOf) */
  save(config: SiteConfig, baseVersion: number, comment: string): Promise<ConfigChangeResult> {
    return this.http.call('PUT', '/api/config', { config, baseVersion, comment });
  }
  backtest(req: Partial<BacktestRequest> & Pick<BacktestRequest, 'depot' | 'proposed'>, signal?: AbortSignal): Promise<BacktestResponse> {
    return this.http.call('POST', '/api/rules/backtest', req, signal);
  }
}

/** what a save came to: the new version, or why it was refused (see refusalOf) */
/** `error` is what was thrown, for a tab that shows the server's own message */
export type SaveOutcome = { ok: true; result: ConfigChangeResult } | ({ ok: false; error: unknown } & SaveRefusal);

/**
 * The one save-a-new-version flow every engineer's tab uses: build the next configuration from the
 * running one, PUT it based on that version, and turn a 409/428 (someone saved first) or a 400 (the
 * schema's paths) into an outcome the tab shows. Only a network fault or a bug in `build` throws.
 */
export async function saveVersion(
  http: ApiClient, running: RunningConfigView, build: SiteConfig | ((current: SiteConfig) => SiteConfig), comment: string,
): Promise<SaveOutcome> {
  const next = typeof build === 'function' ? build(running.config) : build;
  return outcomeOf(new EngineerConfigApi(http).save(next, running.n, comment));
}

/** any call that makes a version (PUT, rollback, a collector password) as a SaveOutcome */
export async function outcomeOf(call: Promise<ConfigChangeResult>): Promise<SaveOutcome> {
  try {
    return { ok: true, result: await call };
  } catch (e) {
    return { ok: false, ...refusalOf(e), error: e };
  }
}

/** a failed save in the editor's terms: 409/428 are version conflicts, 400 lists the fields */
export function refusalOf(e: unknown): SaveRefusal {
  if (e instanceof ApiRequestError) {
    if (e.status === 409 || e.status === 428) {
      const m = /version (\d+) is running/.exec(e.message);
      return { kind: 'conflict', currentVersion: m ? Number(m[1]) : null };
    }
    if (e.status === 400 && e.fields) return { kind: 'invalid', fields: e.fields };
  }
  return { kind: 'other', error: e };
}
