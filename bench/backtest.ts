import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { SiteConfig } from '../config/schema.js';
import type { BacktestResponse } from '../server/src/contracts/backtest.js';
import type { TelemetryPoint } from '../server/src/contracts/telemetry.js';
import { smallSite } from '../tests/helpers/site.js';
import { startInfluxd, type RunningInfluxd } from '../tests/helpers/influxd.js';
import { startTestSystem, type TestSystem } from '../tests/helpers/system.js';
import { connectLiveClient, preciseNow, type LiveClient } from './live-client.js';
import { machineInfo, sourceRevision } from './machine.js';
import { distribution, type Distribution } from './stats.js';

/**
 * `npm run bench:backtest [-- --store influx|sqlite] [--runs N]`: the rule backtest (issue 8) over 30 days
 * of history at 10 s, for one sensor (259,200 readings) and for a whole depot of seven such sensors
 * (1,814,400), with the whole centre in this process (embedded broker, SQLite state, InfluxDB or SQLite
 * telemetry), so the event loop measured is the server's. Per run: the request's time, the history
 * reads' share of it (the answer's historyMs; absent before they were counted), the process's peak RSS
 * during the run (sampled every 20 ms; the replay threads are in this process), the event-loop delay
 * (perf_hooks.monitorEventLoopDelay, 10 ms resolution), the latency of a live reading published every
 * 200 ms on another depot (MQTT → live:batch on a Socket.IO client), and of one alarm raised there.
 * Writes bench/results/backtest-latest.{json,md} (InfluxDB) or backtest-latest-sqlite.{json,md}.
 */
const arg = (name: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : undefined; };
const storeKind = arg('store') === 'sqlite' ? 'sqlite' : 'influx';
const runs = Number(arg('runs') ?? 2);
const DAYS = 30;
const INTERVAL_S = 10;
const DEPOT_SENSORS = ['T1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** the test site, D1's store holding seven temperature sensors, D2's tank the probes' sensors and a limit without delay */
function site(): SiteConfig {
  const base = smallSite();
  const [d1, d2] = base.depots as [SiteConfig['depots'][number], SiteConfig['depots'][number]];
  const extra = DEPOT_SENSORS.slice(1).map((id) => ({ id, zone: 'A', kind: 'temperature' as const, intervalS: INTERVAL_S }));
  const probes = Array.from({ length: 2 * runs + 1 }, (_, i) => ({ id: `P${i + 1}`, zone: 'T', kind: 'temperature' as const, intervalS: INTERVAL_S }));
  return {
    ...base,
    rules: { ...base.rules, thresholds: [...base.rules.thresholds, { id: 'bench-probe', kind: 'temperature', zoneTypes: ['fuel_store'], high: 38, deadband: 0, onDelayS: 0, offDelayS: 0, severity: 'critical' }] },
    depots: [{ ...d1, sensors: [...d1.sensors, ...extra] }, { ...d2, sensors: [...d2.sensors, ...probes] }],
  };
}

/** 25 °C with a daily swing, and 31 °C for five minutes every afternoon */
const valueAt = (t: number, k: number) => {
  const inDay = (t / 1000) % 86_400;
  return inDay >= 50_400 + k * 60 && inDay < 50_700 + k * 60 ? 31 : 25 + 2 * Math.sin((2 * Math.PI * inDay) / 86_400 + k);
};

async function writeHistory(t: TestSystem, from: number, to: number): Promise<number> {
  let n = 0;
  let batch: TelemetryPoint[] = [];
  for (const [k, sensor] of DEPOT_SENSORS.entries()) {
    for (let ts = from; ts < to; ts += INTERVAL_S * 1000) {
      batch.push({ measurement: 'sensor', tags: { depot: 'D1', zone: 'A', sensor, kind: 'temperature' }, fields: { value: valueAt(ts, k) }, ts });
      if (batch.length === 5000) { await t.system.store.write(batch); n += batch.length; batch = []; }
    }
  }
  if (batch.length) { await t.system.store.write(batch); n += batch.length; }
  return n;
}

interface Run {
  name: string;
  sensors: number;
  status: number;
  readings: number;
  /** request to answer, at the client */
  timeMs: number;
  serverMs: number;
  /** reading history, summed over the sensors (null: the server does not say) */
  historyMs: number | null;
  historyShare: number | null;
  rssBeforeMb: number;
  rssPeakMb: number;
  eventLoop: { p50Ms: number; p99Ms: number; maxMs: number };
  liveReadingMs: Distribution | null;
  alarmMs: number | null;
  alarms: { current: number | null; proposed: number };
}

/** a live reading on D2/T1 every 200 ms, and once an alarm on a probe sensor, each timed until it is on the live feed */
function probeLive(t: TestSystem, live: LiveClient, alarmSensor: string | null) {
  const readings: number[] = [];
  const waiting = new Map<number, number>();
  let alarmAt: number | null = null;
  let alarmSent = 0;
  let n = 0;
  const off = live.onBatch((b, at) => {
    for (const s of b.sensors) {
      if (s.depot !== 'D2' || s.id !== 'T1' || s.value === null) continue;
      const sent = waiting.get(s.value);
      if (sent !== undefined) { readings.push(at - sent); waiting.delete(s.value); }
    }
    if (alarmSent && alarmAt === null && b.alarms?.some((a) => a.depot === 'D2' && a.device.id === alarmSensor && a.active)) alarmAt = at - alarmSent;
  });
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const v = 20 + (n++ % 1000) / 100;
      waiting.set(v, preciseNow());
      t.mqtt.publish('depots/D2/sensors/T1', JSON.stringify({ kind: 'temperature', value: v, unit: 'C' }), { qos: 0 });
      if (alarmSensor && n === 5) {
        alarmSent = preciseNow();
        t.mqtt.publish(`depots/D2/sensors/${alarmSensor}`, JSON.stringify({ kind: 'temperature', value: 40, unit: 'C' }), { qos: 0 });
      }
      await sleep(200);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    await sleep(300); // the last readings' batches
    off();
    return { readings: distribution(readings), alarmMs: alarmAt };
  };
}

