import type { AlarmState } from '../../domain/alarm-engine.js';
import { DAY_MS, TEN_MIN_MS, type AlarmHealthFacts } from '../../domain/alarm-health.js';
import type { StateDb } from './state-db.js';

/**
 * Read-only queries for alarm-system health over the audit log, where every alarm transition is
 * written in the same transaction as the alarm itself (action `alarm.transition`, detail
 * `{event, from, to}`): the log is complete, and survives alarms that were since deleted.
 */
export function createAlarmHealthQueries(db: StateDb) {
  const T = `action = 'alarm.transition'`;
  const scope = (depots: readonly string[] | null) => (depots === null ? { sql: '', args: [] as string[] } : { sql: ` AND depot IN (${depots.map(() => '?').join(',') || "''"})`, args: [...depots] });

  /** everything aggregateAlarmHealth needs over [from, to), in the given depots (null = all) */
  function facts(q: { from: number; to: number; depots: readonly string[] | null }): AlarmHealthFacts {
    const s = scope(q.depots);
    const raiseOf = (t: string) => `json_extract(${t}detail, '$.event') IN ('raised', 'reraised')`;
    const raise = raiseOf('');
    const per10 = db.prepare(`SELECT CAST((at - ?) / ${TEN_MIN_MS} AS INTEGER) AS i, COUNT(*) AS n FROM audit WHERE ${T} AND ${raise} AND at >= ? AND at < ?${s.sql} GROUP BY i`)
      .all(q.from, q.from, q.to, ...s.args) as { i: number; n: number }[];
    const top = db.prepare(`SELECT a.target AS alarm, a.depot AS depot, COUNT(*) AS count,
        COALESCE(json_extract(al.data, '$.code'), '') AS code, COALESCE(json_extract(al.data, '$.device.id'), '') AS device
      FROM audit a LEFT JOIN alarms al ON al.id = a.target
      WHERE a.${T} AND ${raiseOf('a.')} AND a.at >= ? AND a.at < ?${s.sql.replace('depot', 'a.depot')}
      GROUP BY a.target ORDER BY count DESC, a.target LIMIT 10`).all(q.from, q.to, ...s.args) as AlarmHealthFacts['top'][number][];
    const chatter = db.prepare(`SELECT CAST((at - ?) / ${DAY_MS} AS INTEGER) AS d, COUNT(DISTINCT target) AS n FROM audit
      WHERE ${T} AND json_extract(detail, '$.event') = 'chattering' AND at >= ? AND at < ?${s.sql} GROUP BY d`)
      .all(q.from, q.from, q.to, ...s.args) as { d: number; n: number }[];
    // SQLite takes the bare columns from the row that holds MAX(id): each alarm's last transition before `from`
    const baseline = db.prepare(`SELECT target AS alarm, MAX(id) AS id, at AS lastAt, json_extract(detail, '$.to') AS "to",
        (SELECT MAX(r.at) FROM audit r WHERE r.target = audit.target AND r.${T} AND ${raiseOf('r.')} AND r.at < ?) AS raisedAt
      FROM audit WHERE ${T} AND at < ?${s.sql} GROUP BY target`).all(q.from, q.from, ...s.args) as { alarm: string; lastAt: number; to: AlarmState; raisedAt: number | null }[];
    const transitions = db.prepare(`SELECT target AS alarm, at, json_extract(detail, '$.event') AS event, json_extract(detail, '$.to') AS "to"
      FROM audit WHERE ${T} AND at >= ? AND at < ?${s.sql} ORDER BY at, id`).all(q.from, q.to, ...s.args) as AlarmHealthFacts['transitions'][number][];
    return {
      per10Min: new Map(per10.map((r) => [r.i, r.n])),
      top,
      chatteringPerDay: new Map(chatter.map((r) => [r.d, r.n])),
      baseline: baseline.map((b) => ({ alarm: b.alarm, lastAt: b.lastAt, to: b.to, raisedAt: b.raisedAt })),
      transitions,
    };
  }
  return { facts };
}
export type AlarmHealthQueries = ReturnType<typeof createAlarmHealthQueries>;
