import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModbusDevice, type ModbusTestDevice } from '../helpers/modbus-server.js';
import { startMosquitto, type MosquittoHandle } from '../helpers/mosquitto.js';
import { startUpsAgent, TEST_COMMUNITY, type UpsTestAgent } from '../helpers/snmp-agent.js';

// `npm run edge -- --config FILE` as a process: a bad file refused with exit 2, a good one reading a Modbus
// device and a UPS and publishing the SPEC §3 messages to a real Mosquitto until SIGTERM.

let dir: string;
let broker: MosquittoHandle;
let dev: ModbusTestDevice;
let ups: UpsTestAgent;
let sub: MqttClient;
const messages: { topic: string; payload: Record<string, unknown>; retain: boolean }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'depotwatch-edge-cli-'));
  [broker, dev, ups] = await Promise.all([startMosquitto(), startModbusDevice(), startUpsAgent({ inputVoltage: 231, chargeRemaining: 98, outputSource: 3, secondsOnBattery: 0 })]);
  sub = await connectAsync(broker.url, { clientId: 'edge-cli-test', reconnectPeriod: 0 });
  // a loaded machine may see several readings of a device batched into one JSON array (SPEC §3): one entry each
  sub.on('message', (topic, payload, packet) => {
    const parsed = JSON.parse(payload.toString('utf8')) as Record<string, unknown> | Record<string, unknown>[];
    for (const p of Array.isArray(parsed) ? parsed : [parsed]) messages.push({ topic, payload: p, retain: packet.retain });
  });
  await sub.subscribeAsync('depots/K901/#', { qos: 1 });
});
afterAll(async () => {
  await sub?.endAsync();
  await Promise.all([broker?.stop(), dev?.stop(), ups?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

function runEdge(config: string): { exit: Promise<{ code: number | null; stderr: string; stdout: string }>; kill(sig: NodeJS.Signals): void } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'collectors/src/edge/main.ts', '--config', config, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return {
    exit: new Promise((resolve) => child.once('close', (code) => { clearTimeout(killer); resolve({ code, stderr, stdout }); })),
    kill: (sig) => child.kill(sig),
  };
}

async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(messages.slice(-5))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('npm run edge', () => {
  it('refuses a bad configuration with exit 2, naming the file, the path, the line and the reason', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'depot: K901\nmqtt: { url: "mqtt://127.0.0.1:1" }\nspool: { dir: /tmp/x }\nmodbus:\n  - { host: h, points: [ { sensor: T1, kind: temp, register: 0 } ] }\n');
    const { code, stderr } = await runEdge(file).exit;
    expect(code).toBe(2);
    expect(stderr).toContain('bad.yaml:5 modbus[0].points[0].kind');
    expect(stderr).toMatch(/expected one of|Invalid option/i);
  });

  it('reads the devices it is configured for and publishes them on the SPEC topics, status online then offline', async () => {
    dev.holding.set(0, 187);
    dev.coils.set(3, true);
    const file = join(dir, 'edge.yaml');
    await writeFile(file, `depot: K901
mqtt: { url: "${broker.url}", clientId: edge-cli-K901 }
spool: { dir: ${join(dir, 'spool')} }
modbus:
  - { host: 127.0.0.1, port: ${dev.port}, everyS: 0.5, points: [ { sensor: A-T1, kind: temperature, register: 0, type: int16, scale: 0.1 }, { sensor: A-D1, kind: door, coil: 3 } ] }
snmp:
  - { host: 127.0.0.1, port: ${ups.port}, community: ${TEST_COMMUNITY}, everyS: 0.5, mains: E-V1, battery: E-UPS1, onBattery: E-UPS2 }
`);
    const edge = runEdge(file);
    const has = (topic: string) => messages.some((m) => m.topic === topic);
    await until(() => ['sensors/A-T1', 'sensors/A-D1', 'sensors/E-V1', 'sensors/E-UPS1', 'sensors/E-UPS2'].every((t) => has(`depots/K901/${t}`)), 20_000, 'every sensor');
    const last = (t: string) => messages.filter((m) => m.topic === `depots/K901/${t}`).at(-1)?.payload;
    expect(last('sensors/A-T1')).toMatchObject({ kind: 'temperature', value: 18.7, unit: 'C' });
    expect(last('sensors/A-D1')).toMatchObject({ kind: 'door', value: 1 });
    expect(last('sensors/E-V1')).toMatchObject({ kind: 'mains', value: 231, unit: 'V' });
    expect(last('sensors/E-UPS2')).toMatchObject({ kind: 'ups_on_battery', value: 0 });
    expect(Math.abs(Number(last('sensors/A-T1')?.ts) - Date.now())).toBeLessThan(60_000);
    expect(messages.find((m) => m.topic === 'depots/K901/collector/status')?.payload).toMatchObject({ state: 'online' });

    edge.kill('SIGTERM');
    const { code, stderr } = await edge.exit;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    await until(() => last('collector/status')?.state === 'offline', 5000, 'offline status');
  });
});
