import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlarmHealthQueries } from '../../server/src/adapters/sqlite/alarm-health-queries.js';
import { createSqliteAlarmStore } from '../../server/src/adapters/sqlite/alarm-store.js';
import { openStateDb, type StateDb } from '../../server/src/adapters/sqlite/state-db.js';
import { aggregateAlarmHealth, windowStart } from '../../server/src/domain/alarm-health.js';
import type { AuditInput } from '../../server/src/ports/alarm-store.js';

/*
 * A hand-computed history over two UTC days, in a real state database (the audit log is where the
 * queries read). FROM = day 0 00:00, NOW = day 1 12:00: 144 + 72 = 216 ten-minute intervals.
 *   before FROM  C (depot D2) raised at -48 h, acknowledged at -36 h: standing and stale ever since
 *   day 0        A (D1) reraised 12 times in the first 10 minutes (00:00:00 … 00:01:50) and marked chattering
 *                B (D1) raised at 01:00, shelved at 02:00
 *   day 1        A acknowledged at 00:05; C taken out of service at 01:00
 * Day 0: 13 raises, avg 13/144 = 0.09, peak 12, flood 1/144 = 0.69 %, chattering 1; at its end A was
 *   last changed 24 h − 110 s ago (neither stale nor standing), B shelved, C stale and standing.
 * Day 1: no raises; at NOW A is acked and raised 36 h − 110 s ago (standing, not stale: changed 11 h 55 m
 *   ago), B shelved, C out of service.
 * Window: 13 raises over 216 intervals = 0.06, flood 1/216 = 0.46 %; top A 12 (92.31 %), B 1 (7.69 %).
 */
const H = 3_600_000;
const FROM = Date.UTC(2026, 10, 20);
const NOW = FROM + 36 * H;
const t = (at: number, alarm: string, depot: string, event: string, to: string): AuditInput =>
  ({ at, actor: 'system', action: 'alarm.transition', target: alarm, depot, note: null, detail: { event, from: 'x', to, incident: null } });

let dir: string;
let db: StateDb;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dw-alarm-health-'));
  db = openStateDb(join(dir, 'state.db'));
  const A = 'D1/high:T1', B = 'D1/door:DR1', C = 'D2/smoke:SM1';
  const audit: AuditInput[] = [
    t(FROM - 48 * H, C, 'D2', 'raised', 'unack'), t(FROM - 36 * H, C, 'D2', 'acknowledged', 'acked'),
    ...Array.from({ length: 12 }, (_, k) => t(FROM + k * 10_000, A, 'D1', 'reraised', 'unack')),
    t(FROM + 60_000, A, 'D1', 'chattering', 'unack'),
    t(FROM + H, B, 'D1', 'raised', 'unack'), t(FROM + 2 * H, B, 'D1', 'shelved', 'shelved'),
    t(FROM + 24 * H + 300_000, A, 'D1', 'acknowledged', 'acked'), t(FROM + 25 * H, C, 'D2', 'out_of_service', 'out_of_service'),
    // not a transition, and after NOW: both ignored
    { at: FROM + H, actor: 'officer', action: 'incident.note', target: 'INC-000001', depot: 'D1', note: 'x', detail: null },
    t(NOW + H, A, 'D1', 'raised', 'unack'),
  ];
  createSqliteAlarmStore(db).commit({ audit });
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const report = (depots: readonly string[] | null) =>
  aggregateAlarmHealth(createAlarmHealthQueries(db).facts({ from: FROM, to: NOW, days: 2, depots }), { from: FROM, now: NOW, days: 2, operators: 1, utcOffsetMin: 0 });

