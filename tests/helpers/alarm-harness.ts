import type { SiteConfig } from '../../config/schema.js';
import { silentLogger } from '../../server/src/adapters/logger.js';
import { createSqliteAlarmStore } from '../../server/src/adapters/sqlite/alarm-store.js';
import { openStateDb, type StateDb } from '../../server/src/adapters/sqlite/state-db.js';
import type { Condition } from '../../server/src/domain/conditions.js';
import { buildSiteIndex } from '../../server/src/domain/site-index.js';
import type { AlarmStore } from '../../server/src/ports/alarm-store.js';
import { createAlarmActions, type Operator } from '../../server/src/services/alarm-actions.js';
import { createAlarmQueries } from '../../server/src/services/alarm-queries.js';
import { createAlarmService, type AlarmUpdate } from '../../server/src/services/alarm-service.js';
import { smallSite } from './site.js';

export const T0 = 1_800_000_000_000;
export const officer: Operator = { role: 'officer', depots: null, username: 'duty' };
export const guardD1: Operator = { role: 'guard', depots: ['D1'], username: 'guard-d1' };
export const guardD2: Operator = { role: 'guard', depots: ['D2'], username: 'guard-d2' };

/** a condition of the small site, present until the test removes it */
export const cond = (key: string, extra: Partial<Condition> = {}): Condition => ({
  key, code: 'state_active', severity: 'critical', device: { type: 'sensor', id: key.split(':')[1] ?? key, zone: 'A' }, params: {}, onDelayMs: 0, offDelayMs: 0, ...extra,
});

/**
 * The alarm service, operator actions and queries over a real SQLite state database in memory, with
 * a fake clock; `failNext` makes the store's next commit throw, as a full disk or an I/O error would,
 * by wrapping the real store (the failing commit is real SQLite rolled back by a trigger).
 */
export function alarmHarness(opts: { site?: SiteConfig } = {}) {
  const site = opts.site ?? smallSite();
  const index = buildSiteIndex(site);
  const clock = { t: T0, now() { return this.t; } };
  const db: StateDb = openStateDb(':memory:');
  const real = createSqliteAlarmStore(db);
  let failures = 0;
  const store: AlarmStore = {
    ...real,
    commit(change) {
      if (failures > 0) {
        failures--;
        // a real failure inside the real transaction: the trigger aborts it after some rows were written
        db.exec("CREATE TEMP TRIGGER fail_commit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk I/O error (test)'); END");
        try {
          return real.commit(change);
        } finally {
          db.exec('DROP TRIGGER fail_commit');
        }
      }
      return real.commit(change);
    },
  };
  const announced: AlarmUpdate[] = [];
  const alarms = createAlarmService({ store, index: () => index, clock, logger: silentLogger, announce: (u) => announced.push(u) });
  alarms.load();
  const actions = createAlarmActions({ alarms, store, clock });
  const queries = createAlarmQueries({ store, alarms, clock, logger: silentLogger });
  return {
    db, store, clock, alarms, actions, queries, announced, index,
    failNext(n = 1) { failures = n; },
    advance(ms: number) { clock.t += ms; },
    /** the depot's conditions now; omitted conditions start to clear */
    evaluate(depot: string, conditions: Condition[]) { alarms.onEvaluated(depot, conditions); },
    count: (sql: string) => (db.prepare(sql).get() as { n: number }).n,
  };
}
