import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../server/src/adapters/logger.js';
import { telemetryStoreFromEnv } from '../../server/src/adapters/telemetry-store-from-env.js';
import type { TelemetryStore } from '../../server/src/ports/telemetry-store.js';
import { parseEnv } from '../../server/src/settings.js';
import { startAckedLoad, type AckedLoadResult, type SeriesRef } from '../helpers/acked-load.js';
import { startInfluxd, type RunningInfluxd } from '../helpers/influxd.js';
import { PRODUCTION_MOSQUITTO_TUNING, startMosquitto, type MosquittoHandle } from '../helpers/mosquitto.js';
import { freePort } from '../helpers/ports.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { SMALL_SITE_YAML } from '../helpers/site.js';

/**
 * SPEC §3 zero loss at the centre, with real processes: a QoS 1 publisher counts what Mosquitto
 * acknowledged, the centre is killed with SIGKILL (or InfluxDB goes away for a while) in the middle, and
 * afterwards every acknowledged reading is in InfluxDB exactly once, counted per depot by time window.
 * Every message has its own (series, ts), and a replay rewrites the same point, so "exactly once" is
 * "the count equals what was acknowledged".
 *
 * ZERO_LOSS_OUTAGE_SEC sets the InfluxDB outage (default 120 s); the load stays modest so the suite stays fast.
 */
const OUTAGE_SEC = Number(process.env.ZERO_LOSS_OUTAGE_SEC ?? 120);
const RATE = 1000;
const OUTAGE_RATE = 200;