describe('alarm health over the audit log', () => {
  it('the window starts at local midnight, days − 1 before today', () => {
    expect(windowStart(NOW, 2, 0)).toBe(FROM);
    expect(windowStart(NOW, 2, 420)).toBe(FROM - 7 * H);
  });

  it('per day: rates, flood, chattering and what stands at the end of the day', () => {
    const r = report(null);
    expect(r.daily).toEqual([
      { day: '2026-11-20', from: FROM, raises: 13, avgPer10Min: 0.09, peakPer10Min: 12, floodPercent: 0.69, chattering: 1, stale: 1, standing: 1, shelved: 1, outOfService: 0 },
      { day: '2026-11-21', from: FROM + 24 * H, raises: 0, avgPer10Min: 0, peakPer10Min: 0, floodPercent: 0, chattering: 0, stale: 0, standing: 1, shelved: 1, outOfService: 1 },
    ]);
  });

  it('over the window: totals, the most frequent alarms and their share', () => {
    const r = report(null);
    expect(r.summary).toEqual({ raises: 13, avgPer10Min: 0.06, peakPer10Min: 12, floodPercent: 0.46, chattering: 1, top10SharePercent: 100, stale: 0, standing: 1, shelved: 1, outOfService: 1 });
    expect(r.top.map((x) => [x.alarm, x.depot, x.count, x.sharePercent])).toEqual([['D1/high:T1', 'D1', 12, 92.31], ['D1/door:DR1', 'D1', 1, 7.69]]);
    expect(r.targets.floodPercentMax).toBe(1);
  });

  it('two operators share the load: the rate halves and 12 in 10 minutes is no longer a flood', () => {
    const r = aggregateAlarmHealth(createAlarmHealthQueries(db).facts({ from: FROM, to: NOW, days: 2, depots: null }), { from: FROM, now: NOW, days: 2, operators: 2, utcOffsetMin: 0 });
    expect(r.daily[0]).toMatchObject({ peakPer10Min: 6, floodPercent: 0 });
    expect(r.summary.avgPer10Min).toBe(0.03);
  });

  it('a scope of depots sees only its alarms', () => {
    const r = report(['D2']);
    expect(r.summary).toMatchObject({ raises: 0, chattering: 0, outOfService: 1, standing: 0 });
    expect(r.daily[0]).toMatchObject({ stale: 1, standing: 1 });
    expect(r.top).toEqual([]);
    expect(report([]).summary).toMatchObject({ raises: 0, outOfService: 0 });
  });
});

/*
 * Chattering without the engine's mark, and the top alarms' daily trend, over three days:
 *   E raised 3 times within 60 s on day 0 (00:00:00, 00:00:30, 00:01:00): chattering on day 0
 *   F raised 3 times within 61 s on day 1 (00:00:00, 00:00:31, 00:01:01): not chattering
 *   E raised once more on day 2; F raised at 12:00 on day 2: F's last three are far apart
 */
describe('alarm health: chattering by rate, and the trend of the most frequent alarms', () => {
  let dir2: string;
  let db2: StateDb;
  const E = 'D1/door:DR1', F = 'D1/high:T1';
  const DAY = 24 * H;
  beforeAll(() => {
    dir2 = mkdtempSync(join(tmpdir(), 'dw-alarm-health-2-'));
    db2 = openStateDb(join(dir2, 'state.db'));
    createSqliteAlarmStore(db2).commit({ audit: [
      t(FROM, E, 'D1', 'raised', 'unack'), t(FROM + 30_000, E, 'D1', 'reraised', 'unack'), t(FROM + 60_000, E, 'D1', 'reraised', 'unack'),
      t(FROM + DAY, F, 'D1', 'raised', 'unack'), t(FROM + DAY + 31_000, F, 'D1', 'reraised', 'unack'), t(FROM + DAY + 61_000, F, 'D1', 'reraised', 'unack'),
      t(FROM + 2 * DAY + H, E, 'D1', 'reraised', 'unack'), t(FROM + 2 * DAY + 12 * H, F, 'D1', 'reraised', 'unack'),
    ] });
  });
  afterAll(() => {
    db2.close();
    rmSync(dir2, { recursive: true, force: true });
  });

  it('three activations within a minute chatter; three within 61 s do not', () => {
    const now = FROM + 2 * DAY + 13 * H;
    const r = aggregateAlarmHealth(createAlarmHealthQueries(db2).facts({ from: FROM, to: now, days: 3, depots: null }), { from: FROM, now, days: 3, operators: 1, utcOffsetMin: 0 });
    expect(r.daily.map((d) => d.chattering)).toEqual([1, 0, 0]);
    expect(r.summary.chattering).toBe(1);
    expect(r.top.map((x) => [x.alarm, x.count, x.daily])).toEqual([[E, 4, [3, 0, 1]], [F, 4, [0, 3, 1]]]);
    // day 0 ends 24 h − 60 s after E's last raise: neither stale nor standing; day 1 ends 48 h − 60 s after
    // it: both; by now E and F were raised again within 12 h: neither
    expect(r.daily.map((d) => [d.stale, d.standing])).toEqual([[0, 0], [1, 1], [0, 0]]);
  });
});