async function measure(t: TestSystem, token: string, live: LiveClient, name: string, body: object, alarmSensor: string | null): Promise<Run> {
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const rssTimer = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage.rss()); }, 20);
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  const stopProbe = probeLive(t, live, alarmSensor);
  const t0 = performance.now();
  const r = await t.api<BacktestResponse & { message?: string }>('/api/rules/backtest', token, { method: 'POST', body: JSON.stringify(body) });
  const timeMs = performance.now() - t0;
  eld.disable();
  clearInterval(rssTimer);
  const probe = await stopProbe();
  if (r.status !== 200) console.error(`${name}: ${r.status} ${r.body.message ?? ''}`);
  if (alarmSensor && probe.alarmMs === null) {
    const seen = (await t.api<{ alarms: { device: { id: string }; state: string }[] }>('/api/alarms?depot=D2', token)).body;
    console.error(`${name}: the probe alarm on ${alarmSensor} was not seen live; the alarms API has ${JSON.stringify(seen.alarms?.filter((a) => a.device.id === alarmSensor).map((a) => a.state))}`);
  }
  const historyMs = typeof r.body.historyMs === 'number' ? r.body.historyMs : null;
  return {
    name, sensors: r.body.sensors?.length ?? 0, status: r.status, readings: r.body.samples ?? 0,
    timeMs: Math.round(timeMs), serverMs: r.body.elapsedMs ?? NaN,
    historyMs, historyShare: historyMs === null ? null : round(historyMs / r.body.elapsedMs, 2),
    rssBeforeMb: Math.round(rssBefore / 2 ** 20), rssPeakMb: Math.round(rssPeak / 2 ** 20),
    eventLoop: { p50Ms: round(eld.percentile(50) / 1e6), p99Ms: round(eld.percentile(99) / 1e6), maxMs: round(eld.max / 1e6) },
    liveReadingMs: probe.readings, alarmMs: probe.alarmMs === null ? null : round(probe.alarmMs),
    alarms: { current: r.body.current?.alarms ?? null, proposed: r.body.proposed?.alarms ?? 0 },
  };
}

