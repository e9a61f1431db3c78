import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { edgeConfigSchema } from '../collectors/src/edge/config-schema.js';
import { batchLimitsFor, liveMessage, planBatches } from '../collectors/src/edge/link/wire.js';
import type { EdgeReading } from '../collectors/src/edge/reading.js';
import { openSpool } from '../collectors/src/edge/spool/spool.js';
import { silentLogger } from '../lib/logger.js';
import { spawnEdge, type EdgeProcess } from '../tests/helpers/edge-process.js';
import { startMosquitto } from '../tests/helpers/mosquitto.js';
import { createLinkNamespace, netnsUnavailable } from '../tests/helpers/netns.js';
import { startTcpProxy } from '../tests/helpers/tcp-proxy.js';

/**
 * `npm run bench:edge`: the edge link (issue 7, item 7).
 *  1. bytes per reading, single messages vs the replay's batches: computed from the exact MQTT packet sizes of
 *     a 6-hour backlog written into a real spool, and measured (TCP payload bytes through a proxy) on a slice;
 *  2. how long a depot cut off for 6 hours needs to catch up over 64 kbit/s: computed from those bytes and the
 *     token bucket's rate, and checked against a real replay of a slice over a tc tbf 64 kbit/s veth link;
 *  3. the live latency of a door alarm (edge submit → MQTT delivery at the centre's broker) during that replay,
 *     beside the same depot with an empty spool and beside a bare publisher without a spool.
 * Parts 1b–3 need root (a network namespace); without it they are skipped and said so.
 */

const DEPOT = 'K101';
const HOURS = 6;
const BACKFILL_KBPS = 32;
const LINK_KBIT = 64;
/** the replay measured on the real link: this many minutes of the depot's readings */
const SLICE_MIN = Number(process.env.EDGE_BENCH_SLICE_MIN ?? 10);
const DOOR_EVERY_MS = 1000;

/** a realistic depot: Modbus transmitters and contacts every 10 s, a UPS every 30 s, cameras every 30 s */
function* depotReadings(from: number, to: number): Generator<EdgeReading> {
  type Analog = { id: string; kind: 'temperature' | 'humidity' | 'gas'; unit: string };
  type Binary = { id: string; kind: 'door' | 'fence' | 'smoke' };
  const analog: Analog[] = [...Array(8)].map((_, i): Analog => ({ id: `A-T${i + 1}`, kind: 'temperature', unit: 'C' }))
    .concat([...Array(8)].map((_, i) => ({ id: `A-H${i + 1}`, kind: 'humidity' as const, unit: '%RH' })), [...Array(4)].map((_, i) => ({ id: `F-G${i + 1}`, kind: 'gas' as const, unit: '%LEL' })));
  const binary: Binary[] = [...Array(6)].map((_, i): Binary => ({ id: `A-D${i + 1}`, kind: 'door' })).concat([...Array(2)].map((_, i) => ({ id: `P-F${i + 1}`, kind: 'fence' as const })), [{ id: 'A-SM1', kind: 'smoke' as const }, { id: 'A-SM2', kind: 'smoke' as const }]);
  for (let t = from; t < to; t += 10_000) {
    const k = (t - from) / 10_000;
    for (const [i, s] of analog.entries()) yield { type: 'sensor', sensorId: s.id, payload: { ts: t + i, kind: s.kind, value: Math.round((20 + Math.sin(k / 30 + i) * 3) * 10) / 10, unit: s.unit } };
    for (const [i, s] of binary.entries()) yield { type: 'sensor', sensorId: s.id, payload: { ts: t + 20 + i, kind: s.kind, value: s.kind === 'door' && k % 360 < 12 && i === 0 ? 1 : 0 } };
    if (k % 3 === 0) {
      yield { type: 'sensor', sensorId: 'E-V1', payload: { ts: t + 40, kind: 'mains', value: 229.5, unit: 'V' } };
      yield { type: 'sensor', sensorId: 'E-UPS1', payload: { ts: t + 41, kind: 'ups_battery', value: 100, unit: '%' } };
      yield { type: 'sensor', sensorId: 'E-UPS2', payload: { ts: t + 42, kind: 'ups_on_battery', value: 0 } };
      for (let c = 1; c <= 4; c++) yield { type: 'camera', cameraId: `CAM0${c}`, payload: { ts: t + 50 + c, online: true, fps: 25, bitrateKbps: 4096, recording: true, tamper: false, videoLoss: false } };
    }
  }
}

