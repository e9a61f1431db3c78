import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { deepFreeze, formatPath } from '../../../config/loader.js';
import { problemOf as issueProblem, type Problem } from '../../../config/problems.js';
import { siteConfigSchema, type SiteConfig } from '../../../config/schema.js';
import type { Logger } from '../adapters/logger.js';
import type { ConfigChangeResult } from '../contracts/config.js';
import { canonicalJson, diffConfig, type ConfigChange } from '../domain/config-diff.js';
import { SYSTEM } from '../domain/incidents.js';
import { unmaskEdgeSecrets } from '../domain/edge-secrets.js';
import { maskSecrets, unmaskCollectorHashes } from '../domain/secrets.js';
import type { AuditInput } from '../ports/alarm-store.js';
import type { Clock } from '../ports/clock.js';
import type { ConfigSource, ConfigStore, ConfigVersionMeta, ConfigVersionRecord } from '../ports/config-store.js';

/** The running configuration: its version and the validated, frozen site it holds. */
export interface AppliedConfig { meta: ConfigVersionMeta; site: SiteConfig }

/** A configuration refused by the schema: every problem, each with its file-less path. */
export class ConfigInvalidError extends Error {
  constructor(readonly problems: SiteProblem[], message = 'invalid configuration') {
    super(`${message}: ${problems.map((p) => p.path || '(top level)').join(', ')}`);
  }
}
/** The change was based on a version that is no longer the running one: nothing was written. */
export class ConfigConflictError extends Error {
  constructor(readonly baseVersion: number, readonly currentVersion: number) {
    super(`the change is based on version ${baseVersion}, but version ${currentVersion} is running now: reload, merge and send it again`);
  }
}
export class ConfigVersionNotFound extends Error {}
export class BaseVersionRequired extends Error {
  constructor() { super('name the version the change is based on: baseVersion in the body or an If-Match header'); }
}

export interface ConfigServiceDeps {
  store: ConfigStore;
  clock: Clock;
  logger: Logger;
  /** the existing audit path (one transaction with the version when the store shares the database) */
  audit: (entries: AuditInput[]) => void;
}

type Applied = (next: AppliedConfig, previous: AppliedConfig) => void;

const problemOf = (p: { path: (string | number)[]; message: string } & Problem): SiteProblem => ({ path: formatPath(p.path), message: p.message, code: p.code, params: p.params });
/** the collector accounts of a stored version, as far as it has any (its shape is checked when applied) */
function storedCollectors(config: unknown): { depot: string; passwordHash: string }[] {
  const list = (config as { collectors?: unknown } | undefined)?.collectors;
  return Array.isArray(list) ? list.filter((c): c is { depot: string; passwordHash: string } => typeof c?.depot === 'string' && typeof c?.passwordHash === 'string') : [];
}

/** the masks of a configuration coming in (secrets.ts) back to what `stored` (a raw site) holds: hashes, then the edge's credentials */
function unmask(input: unknown, stored: unknown): { value: unknown; problems: SiteProblem[] } {
  const hashes = unmaskCollectorHashes(input, storedCollectors(stored));
  const edge = unmaskEdgeSecrets(hashes.value, stored);
  return { value: edge.value, problems: [...hashes.problems, ...edge.problems].map(problemOf) };
}

const hashOf = (site: unknown) => createHash('sha256').update(canonicalJson(site)).digest('hex');

/** one problem of a refused site: its path, zod's English, and the code and params the board phrases */
export interface SiteProblem extends Problem { path: string; message: string }

export function validateSite(input: unknown): { ok: true; site: SiteConfig } | { ok: false; problems: SiteProblem[] } {
  const r = siteConfigSchema.safeParse(input);
  if (r.success) return { ok: true, site: deepFreeze(r.data) };
  return { ok: false, problems: r.error.issues.map((i) => ({ path: formatPath(i.path.filter((s): s is string | number => typeof s !== 'symbol')), message: i.message, ...issueProblem(i) })) };
}

/**
 * Configuration as data (issue 8): the site configuration lives in the state store as numbered
 * versions with author, time, comment and the diff to the previous one. `config/*.yaml` provisions it;
 * every change is validated by the one schema, written with its audit entry, and then handed to the
 * listeners that apply it to the running system (live state, alarms, edge collectors).
 */
