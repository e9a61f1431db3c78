import { z } from 'zod';
import type { SiteConfig } from '../../../config/schema.js';
import type { ConfigChange } from '../domain/config-diff.js';
import type { ConfigVersionMeta } from '../ports/config-store.js';

/**
 * The engineers' configuration API (SPEC §9): `GET/PUT /api/config`, `GET /api/config/versions[/{n}]`,
 * `POST /api/config/rollback/{n}`. A change names the version it was based on (`baseVersion`, or the
 * `If-Match` header with the version from `GET`'s `ETag`); a stale one is refused with 409.
 */
const comment = z.string().trim().max(2000).default('');
const baseVersion = z.number().int().min(0).optional();

/** the body of PUT /api/config; `config` is checked by siteConfigSchema separately, for file-less paths */
export const putConfigRequestSchema = z.object({
  config: z.unknown().refine((v) => v !== undefined, 'the whole configuration is required'),
  baseVersion,
  comment,
}).strict();

export const rollbackRequestSchema = z.object({ baseVersion, comment }).strict();

export type ConfigVersionSummary = ConfigVersionMeta;

/** GET /api/config, and the answer to a change that was applied */
export interface RunningConfigView extends ConfigVersionMeta {
  config: SiteConfig;
}

export interface ConfigVersionView extends ConfigVersionMeta {
  config: unknown;
  diff: ConfigChange[];
}

/** the answer to PUT /api/config and POST /api/config/rollback/{n} */
export interface ConfigChangeResult {
  /** false when the configuration sent equals the running one: no new version was made */
  changed: boolean;
  version: ConfigVersionMeta;
  diff: ConfigChange[];
}

/** 409 body: what the change was based on and what is running now */
export interface ConfigConflict { error: 'version_conflict'; message: string; baseVersion: number; currentVersion: number }
