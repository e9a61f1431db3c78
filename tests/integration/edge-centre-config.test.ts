import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { siteConfigSchema, type SiteConfig } from '../../config/schema.js';
import type { ApiError, DepotDetail } from '../../server/src/contracts/api.js';
import type { CollectorsResponse } from '../../server/src/contracts/collectors.js';
import type { ConfigChangeResult, RunningConfigView } from '../../server/src/contracts/config.js';
import { median } from '../helpers/edge.js';
import { startModbusDevice, type ModbusTestDevice } from '../helpers/modbus-server.js';
import { startMosquitto, type MosquittoHandle } from '../helpers/mosquitto.js';
import { smallSite } from '../helpers/site.js';
import { startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';

// Issue 8 §1, SPEC §11: an engineer adds a Modbus point in the site configuration (PUT /api/config); the running
// edge collector (`npm run edge`, a process) takes it from its retained collector/config without a restart, the new
// sensor's readings reach the centre, and the status reports the new version; an edge started later gets it too.
// A real Mosquitto, a real Modbus TCP server, the whole centre.

let broker: MosquittoHandle;
let dev: ModbusTestDevice;
let t: TestSystem;
let engineer: string;
let dir: string;
let watch: MqttClient;
const heard: { topic: string; at: number; payload: Record<string, unknown> }[] = [];
const edges: ChildProcess[] = [];

const T1 = { sensor: 'T1', kind: 'temperature', register: 0, type: 'int16', scale: 0.1 } as const;
const modbus = (points: Record<string, unknown>[]) => [{ host: '127.0.0.1', port: dev.port, everyS: 1, timeoutMs: 1000, points }];

function site(): SiteConfig {
  const s = structuredClone(smallSite()) as unknown as { depots: Record<string, unknown>[] };
  s.depots[0]!.edge = { modbus: modbus([T1]) };
  return siteConfigSchema.parse(s);
}

/** the real edge collector, `npm run edge -- --config FILE`, with its log lines kept */
async function startEdgeProcess(name: string): Promise<{ child: ChildProcess; lines: Record<string, unknown>[] }> {
  const spool = join(dir, `spool-${name}`);
  const file = join(dir, `${name}.yaml`);
  // the file reads only T1; the centre's lists replace it
  await writeFile(file, stringify({ depot: 'D1', mqtt: { url: broker.url, clientId: `edge-D1-${name}` }, spool: { dir: spool }, modbus: modbus([T1]) }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'collectors/src/edge/main.ts', '--config', file, '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'pipe'] });
  edges.push(child);
  const lines: Record<string, unknown>[] = [];
  let rest = '';
  child.stdout!.on('data', (d: Buffer) => {
    const all = rest + d.toString('utf8');
    const parts = all.split('\n');
    rest = parts.pop() ?? '';
    for (const l of parts) if (l.trim().startsWith('{')) lines.push(JSON.parse(l) as Record<string, unknown>);
  });
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
  return { child, lines };
}

const status = (depot: string, version: number) => heard.find((m) => m.topic === `depots/${depot}/collector/status` && m.payload.state === 'online' && m.payload.configVersion === version);
const reading = (sensor: string, value: number, after: number) => heard.find((m) => m.topic === `depots/D1/sensors/${sensor}` && m.at >= after && m.payload.value === value);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'depotwatch-edge-centre-'));
  [broker, dev] = await Promise.all([startMosquitto(), startModbusDevice()]);
  dev.holding.set(0, 215).set(1, 655).set(2, 1).set(3, 0);
  t = await startTestSystem({ site: site(), env: { MQTT_URL: broker.url } });
  engineer = await t.login();
  watch = await connectAsync(broker.url, { clientId: 'edge-centre-watch', reconnectPeriod: 0 });
  watch.on('message', (topic, payload) => {
    const at = Date.now();
    const parsed = JSON.parse(payload.toString('utf8') || 'null') as Record<string, unknown> | Record<string, unknown>[] | null;
    for (const p of Array.isArray(parsed) ? parsed : parsed ? [parsed] : []) heard.push({ topic, at, payload: p });
  });
  await watch.subscribeAsync('depots/D1/#', { qos: 1 });
}, 60_000);