function fillSpool(dir: string, from: number, to: number): number {
  const spool = openSpool({ dir, maxBytes: 2e9, maxAgeHours: 168, now: () => to, logger: silentLogger });
  let n = 0;
  for (const r of depotReadings(from, to)) { spool.append(r); n++; }
  spool.close();
  return n;
}

/** exact wire bytes of the whole spool, sent live one by one and replayed in batches */
function wireBytes(dir: string): { readings: number; single: number; batched: number; batchedMessages: number } {
  const spool = openSpool({ dir, maxBytes: 2e9, maxAgeHours: 1e5, now: () => 0, logger: silentLogger });
  const limits = batchLimitsFor(BACKFILL_KBPS);
  let readings = 0; let single = 0; let batched = 0; let batchedMessages = 0; let cursor = 0;
  for (;;) {
    const rows = spool.page(cursor, 2000);
    const last = rows.at(-1);
    if (!last) break;
    cursor = last.seq;
    readings += rows.length;
    for (const r of rows) single += liveMessage('depots', DEPOT, r.seq, r.reading).wireBytes;
    for (const m of planBatches('depots', DEPOT, rows, limits)) { batched += m.wireBytes; batchedMessages++; }
  }
  spool.close();
  return { readings, single, batched, batchedMessages };
}

