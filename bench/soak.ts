import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAckedLoad, type SeriesRef } from '../tests/helpers/acked-load.js';
import { startInfluxd } from '../tests/helpers/influxd.js';
import { PRODUCTION_MOSQUITTO_TUNING, startMosquitto } from '../tests/helpers/mosquitto.js';
import { freePort } from '../tests/helpers/ports.js';
import { startServerProcess, type ServerProcess } from '../tests/helpers/server-process.js';
import { SERIES, seriesMessage, writeBenchSite } from './site.js';
import { InfluxAdmin } from './stores.js';

/**
 * `npm run soak -- --outage-min 30`: an InfluxDB outage under QoS 1 load, the DepotWatch server killed
 * with SIGKILL halfway through it, then InfluxDB back. Reports what was published, acknowledged by the
 * broker, stored, and lost (acknowledged but not stored: must be 0), with the on-disk queue's size.
 *
 *   --outage-min N   minutes InfluxDB is down (default 30)
 *   --rate R         msg/s, QoS 1 (default 2000)
 *   --no-kill        no kill -9 of the server in the middle of the outage
 *   --warm-sec S     load before the outage (default 20); the load goes on 30 s after it
 * Writes bench/results/soak-latest.json and .md.
 */
interface SoakOptions { outageMin: number; rate: number; kill: boolean; warmSec: number }

