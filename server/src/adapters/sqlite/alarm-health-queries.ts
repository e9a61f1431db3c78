import {
  CHATTER_ACTIVATIONS, CHATTER_WINDOW_MS, DAY_MS, dayEnds, STALE_MS, TEN_MIN_MS, type AlarmHealthFacts, type StandingCounts,
} from '../../domain/alarm-health.js';
import type { StateDb } from './state-db.js';

/**
 * Read-only queries for alarm-system health over the audit log, where every alarm transition is
 * written in the same transaction as the alarm itself (action `alarm.transition`, detail
 * `{event, from, to}`): the log is complete, and survives alarms that were since deleted. Every
 * figure is counted in SQL (grouped by 10-minute interval or by day); no query returns the rows.
 */
export function createAlarmHealthQueries(db: StateDb) {
  const T = `action = 'alarm.transition'`;
  const scope = (depots: readonly string[] | null, col = 'depot') =>
    (depots === null ? { sql: '', args: [] as string[] } : { sql: ` AND ${col} IN (${depots.map(() => '?').join(',') || "''"})`, args: [...depots] });
  const raiseOf = (t: string) => `json_extract(${t}detail, '$.event') IN ('raised', 'reraised')`;

  /** everything aggregateAlarmHealth needs over [from, to) in `days` days, in the given depots (null = all) */
  function facts(q: { from: number; to: number; days: number; depots: readonly string[] | null }): AlarmHealthFacts {
    const s = scope(q.depots);
    const per10 = db.prepare(`SELECT CAST((at - ?) / ${TEN_MIN_MS} AS INTEGER) AS i, COUNT(*) AS n FROM audit WHERE ${T} AND ${raiseOf('')} AND at >= ? AND at < ?${s.sql} GROUP BY i`)
      .all(q.from, q.from, q.to, ...s.args) as { i: number; n: number }[];
    const top = db.prepare(`SELECT a.target AS alarm, a.depot AS depot, COUNT(*) AS count,
        COALESCE(json_extract(al.data, '$.code'), '') AS code, COALESCE(json_extract(al.data, '$.device.id'), '') AS device
      FROM audit a LEFT JOIN alarms al ON al.id = a.target
      WHERE a.${T} AND ${raiseOf('a.')} AND a.at >= ? AND a.at < ?${scope(q.depots, 'a.depot').sql}
      GROUP BY a.target ORDER BY count DESC, a.target LIMIT 10`).all(q.from, q.to, ...s.args) as Omit<AlarmHealthFacts['top'][number], 'perDay'>[];
    const topDaily = top.length === 0 ? [] : db.prepare(`SELECT target, CAST((at - ?) / ${DAY_MS} AS INTEGER) AS d, COUNT(*) AS n FROM audit
      WHERE ${T} AND ${raiseOf('')} AND at >= ? AND at < ? AND target IN (${top.map(() => '?').join(',')}) GROUP BY target, d`)
      .all(q.from, q.from, q.to, ...top.map((t) => t.alarm)) as { target: string; d: number; n: number }[];

    // chattering: marked so by the engine, or CHATTER_ACTIVATIONS raises within CHATTER_WINDOW_MS (the
    // raise CHATTER_ACTIVATIONS - 1 before this one is at most that long ago); one row per alarm and day
    const chatter = db.prepare(`SELECT DISTINCT target, CAST((at - ?) / ${DAY_MS} AS INTEGER) AS d FROM (
        SELECT target, at FROM (
          SELECT target, at, LAG(at, ${CHATTER_ACTIVATIONS - 1}) OVER (PARTITION BY target ORDER BY at, id) AS earlier
          FROM audit WHERE ${T} AND ${raiseOf('')} AND at >= ? AND at < ?${s.sql}
        ) WHERE at - earlier <= ${CHATTER_WINDOW_MS}
        UNION ALL
        SELECT target, at FROM audit WHERE ${T} AND json_extract(detail, '$.event') = 'chattering' AND at >= ? AND at < ?${s.sql}
      )`).all(q.from, q.from, q.to, ...s.args, q.from, q.to, ...s.args) as { target: string; d: number }[];
    const chatteringPerDay = new Map<number, number>();
    for (const c of chatter) chatteringPerDay.set(c.d, (chatteringPerDay.get(c.d) ?? 0) + 1);

    // What stood at each day's end. Each alarm's state then is that of its last transition before the
    // end; its last raise so far says how long it has stood. One GROUP BY reduces the log to each alarm's
    // last transition (and last raise) per day; the day ends then meet those few rows, not the log: an
    // alarm's row counts for every day end from its day until the day of its next row. `base` is a
    // midnight at or before 1970, so that the division (bound numbers are REAL) truncates every timestamp
    // down to its day.
    const base = q.from - Math.ceil(q.from / DAY_MS) * DAY_MS;
    const firstDay = Math.round((q.from - base) / DAY_MS);
    const ends = dayEnds(q.from, q.to, q.days).map((e, d) => ({ d, dd: firstDay + d, e }));
    //
    // Bounded by the window (issue: it used to read the whole log before `to`): what an alarm carries into
    // the window is its last transition (and last raise) before `from`, looked up per alarm on the index
    // audit_alarm_target. Only alarms that could stand at `from` are looked up: one not normal at `from`
    // is either still not normal now (the alarms table) or has a transition since `from`.
    const standing = db.prepare(`WITH ends AS (
        SELECT json_extract(value, '$.d') AS d, json_extract(value, '$.dd') AS dd, json_extract(value, '$.e') AS e FROM json_each(?)
      ),
      cand AS MATERIALIZED (
        SELECT DISTINCT target FROM audit WHERE ${T} AND at >= ?${s.sql}
        UNION SELECT id AS target FROM alarms WHERE state <> 'normal'${s.sql}
      ),
      carry AS MATERIALIZED (
        SELECT target, ${firstDay - 1} AS dd,
          (SELECT MAX(id) FROM audit WHERE ${T} AND target = cand.target AND at < ?) AS last_id,
          (SELECT MAX(at) FROM audit WHERE ${T} AND target = cand.target AND at < ? AND ${raiseOf('')}) AS rat
        FROM cand
      ),
      daily AS MATERIALIZED (
        SELECT target, dd, last_id, rat FROM carry WHERE last_id IS NOT NULL
        UNION ALL
        SELECT target, CAST((at - ?) / ${DAY_MS} AS INTEGER) AS dd, MAX(id) AS last_id, MAX(CASE WHEN ${raiseOf('')} THEN at END) AS rat
        FROM audit WHERE ${T} AND at >= ? AND at < ?${s.sql} GROUP BY target, dd
      ),
      rows AS MATERIALIZED (
        SELECT daily.dd AS dd, a.at AS at, json_extract(a.detail, '$.to') AS st, LEAD(daily.dd) OVER w AS next_dd, MAX(daily.rat) OVER w AS raised_at
        FROM daily JOIN audit a ON a.id = daily.last_id
        WINDOW w AS (PARTITION BY daily.target ORDER BY daily.dd)
      )
      SELECT ends.d AS d,
        SUM(st IN ('unack', 'acked') AND ends.e - rows.at > ${STALE_MS}) AS stale,
        SUM(st IN ('unack', 'acked') AND raised_at IS NOT NULL AND ends.e - raised_at > ${STALE_MS}) AS standing,
        SUM(st = 'shelved') AS shelved, SUM(st = 'out_of_service') AS outOfService
      FROM ends JOIN rows ON rows.dd <= ends.dd AND (rows.next_dd IS NULL OR rows.next_dd > ends.dd)
      GROUP BY ends.d`).all(JSON.stringify(ends), q.from, ...s.args, ...s.args, q.from, q.from, base, q.from, q.to, ...s.args) as (StandingCounts & { d: number })[];

    return {
      per10Min: new Map(per10.map((r) => [r.i, r.n])),
      top: top.map((t) => ({ ...t, perDay: new Map(topDaily.filter((r) => r.target === t.alarm).map((r) => [r.d, r.n])) })),
      chatteringPerDay,
      chattering: new Set(chatter.map((c) => c.target)).size,
      standingPerDay: new Map(standing.map(({ d, ...c }) => [d, c])),
    };
  }
  return { facts };
}
export type AlarmHealthQueries = ReturnType<typeof createAlarmHealthQueries>;
