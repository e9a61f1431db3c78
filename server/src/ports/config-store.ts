import type { ConfigChange } from '../domain/config-diff.js';

export type ConfigSource = 'provisioned' | 'api' | 'rollback';

/** One stored configuration version without its body: what a list of versions shows. */
export interface ConfigVersionMeta {
  n: number;
  at: number;
  author: string;
  comment: string;
  source: ConfigSource;
  /** for a rollback, the version it restored */
  rollbackOf: number | null;
  /** SHA-256 of the whole configuration, secrets included; stays on the server (domain/secrets.ts drops it from every API answer) */
  hash: string;
  changes: number;
}

export interface ConfigVersionRecord extends ConfigVersionMeta {
  /** the whole configuration as stored (JSON); validated again by whoever applies it */
  config: unknown;
  diff: ConfigChange[];
}

/**
 * Numbered configuration versions (SPEC §9). `append` refuses a number that is not the next one, so
 * two writers that read the same version cannot both succeed; `transaction` lets the caller write the
 * version and its audit entry atomically.
 */
export interface ConfigStore {
  latest(): ConfigVersionRecord | undefined;
  get(n: number): ConfigVersionRecord | undefined;
  /** newest first */
  list(q: { before?: number; limit: number }): ConfigVersionMeta[];
  latestProvisioned(): ConfigVersionMeta | undefined;
  append(v: Omit<ConfigVersionRecord, 'changes'>): void;
  transaction<T>(fn: () => T): T;
}