function parse(argv: readonly string[]): SoakOptions {
  const o: SoakOptions = { outageMin: 30, rate: 2000, kill: true, warmSec: 20 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (name: string) => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number`);
      return v;
    };
    if (a === '--outage-min') o.outageMin = num(a);
    else if (a === '--rate') o.rate = num(a);
    else if (a === '--warm-sec') o.warmSec = num(a);
    else if (a === '--no-kill') o.kill = false;
    else throw new Error(`unknown argument "${a}" (known: --outage-min N, --rate R, --no-kill, --warm-sec S)`);
  }
  return o;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DB = 'soak';

interface Sample { atSec: number; queuePoints: number; queueBytes: number; fileBytes: number; rssMb: number; dropped: number; received: number; redelivered: number; connections: number }

async function metric(base: string, name: string): Promise<number> {
  const text = await fetch(`${base}/metrics`).then((r) => r.text(), () => '');
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return sum;
}

function fileBytes(dataDir: string): number {
  let n = 0;
  for (const f of ['telemetry-queue.db', 'telemetry-queue.db-wal']) {
    try { n += statSync(join(dataDir, f)).size; } catch { /* not there */ }
  }
  return n;
}

function rssMb(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Math.round(Number(m?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const opts = parse(process.argv.slice(2));
  const work = mkdtempSync(join(tmpdir(), 'depotwatch-soak-'));
  const configDir = join(work, 'config');
  const dataDir = join(work, 'data');
  mkdirSync(configDir);
  writeBenchSite(configDir, { calm: true });
  const broker = await startMosquitto({ extraConfig: PRODUCTION_MOSQUITTO_TUNING });
  const influx = await startInfluxd();
  let server: ServerProcess | undefined;
  try {
    const admin = new InfluxAdmin(influx.url);
    await admin.createDatabase(DB);
    const port = await freePort();
    const env = {
      MQTT_URL: broker.url, INFLUX_URL: influx.url, INFLUX_DB: DB, CONFIG_DIR: configDir, DATA_DIR: dataDir,
      WEB_DIR: join(work, 'no-web'), ADMIN_PASSWORD: 'soak-admin-password', SIMULATE: '0', LOG_LEVEL: 'warn',
    };
    server = await startServerProcess(env, port);
    const base = server.base;
    const series: SeriesRef[] = Array.from({ length: SERIES }, (_, s) => ({ topic: seriesMessage(s, 0).topic, payload: (ts) => seriesMessage(s, ts).payload }));
    const t0 = Date.now();
    const load = await startAckedLoad(broker.url, { rate: opts.rate, series });
    const samples: Sample[] = [];
    const sample = async () => {
      if (!server) return;
      samples.push({
        atSec: Math.round((Date.now() - t0) / 1000),
        queuePoints: await metric(base, 'depotwatch_telemetry_queue_points'),
        queueBytes: await metric(base, 'depotwatch_telemetry_queue_bytes'),
        fileBytes: fileBytes(dataDir),
        rssMb: rssMb(server.child.pid),
        dropped: await metric(base, 'depotwatch_telemetry_points_dropped_total'),
        received: await metric(base, 'depotwatch_ingest_messages_total'),
        redelivered: await metric(base, 'depotwatch_ingest_redelivered_total'),
        connections: await metric(base, 'depotwatch_mqtt_connections_total'),
      });
      const s = samples.at(-1);
      console.log(`t=${s?.atSec}s published=${load.published()} acked=${load.acked()} queue=${s?.queuePoints} points ${s?.queueBytes} B (file ${s?.fileBytes} B) rss=${s?.rssMb} MB dropped=${s?.dropped} | this process: received=${s?.received} redelivered=${s?.redelivered} connections=${s?.connections}`);
    };
    await sleep(opts.warmSec * 1000);
    await influx.kill();
    const outageStart = Date.now();
    console.log(`InfluxDB down for ${opts.outageMin} min at ${opts.rate} msg/s QoS 1${opts.kill ? ', the server killed with SIGKILL halfway' : ''}`);
    const outageMs = opts.outageMin * 60_000;
    let killed = false;
    while (Date.now() - outageStart < outageMs) {
      await sleep(Math.min(10_000, outageMs - (Date.now() - outageStart)));
      if (opts.kill && !killed && Date.now() - outageStart >= outageMs / 2) {
        await sample();
        await server.kill9();
        // /healthz: the store is still down, so /readyz would stay 503
        server = await startServerProcess(env, port, { readyPath: '/healthz' });
        killed = true;
        console.log('server killed (SIGKILL) and restarted');
      }
      await sample();
    }
    await influx.restart();
    const restored = Date.now();
    console.log('InfluxDB back');
    await sleep(30_000);
    const result = await load.stop();
    const counter = admin.counter(DB);
    let stored = 0;
    let lastChange = Date.now();
    // the backlog drains while the live load goes on; give up after 2 minutes without progress
    for (;;) {
      const n = await counter.count(result.fromMs, result.toMs);
      if (n !== stored) { stored = n; lastChange = Date.now(); }
      if (stored >= result.acked && (await metric(base, 'depotwatch_telemetry_queue_points')) === 0) break;
      if (Date.now() - lastChange > 120_000) break;
      await sleep(2000);
    }
    const drainedSec = Math.round((Date.now() - restored) / 1000);
    await sample();
    const peak = samples.reduce((p, s) => (s.queuePoints > p.queuePoints ? s : p), samples[0] ?? { queuePoints: 0, queueBytes: 0, fileBytes: 0, rssMb: 0, atSec: 0, dropped: 0, received: 0, redelivered: 0, connections: 0 });
    const report = {
      at: new Date().toISOString(), ...opts,
      published: result.published, acked: result.acked, stored, lost: Math.max(0, result.acked - stored),
      extra: Math.max(0, stored - result.acked),
      droppedCounted: samples.at(-1)?.dropped ?? 0,
      peakQueuePoints: peak.queuePoints, peakQueueBytes: peak.queueBytes, peakQueueFileBytes: Math.max(...samples.map((s) => s.fileBytes)),
      jsonBytesPerPoint: peak.queuePoints ? +(peak.queueBytes / peak.queuePoints).toFixed(1) : 0,
      fileBytesPerPoint: peak.queuePoints ? +(Math.max(...samples.map((s) => s.fileBytes)) / peak.queuePoints).toFixed(1) : 0,
      peakRssMb: Math.max(...samples.map((s) => s.rssMb)),
      backlogDrainedSecAfterRestore: drainedSec,
      mosquitto: PRODUCTION_MOSQUITTO_TUNING.trim().split('\n'),
    };
    console.log(JSON.stringify(report, null, 2));
    for (const m of ['depotwatch_ingest_messages_total', 'depotwatch_ingest_redelivered_total', 'depotwatch_mqtt_connections_total', 'depotwatch_ingest_rejected_total', 'depotwatch_telemetry_points_written_total', 'depotwatch_telemetry_points_failed_total', 'depotwatch_telemetry_write_retries_total']) {
      console.log(`${m} (this server process) = ${await metric(base, m)}`);
    }
    console.log(`--- server output (tail) ---\n${server.output().slice(-3000)}`);
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/soak-latest.json', `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync('bench/results/soak-latest.md', [
      `# Soak: InfluxDB down ${opts.outageMin} min at ${opts.rate} msg/s QoS 1${opts.kill ? ', server kill -9 halfway' : ''} (${report.at})`, '',
      '| published | broker-acknowledged | stored | lost | dropped (counted) | peak queue | queue JSON B/point | queue file B/point | peak RSS | drained after restore |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      `| ${report.published} | ${report.acked} | ${report.stored} | ${report.lost} | ${report.droppedCounted} | ${report.peakQueuePoints} points, ${(report.peakQueueBytes / 1e6).toFixed(0)} MB | ${report.jsonBytesPerPoint} | ${report.fileBytesPerPoint} | ${report.peakRssMb} MB | ${drainedSec} s |`, '',
    ].join('\n'));
    if (report.lost > 0) process.exitCode = 1;
  } finally {
    await server?.stop();
    await influx.stop();
    await broker.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