const percentile = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN; };
const latencySummary = (xs: number[]) => ({ n: xs.length, p50: percentile(xs, 50), p95: percentile(xs, 95), max: Math.max(...xs) });

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'edge-bench-'));
  const results: Record<string, unknown> = { at: new Date().toISOString(), depot: 'profile: 20 analog + 10 binary every 10 s, UPS (3) and 4 cameras every 30 s', backfillKbps: BACKFILL_KBPS, linkKbit: LINK_KBIT };
  try {
    // 1 + 2 (computed): six hours of the depot written into a real spool
    const end = Date.now();
    const sixDir = join(work, 'six-hours');
    const t0 = performance.now();
    const n = fillSpool(sixDir, end - HOURS * 3600_000, end);
    const fillMs = performance.now() - t0;
    const w = wireBytes(sixDir);
    const rate = (BACKFILL_KBPS * 1000) / 8;
    results.sixHours = {
      readings: n, spoolFillMs: Math.round(fillMs), appendsPerS: Math.round(n / (fillMs / 1000)),
      bytesPerReadingSingle: +(w.single / w.readings).toFixed(1), bytesPerReadingBatched: +(w.batched / w.readings).toFixed(1),
      batchedMessages: w.batchedMessages, totalBytesBatched: w.batched,
      catchUpAtBackfillS: Math.round(w.batched / rate), catchUpAtWholeLinkS: Math.round(w.batched / ((LINK_KBIT * 1000) / 8)),
      catchUpSingleAtBackfillS: Math.round(w.single / rate),
      method: 'computed: MQTT PUBLISH bytes + 52 B TCP/IP per message, over the token bucket rate; PUBACKs travel the other way',
    };
    console.log('six hours', results.sixHours);

    const why = netnsUnavailable();
    if (why) {
      results.link = { skipped: why };
      console.log(`link measurements skipped: ${why}`);
      return;
    }
    const broker = await startMosquitto();
    const ns = createLinkNamespace({ rateKbit: LINK_KBIT });
    const proxy = await startTcpProxy({ listenHost: ns.hostIp, target: { host: '127.0.0.1', port: broker.port } });
    const watcher = await connectAsync(broker.url, { clientId: 'edge-bench-watcher' });
    const doors: number[] = [];
    let histReadings = 0;
    let liveReadings = 0;
    watcher.on('message', (topic, payload) => {
      const json = JSON.parse(payload.toString()) as { ts: number; hist?: boolean } | { ts: number; hist?: boolean }[];
      const objs = Array.isArray(json) ? json : [json];
      for (const o of objs) { if (o.hist) histReadings++; else liveReadings++; }
      if (topic.endsWith('/sensors/BENCH-DOOR') && !Array.isArray(json) && !json.hist) doors.push(Date.now() - json.ts);
    });
    await watcher.subscribeAsync([`depots/${DEPOT}/#`], { qos: 1 });
    const url = `mqtt://${ns.hostIp}:${proxy.port}`;
    const config = (dir: string) => edgeConfigSchema.parse({ depot: DEPOT, mqtt: { url, keepaliveS: 15 }, spool: { dir }, link: { backfillKbps: BACKFILL_KBPS } });
    const door = (v: number): EdgeReading => ({ type: 'sensor', sensorId: 'BENCH-DOOR', payload: { ts: Date.now(), kind: 'door', value: v } });
    const probeDoors = async (edge: EdgeProcess, until: () => Promise<boolean>, max = 60) => {
      doors.length = 0;
      for (let i = 0; i < max && !(await until()); i++) {
        await edge.emit([door(i % 2)]);
        await new Promise((r) => setTimeout(r, DOOR_EVERY_MS));
      }
      await new Promise((r) => setTimeout(r, 1500));
      return latencySummary(doors);
    };
    try {
      // 2 (measured) + 3: replay a slice of the backlog over the real 64 kbit/s link, door alarms live meanwhile
      const sliceDir = join(work, 'slice');
      mkdirSync(sliceDir);
      const sliceN = fillSpool(sliceDir, end - SLICE_MIN * 60_000, end);
      const sliceBytes = wireBytes(sliceDir);
      const before = proxy.bytes();
      const startAt = Date.now();
      const edge = await spawnEdge(config(sliceDir), { netns: ns.name });
      let doneAt = 0;
      const during = await probeDoors(edge, async () => {
        const s = await edge.status();
        if (!doneAt && s.connected && s.spooled === 0 && !s.replaying) doneAt = Date.now();
        return doneAt > 0;
      }, 600);
      const after = proxy.bytes();
      await edge.stop();
      const measuredS = (doneAt - startAt) / 1000;
      results.sliceReplay = {
        minutes: SLICE_MIN, readings: sliceN, histDelivered: histReadings, computedBytes: sliceBytes.batched,
        computedS: +(sliceBytes.batched / rate).toFixed(1), measuredS: +measuredS.toFixed(1),
        tcpPayloadBytesUp: after.up - before.up, tcpPayloadBytesPerReading: +((after.up - before.up) / sliceN).toFixed(1),
        method: 'measured: edge in a network namespace, veth limited by tc tbf 64 kbit/s both ways; from the edge start to an empty spool (includes connecting)',
      };
      results.doorLatencyDuringReplayMs = during;
      console.log('slice replay', results.sliceReplay, 'door during replay', during);

      // 3 (baselines): the same depot with nothing to replay, and a bare publisher without a spool
      const emptyDir = join(work, 'empty');
      const idle = await spawnEdge(config(emptyDir), { netns: ns.name });
      const withSpool = await probeDoors(idle, async () => false, 20);
      await idle.stop();
      const direct = await spawnEdge({}, { netns: ns.name, script: 'bench/edge-direct-publisher.ts', env: { EDGE_URL: url, EDGE_DEPOT: DEPOT } });
      const noSpool = await probeDoors(direct, async () => false, 20);
      await direct.stop();
      results.doorLatencyIdleSpoolMs = withSpool;
      results.doorLatencyNoSpoolMs = noSpool;
      results.liveReadings = liveReadings;
      console.log('door, empty spool', withSpool, 'door, no spool', noSpool);
    } finally {
      await watcher.endAsync();
      await proxy.close();
      ns.destroy();
      await broker.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/edge-link.json', `${JSON.stringify(results, null, 2)}\n`);
    console.log('written bench/results/edge-link.json');
  }
}

await main();