const machine = machineInfo();
const revision = sourceRevision();
let influx: RunningInfluxd | undefined;
if (storeKind === 'influx') influx = await startInfluxd();
const t = await startTestSystem({ site: site(), ...(influx ? { env: { INFLUX_URL: influx.url } } : {}) });
try {
  const token = await t.login();
  const to = Math.floor(Date.now() / 60_000) * 60_000;
  const from = to - DAYS * 86_400_000;
  const w0 = performance.now();
  const written = await writeHistory(t, from, to);
  console.log(`wrote ${written} readings to ${storeKind} in ${Math.round((performance.now() - w0) / 1000)} s`);
  const live = await connectLiveClient(t.base, 'admin', 'test-admin-password');
  await sleep(1000);
  // idle: the same probes with no backtest running
  const idleEld = monitorEventLoopDelay({ resolution: 10 });
  idleEld.enable();
  const idleProbe = probeLive(t, live, 'P1');
  await sleep(5000);
  idleEld.disable();
  const idle = await idleProbe();
  const idleRun = { eventLoop: { p50Ms: round(idleEld.percentile(50) / 1e6), p99Ms: round(idleEld.percentile(99) / 1e6), maxMs: round(idleEld.max / 1e6) }, liveReadingMs: idle.readings, alarmMs: idle.alarmMs === null ? null : round(idle.alarmMs) };
  console.log(`idle: event loop p99 ${idleRun.eventLoop.p99Ms} ms, max ${idleRun.eventLoop.maxMs} ms; live reading p50 ${idle.readings?.p50.toFixed(0)} ms; alarm ${idleRun.alarmMs} ms`);

  const proposed = { type: 'threshold', rule: { id: 'ammo-temp-high', kind: 'temperature', zoneTypes: ['ammunition_store'], high: 28, deadband: 1, onDelayS: 60, offDelayS: 0, severity: 'major' } };
  const results: Run[] = [];
  let probe = 2;
  for (let i = 0; i < runs; i++) {
    for (const [name, body] of [
      ['one sensor, 30 days', { depot: 'D1', sensor: 'T1', proposed, days: DAYS, to }],
      [`whole depot (${DEPOT_SENSORS.length} sensors), 30 days`, { depot: 'D1', proposed, days: DAYS, to }],
    ] as const) {
      const r = await measure(t, token, live, name, body, `P${probe++}`);
      results.push(r);
      console.log(`${name}: ${r.status}, ${r.readings} readings in ${r.timeMs} ms (server ${r.serverMs} ms, history ${r.historyMs ?? '?'} ms), RSS ${r.rssBeforeMb} → peak ${r.rssPeakMb} MB, event loop p99 ${r.eventLoop.p99Ms} ms max ${r.eventLoop.maxMs} ms, live reading p50 ${r.liveReadingMs?.p50.toFixed(0)} max ${r.liveReadingMs?.max.toFixed(0)} ms, alarm ${r.alarmMs} ms; alarms ${r.alarms.current} → ${r.alarms.proposed}`);
      await sleep(1000);
    }
  }
  live.close();
  const loadAfter = +(loadavg()[0] ?? 0).toFixed(2);
  const out = { at: new Date().toISOString(), revision, store: storeKind, machine, loadAvgAtEnd: loadAfter, days: DAYS, intervalS: INTERVAL_S, idle: idleRun, runs: results };
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = storeKind === 'influx' ? 'backtest-latest' : 'backtest-latest-sqlite';
  writeFileSync(join(dir, `${file}.json`), `${JSON.stringify(out, null, 2)}\n`);
  const f = (x: number | null | undefined, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(d));
  const md = [
    `# Rule backtest: 30 days at 10 s, ${storeKind === 'influx' ? 'InfluxDB' : 'SQLite'} telemetry (${out.at})`,
    '',
    `${revision}; ${machine.nproc} cores (${machine.cpuModel}), Node ${machine.node}; load average ${machine.loadAvgAtStart} at start, ${loadAfter} at end (a shared machine: figures vary).`,
    '',
    '| run | readings | time | server | history reads (share) | RSS before → peak | event-loop delay p99 / max | live reading p50 / max | alarm raised | alarms current → proposed |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| idle (no backtest, 5 s) | | | | | | ${f(idleRun.eventLoop.p99Ms, 1)} / ${f(idleRun.eventLoop.maxMs, 1)} ms | ${f(idle.readings?.p50)} / ${f(idle.readings?.max)} ms | ${f(idleRun.alarmMs)} ms | |`,
    ...results.map((r) => `| ${r.name}${r.status === 200 ? '' : ` (${r.status})`} | ${r.readings} | ${f(r.timeMs / 1000, 1)} s | ${f(r.serverMs / 1000, 1)} s | ${r.historyMs === null ? '–' : `${f(r.historyMs / 1000, 1)} s (${f((r.historyShare ?? 0) * 100)} %)`} | ${r.rssBeforeMb} → ${r.rssPeakMb} MB | ${f(r.eventLoop.p99Ms, 1)} / ${f(r.eventLoop.maxMs, 1)} ms | ${f(r.liveReadingMs?.p50)} / ${f(r.liveReadingMs?.max)} ms | ${f(r.alarmMs)} ms | ${r.alarms.current ?? '–'} → ${r.alarms.proposed} |`),
    '',
    'History reads are summed over the sensors and overlap the replays, which run on worker threads; the live probes publish on another depot over MQTT and time the reading (and one alarm) until it is on a Socket.IO client.',
    '',
  ].join('\n');
  writeFileSync(join(dir, `${file}.md`), md);
  console.log(md);
} finally {
  await t.stop();
  await influx?.stop();
}
process.exit(0);
