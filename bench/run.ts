import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envSchema } from '../server/src/settings.js';
import { startInfluxd } from '../tests/helpers/influxd.js';
import { PRODUCTION_MOSQUITTO_TUNING, startMosquitto } from '../tests/helpers/mosquitto.js';
import { Cleanup } from './cleanup.js';
import { GRACE_MS, SETTLE_MS, runLadder, type LadderDeps } from './ladder.js';
import { measureLatency } from './latency.js';
import { measureAlarmLatency } from './alarm-latency.js';
import { machineInfo, sourceRevision } from './machine.js';
import { parseOptions, UsageError, type BenchOptions, type SinkId } from './options.js';
import { firstPass } from './prime.js';
import { findPeers } from './peers.js';
import { profileServer } from './profile.js';
import { connectPublisher } from './publisher.js';
import { textReport, writeResults } from './report.js';
import { writeBenchSite } from './site.js';
import { bareSink } from './sinks/bare.js';
import { dwIngestSink, dwServerSink } from './sinks/depotwatch.js';
import { installNodeRed, nodeRedSink } from './sinks/nodered.js';
import type { Sink, SinkContext } from './sinks/types.js';
import { InfluxAdmin } from './stores.js';
import type { BenchResults } from './summary.js';

/**
 * `npm run bench`: DepotWatch's ingest beside the reference peers (../shared/bench/README.md), on one
 * private Mosquitto and one private InfluxDB, with the same load, sinks measured one after another.
 * Results go to the terminal and to bench/results/latest.{json,md} (latest-quick.* for --quick, so a
 * smoke run never replaces a full run's figures; -calm for --calm).
 */
const RESULTS_DIR = 'bench/results';
const PROFILE_RATE = 10_000;

async function bench(opts: BenchOptions, cleanup: Cleanup, res: BenchResults): Promise<void> {
  const peers = findPeers(opts.peersDir);
  const workDir = mkdtempSync(join(tmpdir(), 'depotwatch-bench-'));
  cleanup.add('remove the work directory', () => rmSync(workDir, { recursive: true, force: true }));
  const configDir = join(workDir, 'config');
  mkdirSync(configDir);
  writeBenchSite(configDir, { calm: opts.calm });

  // Installed before anything starts: a failed install is reported, not fatal (the peer is optional).
  let sinkIds = opts.sinks;
  if (sinkIds.some(isNodeRed)) {
    console.log('Installing the Node-RED peer into .bench-peers (first time only)…');
    const install = await installNodeRed(cleanup, peers);
    if (!install.ok) {
      console.error(`Node-RED unavailable: ${install.reason}`);
      for (const id of sinkIds.filter(isNodeRed)) res.unavailable.push({ sink: id, reason: install.reason });
      sinkIds = sinkIds.filter((id) => !isNodeRed(id));
    }
  }

  const mosquitto = await startMosquitto(opts.mosquittoDefaults ? {} : { extraConfig: PRODUCTION_MOSQUITTO_TUNING });
  cleanup.add('stop Mosquitto', () => mosquitto.stop());
  const influxd = await startInfluxd();
  cleanup.add('stop influxd', () => influxd.stop());
  const publisher = await connectPublisher(mosquitto.url, 'probe');
  cleanup.add('close the bench publisher', () => publisher.close());
  console.log(`Mosquitto ${mosquitto.url}, InfluxDB ${influxd.url}, work directory ${workDir}`);

  const ctx: SinkContext = { cleanup, peers, mqttUrl: mosquitto.url, mqttPort: mosquitto.port, influx: new InfluxAdmin(influxd.url), configDir, workDir };
  const deps: LadderDeps = { cleanup, peers, mqttUrl: mosquitto.url, publisher, rates: opts.rates, stepSec: opts.stepSec, idleSec: opts.idleSec, pubs: opts.pubs };
  const t0 = Date.now();
  const elapsed = () => `${Math.round((Date.now() - t0) / 1000)} s`;

  for (const id of sinkIds) {
    const sink = makeSink(ctx, id);
    for (const qos of opts.qos) {
      console.log(`\n▸ ${sink.label}, QoS ${qos} (${elapsed()} in)`);
      res.ladders.push(await runLadder(deps, sink, qos));
    }
  }

  if (sinkIds.includes('dw-influx')) {
    console.log(`\n▸ Latency, MQTT publish → Socket.IO client, DepotWatch server → InfluxDB (${elapsed()} in)`);
    const running = await dwServerSink(ctx, 'influx').start(0);
    try {
      const live = running.live;
      if (!live) throw new Error('the DepotWatch server sink has no live client');
      // steady state, as for the ladders: the alarm storm of first sight is not what a board sees every day
      await firstPass(deps, running);
      for (const rate of opts.latencyRates) {
        const r = await measureLatency({ cleanup, peers, mqttUrl: mosquitto.url, publisher, live, pubs: opts.pubs }, rate, opts.latencySec);
        res.latency.push(r);
        const d = r.latency;
        console.log(`  ${rate}/s background: ${r.probesSent} probes, ${r.lost} lost` +
          (d ? `, p50 ${d.p50.toFixed(1)} ms, p95 ${d.p95.toFixed(1)} ms, p99 ${d.p99.toFixed(1)} ms, max ${d.max.toFixed(1)} ms` : '') +
          (r.batchGapMs ? `; live:batch gaps p99 ${r.batchGapMs.p99.toFixed(0)} ms, max ${r.batchGapMs.max.toFixed(0)} ms` : ''));
      }
      for (const rate of opts.latencyRates) {
        const r = await measureAlarmLatency({ cleanup, peers, mqttUrl: mosquitto.url, publisher, live, pubs: opts.pubs }, rate, opts.latencySec);
        res.alarmLatency.push(r);
        const d = r.latency;
        console.log(`  alarms at ${rate}/s background: ${r.probesSent} probes, ${r.lost} lost` +
          (d ? `, p50 ${d.p50.toFixed(1)} ms, p95 ${d.p95.toFixed(1)} ms, p99 ${d.p99.toFixed(1)} ms, max ${d.max.toFixed(1)} ms` : ''));
      }
    } finally {
      await running.stop();
    }
  }

  if (opts.profile) {
    console.log(`\n▸ CPU profile of the DepotWatch server at ${PROFILE_RATE} msg/s (${elapsed()} in)`);
    res.profile = await profileServer(deps, dwServerSink(ctx, 'influx'), workDir, PROFILE_RATE, opts.stepSec);
  }
}

