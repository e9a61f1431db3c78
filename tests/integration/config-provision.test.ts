import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SiteConfig } from '../../config/schema.js';
import { silentLogger } from '../../server/src/adapters/logger.js';
import { createSqliteAlarmStore } from '../../server/src/adapters/sqlite/alarm-store.js';
import { createConfigRepo } from '../../server/src/adapters/sqlite/config-repo.js';
import { openStateDb, type StateDb } from '../../server/src/adapters/sqlite/state-db.js';
import { createConfigService } from '../../server/src/services/config-service.js';
import { smallSite } from '../helpers/site.js';

/**
 * Provisioning across restarts, on a real SQLite file: config/*.yaml is version 1 on the first start,
 * an engineer's version survives a restart with unchanged files, and changed files become a new
 * version marked provisioned.
 */
describe('provisioning the configuration from config/*.yaml', () => {
  const dirs: string[] = [];
  const dbs: StateDb[] = [];
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  let now = 1_700_000_000_000;
  /** one "process start" on the database file at `path` */
  const start = (path: string, files: SiteConfig) => {
    const db = openStateDb(path);
    dbs.push(db);
    const alarms = createSqliteAlarmStore(db);
    const service = createConfigService({ store: createConfigRepo(db), clock: { now: () => (now += 1000) }, logger: silentLogger, audit: (entries) => alarms.commit({ audit: entries }) });
    return { service, running: service.provision(files), audit: () => alarms.audit({ limit: 100, action: 'config.version' }).items, close: () => db.close() };
  };
  const renamed = (site: SiteConfig, nameEn: string): SiteConfig => ({ ...site, depots: site.depots.map((d, i) => (i === 0 ? { ...d, nameEn } : d)) });

  it('first start is version 1; a restart with the same files keeps the engineer’s later version; changed files are a new provisioned version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'depotwatch-config-'));
    dirs.push(dir);
    const path = join(dir, 'state.db');
    const files = smallSite();

    const first = start(path, files);
    expect(first.running.meta).toMatchObject({ n: 1, source: 'provisioned', author: 'system', changes: 0 });
    const byEngineer = first.service.put(renamed(files, 'Edited in the board'), { base: 1, author: 'eng', comment: 'rename' });
    expect(byEngineer.version).toMatchObject({ n: 2, source: 'api' });
    first.close();
    dbs.pop();

    const second = start(path, files);
    expect(second.running.meta).toMatchObject({ n: 2, source: 'api', author: 'eng' });
    expect(second.running.site.depots[0]?.nameEn).toBe('Edited in the board');
    second.close();
    dbs.pop();

    // configuration as code: someone edits the YAML and restarts
    const third = start(path, renamed(files, 'Edited in YAML'));
    expect(third.running.meta).toMatchObject({ n: 3, source: 'provisioned', comment: 'config/*.yaml changed', changes: 1 });
    expect(third.service.version(3).diff).toEqual([{ op: 'change', path: 'depots[D1].nameEn', from: 'Edited in the board', to: 'Edited in YAML' }]);
    expect(third.audit().map((a) => a.target)).toEqual(['config:3', 'config:2', 'config:1']);
    expect(Object.isFrozen(third.running.site.depots[0])).toBe(true);
  });

  it('a change equal to the running configuration makes no version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'depotwatch-config-'));
    dirs.push(dir);
    const s = start(join(dir, 'state.db'), smallSite());
    expect(s.service.put(structuredClone(smallSite()), { base: 1, author: 'eng', comment: '' })).toMatchObject({ changed: false, version: { n: 1 } });
    expect(s.service.versions({ limit: 10 })).toHaveLength(1);
  });
});