// three series of two depots, values inside every threshold: no alarms, only telemetry
const SERIES: readonly SeriesRef[] = [
  { topic: 'depots/D1/sensors/T1', payload: (ts) => `{"ts":${ts},"kind":"temperature","value":21.5,"unit":"C"}` },
  { topic: 'depots/D1/sensors/H1', payload: (ts) => `{"ts":${ts},"kind":"humidity","value":55,"unit":"%RH"}` },
  { topic: 'depots/D2/sensors/T1', payload: (ts) => `{"ts":${ts},"kind":"temperature","value":22,"unit":"C"}` },
];
/** message i goes to SERIES[i % 3]: D1 gets two of every three */
const perDepot = (n: number) => ({ D1: n - Math.floor(n / 3), D2: Math.floor(n / 3) });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('zero loss at the centre (kill -9, InfluxDB outage)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'depotwatch-zero-loss-'));
  const configDir = join(dir, 'config');
  let broker: MosquittoHandle;
  let influx: RunningInfluxd;
  let db = 0;
  const stores: TelemetryStore[] = [];
  const running: ServerProcess[] = [];

  beforeAll(async () => {
    mkdirSync(configDir);
    writeFileSync(join(configDir, 'site.yaml'), SMALL_SITE_YAML);
    writeFileSync(join(configDir, 'rules.yaml'), readFileSync('config/rules.yaml', 'utf8'));
    [broker, influx] = await Promise.all([startMosquitto({ extraConfig: PRODUCTION_MOSQUITTO_TUNING }), startInfluxd()]);
  });
  afterAll(async () => {
    for (const s of running) await s.stop();
    for (const s of stores) await s.close();
    await broker?.stop();
    await influx?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** a fresh database and data directory per test; the env of the process under test */
  async function setup(name: string) {
    db += 1;
    const env = {
      // its own share group: a stopped process of an earlier test keeps its persistent session (and its share)
      MQTT_URL: broker.url, MQTT_CLIENT_ID: `zero-loss-${name}`, MQTT_SHARE_GROUP: `zl-${name}`, INFLUX_URL: influx.url, INFLUX_DB: `zl${db}`,
      CONFIG_DIR: configDir, DATA_DIR: join(dir, `data-${name}`), WEB_DIR: join(dir, 'none'), SIMULATE: '0',
      ADMIN_PASSWORD: 'zero-loss-admin', LOG_LEVEL: 'warn',
    };
    const store = telemetryStoreFromEnv(parseEnv({ INFLUX_URL: influx.url, INFLUX_DB: env.INFLUX_DB }), silentLogger);
    await store.init();
    stores.push(store);
    return { env, store };
  }

  async function start(env: Record<string, string>, port: number, opts: { ingestProcess?: boolean; readyPath?: string } = {}): Promise<ServerProcess> {
    const p = await startServerProcess(opts.ingestProcess ? { ...env, METRICS_PORT: String(port) } : env, port, {
      ...(opts.ingestProcess ? { entry: 'server/src/ingest/main.ts', readyPath: '/metrics' } : {}),
      ...(opts.readyPath ? { readyPath: opts.readyPath } : {}),
    });
    running.push(p);
    return p;
  }

  async function storedPerDepot(store: TelemetryStore, r: AckedLoadResult) {
    const q = { measurement: 'sensor' as const, from: r.fromMs, to: r.toMs };
    return { D1: await store.count({ ...q, depot: 'D1' }), D2: await store.count({ ...q, depot: 'D2' }) };
  }

  /** waits until the store holds the acknowledged count (or `ms` pass), then returns what it holds */
  async function settle(store: TelemetryStore, r: AckedLoadResult, ms: number) {
    const want = perDepot(r.acked);
    const deadline = Date.now() + ms;
    let got = await storedPerDepot(store, r);
    while ((got.D1 < want.D1 || got.D2 < want.D2) && Date.now() < deadline) {
      await sleep(500);
      got = await storedPerDepot(store, r);
    }
    await sleep(1000); // anything beyond exactly once would show up now
    return storedPerDepot(store, r);
  }

  async function metric(url: string, name: string): Promise<number> {
    const text = await (await fetch(url)).text();
    return text.split('\n').filter((l) => l.startsWith(name)).reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  }

  /** what the processes said, for a failure's message */
  async function diagnose(procs: ServerProcess[], path: string, r: AckedLoadResult): Promise<string> {
    const last = procs.at(-1);
    const names = ['depotwatch_ingest_messages_total', 'depotwatch_ingest_rejected_total', 'depotwatch_telemetry_points_written_total',
      'depotwatch_telemetry_points_failed_total', 'depotwatch_telemetry_queue_points'];
    const figures = last ? await Promise.all(names.map(async (n) => `${n}=${await metric(`${last.base}${path}`, n).catch(() => NaN)}`)) : [];
    return [`load ${JSON.stringify(r)}`, ...figures, ...procs.map((p, i) => `--- process ${i} output ---\n${p.output().slice(-3000)}`)].join('\n');
  }

  for (const target of ['server', 'ingest process'] as const) {
    it(`kill -9 of the ${target} under ${RATE} msg/s QoS 1: every acknowledged reading stored exactly once`, async () => {
      const { env, store } = await setup(target === 'server' ? 'server' : 'ingest');
      const port = await freePort();
      const opts = { ingestProcess: target === 'ingest process' };
      const first = await start(env, port, opts);
      const load = await startAckedLoad(broker.url, { rate: RATE, series: SERIES });
      await sleep(3000);
      await first.kill9();
      const killedAt = load.published();
      const second = await start(env, port, opts);
      await sleep(3000);
      const r = await load.stop();
      expect(killedAt).toBeGreaterThan(2000);
      expect(r.acked).toBe(r.published);
      const stored = await settle(store, r, 30_000);
      if (stored.D1 + stored.D2 !== r.acked) console.error(await diagnose([first, second], opts.ingestProcess ? '/metrics' : '/metrics', r));
      expect(stored).toEqual(perDepot(r.acked));
      await second.stop();
    }, 120_000);
  }

  it(`InfluxDB down for ${OUTAGE_SEC} s with a kill -9 of the server halfway: nothing lost, nothing dropped`, async () => {
    const { env, store } = await setup('outage');
    const port = await freePort();
    await start(env, port);
    const load = await startAckedLoad(broker.url, { rate: OUTAGE_RATE, series: SERIES });
    await sleep(2000);
    await influx.kill();
    await sleep((OUTAGE_SEC * 1000) / 2);
    const midway = running.at(-1);
    const queuedBefore = await metric(`${midway?.base}/metrics`, 'depotwatch_telemetry_queue_points');
    expect(queuedBefore).toBeGreaterThan(0);
    await midway?.kill9();
    // /healthz: the store is down, so /readyz says 503 as it should
    const second = await start(env, port, { readyPath: '/healthz' });
    await sleep((OUTAGE_SEC * 1000) / 2);
    const ready = await fetch(`${second.base}/readyz`);
    expect(ready.status).toBe(503);
    await influx.restart();
    await sleep(2000);
    const r = await load.stop();
    expect(r.acked).toBe(r.published);
    const stored = await settle(store, r, 60_000);
    expect(stored).toEqual(perDepot(r.acked));
    expect(await metric(`${second.base}/metrics`, 'depotwatch_telemetry_points_dropped_total')).toBe(0);
    await second.stop();
  }, OUTAGE_SEC * 1000 + 120_000);
});