const isNodeRed = (id: SinkId) => id === 'nodered-batch' || id === 'nodered-permsg';

function makeSink(ctx: SinkContext, id: SinkId): Sink {
  switch (id) {
    case 'dw-influx': return dwServerSink(ctx, 'influx');
    case 'dw-sqlite': return dwServerSink(ctx, 'sqlite');
    case 'dw-ingest': return dwIngestSink(ctx);
    case 'bare': return bareSink(ctx);
    case 'nodered-batch': return nodeRedSink(ctx, 'batch');
    case 'nodered-permsg': return nodeRedSink(ctx, 'permsg');
  }
}

async function main(): Promise<void> {
  let opts: BenchOptions;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`bench: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const cleanup = new Cleanup();
  cleanup.onSignals();
  const started = Date.now();
  const res: BenchResults = {
    startedAt: new Date(started).toISOString(), durationSec: 0, quick: opts.quick, revision: sourceRevision(), machine: machineInfo(),
    method: { calm: opts.calm, rates: opts.rates, stepSec: opts.stepSec, pubs: opts.pubs, settleMs: SETTLE_MS, graceMs: GRACE_MS, liveTickMs: envSchema.shape.LIVE_TICK_MS.parse(undefined),
      mosquitto: opts.mosquittoDefaults ? 'stock limits (max_inflight_messages 20, max_queued_messages 1000)' : PRODUCTION_MOSQUITTO_TUNING.trim().split('\n').join(', ') },
    ladders: [], latency: [], alarmLatency: [], unavailable: [],
  };
  console.log(`DepotWatch bench${opts.quick ? ' (quick)' : ''} of ${res.revision}: sinks ${opts.sinks.join(', ')}; ${res.machine.nproc} cores, Node ${res.machine.node}`);
  try {
    await bench(opts, cleanup, res);
    res.durationSec = (Date.now() - started) / 1000;
    console.log(textReport(res));
    const files = writeResults(RESULTS_DIR, `latest${opts.quick ? '-quick' : ''}${opts.calm ? '-calm' : ''}`, res);
    console.log(`\nWrote ${files.json} and ${files.md}`);
  } catch (err) {
    if (cleanup.interrupted) return;
    res.durationSec = (Date.now() - started) / 1000;
    if (res.ladders.length > 0) console.log(`${textReport(res)}\n(partial: the run failed; nothing written to ${RESULTS_DIR})`);
    console.error(`\nbench failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  } finally {
    await cleanup.runAll();
  }
}

await main();
