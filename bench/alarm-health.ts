/**
 * The alarm-health queries over a large audit log: `npx tsx bench/alarm-health.ts [records] [days of history before the window]`.
 * Seeds N alarm transitions (default 100,000) over the 14 days and the history before them (default 2 days), 20 depots, 400 alarms, in a temporary
 * state database, then times facts() + aggregateAlarmHealth for the whole site and for one depot.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAlarmHealthQueries } from '../server/src/adapters/sqlite/alarm-health-queries.js';
import { createSqliteAlarmStore } from '../server/src/adapters/sqlite/alarm-store.js';
import { openStateDb } from '../server/src/adapters/sqlite/state-db.js';
import { aggregateAlarmHealth, DAY_MS, windowStart } from '../server/src/domain/alarm-health.js';
import type { AuditInput } from '../server/src/ports/alarm-store.js';

const n = Number(process.argv[2] ?? 100_000);
const historyDays = Number(process.argv[3] ?? 2);
const dir = mkdtempSync(join(tmpdir(), 'dw-bench-health-'));
const db = openStateDb(join(dir, 'state.db'));
db.pragma('synchronous = OFF');
const store = createSqliteAlarmStore(db);
const now = Date.UTC(2026, 11, 2, 5);
const from = windowStart(now, 14, 420);
let seed = 1;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const events: [string, string][] = [['raised', 'unack'], ['acknowledged', 'acked'], ['cleared', 'normal'], ['reraised', 'unack'], ['shelved', 'shelved'], ['out_of_service', 'out_of_service']];
const t0 = performance.now();
for (let done = 0; done < n; done += 5000) {
  const batch: AuditInput[] = [];
  for (let i = done; i < Math.min(n, done + 5000); i++) {
    const depot = `D${Math.floor(rnd() * 20)}`;
    const [event, to] = events[Math.floor(rnd() * (rnd() < 0.9 ? 4 : 6))] ?? ['raised', 'unack'];
    batch.push({ at: from - historyDays * DAY_MS + Math.floor((i / n) * (historyDays + 14) * DAY_MS), actor: 'system', action: 'alarm.transition', target: `${depot}/rule${Math.floor(rnd() * 20)}:S1`, depot, note: null, detail: { event, from: 'x', to, incident: null } });
  }
  store.commit({ audit: batch });
}
const seeded = performance.now() - t0;
const q = createAlarmHealthQueries(db);
const time = (depots: readonly string[] | null) => {
  // wall time, and this process's CPU time: on a shared machine the second says what the query costs
  const runs: number[] = [];
  const cpu: number[] = [];
  for (let k = 0; k < 5; k++) {
    const s = performance.now();
    const c = process.cpuUsage();
    aggregateAlarmHealth(q.facts({ from, to: now, days: 14, depots }), { from, now, days: 14, operators: 1, utcOffsetMin: 420 });
    const used = process.cpuUsage(c);
    runs.push(performance.now() - s);
    cpu.push((used.user + used.system) / 1000);
  }
  runs.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { wallMedian: runs[2]?.toFixed(0), wallMin: runs[0]?.toFixed(0), wallMax: runs[4]?.toFixed(0), cpuMedian: cpu[2]?.toFixed(0) };
};
process.stdout.write(`${n} transitions over ${historyDays} + 14 days seeded in ${(seeded / 1000).toFixed(1)} s\n`);
process.stdout.write(`whole site, 14 days (ms): ${JSON.stringify(time(null))}\n`);
process.stdout.write(`one depot, 14 days (ms): ${JSON.stringify(time(['D3']))}\n`);
db.close();
rmSync(dir, { recursive: true, force: true });