export function createConfigService(deps: ConfigServiceDeps) {
  const { store, clock, logger } = deps;
  const listeners: Applied[] = [];
  let running: AppliedConfig | undefined;

  const need = (): AppliedConfig => {
    if (!running) throw new Error('configuration not provisioned yet');
    return running;
  };

  /** writes version `n` (and its audit entry) atomically; refuses when `base` is no longer the latest */
  function append(site: SiteConfig, v: { base: number | undefined; author: string; comment: string; source: ConfigSource; rollbackOf?: number; previous: unknown; hash: string }): ConfigChangeResult & { record: ConfigVersionRecord } {
    const diff: ConfigChange[] = v.previous === undefined ? [] : diffConfig(v.previous, site);
    const record = store.transaction(() => {
      const latest = store.latest();
      const current = latest?.n ?? 0;
      if (v.base !== undefined && v.base !== current) throw new ConfigConflictError(v.base, current);
      const rec: ConfigVersionRecord = {
        n: current + 1, at: clock.now(), author: v.author, comment: v.comment, source: v.source, rollbackOf: v.rollbackOf ?? null,
        hash: v.hash, config: site, diff, changes: diff.length,
      };
      store.append(rec);
      deps.audit([{
        at: rec.at, actor: v.author, action: 'config.version', target: `config:${rec.n}`, depot: null, note: v.comment || null,
        detail: { source: v.source, rollbackOf: rec.rollbackOf, changes: diff.length, paths: diff.slice(0, 50).map((c) => `${c.op} ${c.path}`) },
      }]);
      return rec;
    });
    const { config: _c, diff: _d, ...meta } = record;
    return { changed: true, version: meta, diff, record };
  }

  function applyNew(site: SiteConfig, meta: ConfigVersionMeta): void {
    const previous = running;
    running = { meta, site };
    logger.info({ version: meta.n, source: meta.source, author: meta.author }, 'configuration version applied');
    if (!previous) return;
    for (const l of listeners) {
      try {
        l(running, previous);
      } catch (err) {
        // the version is stored and running; one listener's failure must not undo it for the others
        logger.error({ err, version: meta.n }, 'applying configuration failed in a listener');
      }
    }
  }

  function change(site: SiteConfig, v: { base: number | undefined; author: string; comment: string; source: ConfigSource; rollbackOf?: number }): ConfigChangeResult {
    const current = need();
    if (v.base !== undefined && v.base !== current.meta.n) throw new ConfigConflictError(v.base, current.meta.n);
    const hash = hashOf(site);
    if (hash === current.meta.hash) return { changed: false, version: current.meta, diff: [] };
    const r = append(site, { ...v, previous: current.site, hash });
    applyNew(site, r.version);
    return { changed: r.changed, version: r.version, diff: r.diff };
  }

  return {
    /**
     * At start: the first start stores the files' configuration as version 1; later starts keep the
     * stored latest version unless the files changed since they were last provisioned, which makes
     * them a new version (source `provisioned`). Returns what runs.
     */
    provision(loaded: SiteConfig): AppliedConfig {
      // the loader has checked the files already; this freezes whatever the caller passed (tests, tools)
      const latest = store.latest();
      // an exported file carries masked hashes and edge credentials: they keep the ones the latest version stores
      const unmasked = unmask(loaded, latest?.config);
      const checked = validateSite(unmasked.value);
      const problems = [...unmasked.problems, ...(checked.ok ? [] : checked.problems)];
      if (!checked.ok || problems.length) throw new ConfigInvalidError(problems, 'the provisioned configuration is invalid');
      const files = checked.site;
      const fileHash = hashOf(files);
      const provisionedHash = store.latestProvisioned()?.hash;
      if (latest && provisionedHash === fileHash) {
        const stored = validateSite(latest.config);
        if (stored.ok) {
          const { config: _c, diff: _d, ...meta } = latest;
          running = { meta, site: stored.site };
          logger.info({ version: meta.n }, 'configuration loaded from the state store');
          return running;
        }
        // a newer DepotWatch may check more than the one that stored it: fall back to the files, loudly
        logger.error({ version: latest.n, problems: stored.problems }, 'stored configuration no longer passes the schema; provisioning config/*.yaml again');
      }
      const comment = !latest ? 'provisioned from config/*.yaml (first start)' : 'config/*.yaml changed';
      const r = append(files, { base: undefined, author: SYSTEM, comment, source: 'provisioned', previous: latest?.config, hash: fileHash });
      running = { meta: r.version, site: files };
      logger.info({ version: r.version.n, changes: r.diff.length }, 'configuration provisioned from files');
      return running;
    },

    current: need,

    /** PUT /api/config: a whole new configuration from an engineer */
    put(input: unknown, v: { base: number | undefined; author: string; comment: string }): ConfigChangeResult {
      if (v.base === undefined) throw new BaseVersionRequired();
      // the board sees masked hashes and edge credentials (domain/secrets.ts); sent back, a mask keeps the running value
      const unmasked = unmask(input, need().site);
      const checked = validateSite(unmasked.value);
      const problems = [...unmasked.problems, ...(checked.ok ? [] : checked.problems)];
      if (!checked.ok || problems.length) throw new ConfigInvalidError(problems);
      return change(checked.site, { ...v, source: 'api' });
    },

    /** POST /api/config/rollback/{n}: version n again, as a new version */
    rollback(n: number, v: { base: number | undefined; author: string; comment: string }): ConfigChangeResult {
      const old = store.get(n);
      if (!old) throw new ConfigVersionNotFound(`configuration version ${n} not found`);
      const checked = validateSite(old.config);
      if (!checked.ok) throw new ConfigInvalidError(checked.problems, `version ${n} no longer passes the schema`);
      return change(checked.site, { ...v, comment: v.comment || `rollback to version ${n}`, source: 'rollback', rollbackOf: n });
    },

    versions: (q: { before?: number; limit: number }) => store.list(q),
    /** version n's configuration as stored (raw JSON), undefined when there is none */
    storedConfig: (n: number): unknown => store.get(n)?.config,
    version(n: number): ConfigVersionRecord {
      const v = store.get(n);
      if (!v) throw new ConfigVersionNotFound(`configuration version ${n} not found`);
      return v;
    },

    /** configuration as code: the running version as one YAML file the loader reads back */
    toYaml(): string {
      const { meta, site } = need();
      return `# DepotWatch configuration version ${meta.n} (${meta.source}, ${new Date(meta.at).toISOString()}, by ${meta.author})\n${stringify(maskSecrets(site))}`;
    },

    /** runs after each new version is stored and running (not for the one found at start) */
    onApplied(fn: Applied): void {
      listeners.push(fn);
    },
  };
}
export type ConfigService = ReturnType<typeof createConfigService>;