afterAll(async () => {
  for (const c of edges) if (c.exitCode === null) c.kill('SIGKILL');
  await watch?.endAsync();
  await t?.stop();
  await Promise.all([broker?.stop(), dev?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe('the edge collector takes its device lists from the centre', () => {
  it('a point added on the board reaches the running edge without a restart, then one started later', async () => {
    const edge = await startEdgeProcess('first');
    // the centre's version 1 carries the same lists as the file: applied, reported, the sources left running
    await waitFor(() => status('D1', 1), 30_000, 'the edge reporting version 1');
    await waitFor(() => heard.some((m) => m.topic === 'depots/D1/sensors/T1' && m.payload.value === 21.5), 10_000, 'T1 from the Modbus device');
    expect(edge.lines.filter((l) => l.msg === 'sources started')).toHaveLength(1);

    // three changes in turn, each adding a point: H1 (register 1), SM1 (register 2), DR1 (register 3)
    const added = [
      { sensor: 'H1', kind: 'humidity', register: 1, scale: 0.1, value: 65.5 },
      { sensor: 'SM1', kind: 'smoke', register: 2, value: 1 },
      { sensor: 'DR1', kind: 'door', register: 3, value: 0 },
    ] as const;
    const points: Record<string, unknown>[] = [T1];
    const toReading: number[] = [];
    const toStatus: number[] = [];
    for (const p of added) {
      const { n, config } = (await t.api<RunningConfigView>('/api/config', engineer)).body;
      points.push({ sensor: p.sensor, kind: p.kind, register: p.register, ...('scale' in p ? { scale: p.scale } : {}) });
      const next = structuredClone(config) as unknown as { depots: Record<string, unknown>[] };
      next.depots[0]!.edge = { modbus: modbus(points) };
      const sent = Date.now();
      const r = await t.api<ConfigChangeResult & ApiError>('/api/config', engineer, { method: 'PUT', body: JSON.stringify({ config: next, baseVersion: n, comment: `edge reads ${p.sensor}` }) });
      expect(r.status).toBe(200);
      const v = r.body.version.n;
      const first = await waitFor(() => reading(p.sensor, p.value, sent), 20_000, `${p.sensor} from the edge`);
      const reported = await waitFor(() => status('D1', v), 20_000, `status reporting version ${v}`);
      toReading.push(first.at - sent);
      toStatus.push(reported.at - sent);
      // the centre shows it as a configured sensor's live value
      await waitFor(async () => (await t.api<DepotDetail>('/api/depots/D1', engineer)).body.sensors.find((s) => s.id === p.sensor && s.value === p.value), 10_000, `${p.sensor} in GET /api/depots/D1`);
      const c = await waitFor(async () => (await t.api<CollectorsResponse>('/api/collectors', engineer)).body.collectors.find((x) => x.depot === 'D1' && x.configVersion === v), 10_000, 'GET /api/collectors');
      expect(c).toMatchObject({ state: 'online', configPublished: v });
    }
    // one process all along: the sources were swapped inside it, once per change
    expect(edge.child.exitCode).toBeNull();
    expect(edge.lines.filter((l) => l.msg === 'sources started')).toHaveLength(1 + added.length);
    console.log(`PUT → first reading of the new point: ${toReading.join(', ')} ms (median ${median(toReading)}); PUT → status with the version: ${toStatus.join(', ')} ms (median ${median(toStatus)}); load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);

    // an edge that starts after the change: the retained collector/config gives it the newest lists at once
    const latest = (await t.api<RunningConfigView>('/api/config', engineer)).body.n;
    edge.child.kill('SIGTERM');
    await new Promise((r) => edge.child.once('exit', r));
    dev.holding.set(1, 700);
    const late = await startEdgeProcess('late');
    const since = Date.now();
    await waitFor(() => reading('H1', 70, since), 30_000, 'H1 from the edge started later');
    expect(late.lines.find((l) => l.msg === 'collector/config from the centre applied')).toMatchObject({ version: latest, devicesChanged: true });
    await waitFor(() => heard.find((m) => m.at >= since && m.topic === 'depots/D1/collector/status' && m.payload.configVersion === latest), 10_000, 'the late edge reporting the version');
  }, 180_000);
});
