import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../server/src/adapters/logger.js';
import { telemetryStoreFromEnv } from '../../server/src/adapters/telemetry-store-from-env.js';
import type { TelemetryStore } from '../../server/src/ports/telemetry-store.js';
import { parseEnv } from '../../server/src/settings.js';
import { startAckedLoad, type SeriesRef } from '../helpers/acked-load.js';
import { startInfluxd, type RunningInfluxd } from '../helpers/influxd.js';
import { PRODUCTION_MOSQUITTO_TUNING, startMosquitto, type MosquittoHandle } from '../helpers/mosquitto.js';
import { freePort } from '../helpers/ports.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { SMALL_SITE_YAML } from '../helpers/site.js';

/**
 * Two ingest processes share the load through a shared subscription on a real Mosquitto. One is switched
 * off: the broker goes on queueing its share on its persistent session (that share is neither stored nor
 * lost yet). `npm run ingest -- --retire` under its client id stores that backlog and ends the session; from
 * then on the other member takes every message. Every acknowledged reading is stored exactly once.
 */
const SERIES: readonly SeriesRef[] = [
  { topic: 'depots/D1/sensors/T1', payload: (ts) => `{"ts":${ts},"kind":"temperature","value":21.5,"unit":"C"}` },
  { topic: 'depots/D2/sensors/T1', payload: (ts) => `{"ts":${ts},"kind":"temperature","value":22,"unit":"C"}` },
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function runIngest(env: Record<string, string>, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/ingest/main.ts', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('retiring an ingest process from a shared subscription', () => {
  const dir = mkdtempSync(join(tmpdir(), 'depotwatch-retire-'));
  const configDir = join(dir, 'config');
  let broker: MosquittoHandle;
  let influx: RunningInfluxd;
  let store: TelemetryStore;
  const running: ServerProcess[] = [];

  beforeAll(async () => {
    mkdirSync(configDir);
    writeFileSync(join(configDir, 'site.yaml'), SMALL_SITE_YAML);
    writeFileSync(join(configDir, 'rules.yaml'), readFileSync('config/rules.yaml', 'utf8'));
    [broker, influx] = await Promise.all([startMosquitto({ extraConfig: PRODUCTION_MOSQUITTO_TUNING }), startInfluxd()]);
    store = telemetryStoreFromEnv(parseEnv({ INFLUX_URL: influx.url, INFLUX_DB: 'retire' }), silentLogger);
    await store.init();
  });
  afterAll(async () => {
    for (const p of running) await p.stop();
    await store?.close();
    await broker?.stop();
    await influx?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const envOf = (member: string) => ({
    MQTT_URL: broker.url, MQTT_CLIENT_ID: `retire-${member}`, MQTT_SHARE_GROUP: 'retire', INFLUX_URL: influx.url, INFLUX_DB: 'retire',
    CONFIG_DIR: configDir, DATA_DIR: join(dir, `data-${member}`), LOG_LEVEL: 'warn',
  });
  async function startMember(member: string): Promise<ServerProcess> {
    const port = await freePort();
    const p = await startServerProcess({ ...envOf(member), METRICS_PORT: String(port) }, port, { entry: 'server/src/ingest/main.ts', readyPath: '/metrics' });
    running.push(p);
    return p;
  }

  it('stores the switched-off member\'s queued share, ends its session, and the other member takes all', async () => {
    await startMember('a');
    const b = await startMember('b');
    const load = await startAckedLoad(broker.url, { rate: 300, series: SERIES });
    await sleep(2000);
    await b.stop(); // SIGTERM: a graceful stop keeps the persistent session, and the broker keeps routing to it
    await sleep(3000);
    const retired = await runIngest(envOf('b'), ['--retire']);
    expect(retired.code, retired.out).toBe(0);
    const m = /stored the (\d+) messages its session held/.exec(retired.out);
    // about half of 3 s at 300 msg/s waited on b's session
    expect(Number(m?.[1])).toBeGreaterThan(200);
    await sleep(2000); // after the retirement every message must reach a (b's session is gone)
    const r = await load.stop();
    expect(r.acked).toBe(r.published);
    const q = { measurement: 'sensor' as const, from: r.fromMs, to: r.toMs };
    const storedNow = async () => (await store.count({ ...q, depot: 'D1' })) + (await store.count({ ...q, depot: 'D2' }));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (await storedNow()) < r.acked) await sleep(500);
    await sleep(1000); // anything beyond exactly once would show up now
    expect(await storedNow()).toBe(r.acked);
  }, 120_000);

  it('says so when the broker holds no session under that client id', async () => {
    const r = await runIngest(envOf('never-ran'), ['--retire']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Nothing to retire: the broker holds no session for retire-never-ran');
  }, 60_000);
});
