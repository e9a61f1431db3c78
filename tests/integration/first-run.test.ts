import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../server/src/adapters/logger.js';
import { startEmbeddedBroker } from '../../server/src/adapters/mqtt/embedded-broker.js';
import { freePort } from '../helpers/ports.js';

/**
 * A newcomer's first start, as a real process: what goes wrong on their machine (a port taken, a bad
 * directory, a broker or InfluxDB that is not there) is one sentence with its remedy and an exit code,
 * never a stack trace; the demo's first start creates its users; the simulator CLI finds the same broker.
 */
const dir = mkdtempSync(join(tmpdir(), 'depotwatch-first-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Ended { code: number | null; out: string; err: string }
const STACK_LINE = /^\s+at /m;

/** Runs `script` to its end (or kills it after `ms`), collecting stdout and stderr apart. */
function run(script: string, env: Record<string, string>, args: string[] = [], ms = 100_000): Promise<Ended> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      env: { ...process.env, LOG_LEVEL: 'info', LOG_FORMAT: 'json', HTTP_HOST: '127.0.0.1', SIMULATE: '0', WEB_DIR: join(dir, 'none'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', (code) => { clearTimeout(timer); resolve({ code, out, err }); });
  });
}

/** Starts `script` and resolves once `ready` appears in its stdout; the caller stops it. */
function start(script: string, env: Record<string, string>, ready: RegExp) {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, LOG_LEVEL: 'info', LOG_FORMAT: 'json', HTTP_HOST: '127.0.0.1', SIMULATE: '0', WEB_DIR: join(dir, 'none'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const up = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 100 s:\n${out}`)), 100_000);
    const check = () => { if (ready.test(out)) { clearTimeout(timer); resolve(); } };
    child.stdout.on('data', check);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited with ${code}:\n${out}`)); });
  });
  return {
    up, output: () => out,
    async stop() { child.kill('SIGTERM'); await exited; },
  };
}

function occupy(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

const dataDir = (name: string) => join(dir, name);

// each case is its own short-lived process, one after another (several at once starve a loaded 2-core machine)
describe('first run: the machine\'s problems in one sentence', { timeout: 120_000 }, () => {
  it('a taken MQTT port names the port and both remedies, exit 1', async () => {
    const taken = await occupy();
    try {
      const r = await run('demo/main.ts', { MQTT_PORT: String(taken.port), HTTP_PORT: String(await freePort()), DATA_DIR: dataDir('mqtt-port') });
      expect(r.code).toBe(1);
      expect(r.err.trim()).toBe(`DepotWatch cannot start: port ${taken.port} is in use (another MQTT broker?): start with MQTT_PORT=${taken.port + 1} npm start, `
        + `or MQTT_URL=mqtt://localhost:${taken.port} npm start to use the broker already there`);
      expect(r.out + r.err).not.toMatch(STACK_LINE);
    } finally {
      taken.server.close();
    }
  });

  it('a taken HTTP port names HTTP_PORT, exit 1', async () => {
    const taken = await occupy();
    try {
      const r = await run('server/src/main.ts', { MQTT_PORT: String(await freePort()), HTTP_PORT: String(taken.port), DATA_DIR: dataDir('http-port') });
      expect(r.code).toBe(1);
      expect(r.err).toContain(`port ${taken.port} is in use (another DepotWatch or web server?): start with HTTP_PORT=${taken.port + 1}`);
      expect(r.out + r.err).not.toMatch(STACK_LINE);
    } finally {
      taken.server.close();
    }
  });

  it('a DATA_DIR that cannot be a directory and a missing CONFIG_DIR are both named, exit 2', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    const r = await run('server/src/main.ts', { DATA_DIR: join(file, 'data'), CONFIG_DIR: join(dir, 'no-such-config'), HTTP_PORT: '0', MQTT_PORT: '0' });
    expect(r.code).toBe(2);
    expect(r.err).toContain(`CONFIG_DIR ${join(dir, 'no-such-config')} does not exist: set CONFIG_DIR to the directory holding the *.yaml files`);
    expect(r.err).toContain(`DATA_DIR ${join(file, 'data')} is not a directory (a file is in the way): set DATA_DIR to a directory DepotWatch may write`);
    expect(r.out + r.err).not.toMatch(STACK_LINE);
  });

  it('an external broker that is not there is one warning with the remedy; the server keeps running, not ready', async () => {
    const closed = await freePort();
    const httpPort = await freePort();
    const server = start('server/src/main.ts', { MQTT_URL: `mqtt://127.0.0.1:${closed}`, HTTP_PORT: String(httpPort), DATA_DIR: dataDir('ext-broker') }, /cannot be reached/);
    try {
      await server.up;
      const warnings = server.output().split('\n').filter((l) => l.includes('"level":40'));
      expect(warnings).toHaveLength(1);
      expect(JSON.parse(warnings[0] ?? '{}')).toMatchObject({
        msg: `the MQTT broker at mqtt://127.0.0.1:${closed} cannot be reached: DepotWatch keeps running and retries (GET /readyz answers 503 until then); `
          + 'start it or correct MQTT_URL, or leave MQTT_URL unset to use DepotWatch\'s embedded broker',
      });
      expect(server.output()).not.toMatch(STACK_LINE);
      await waitUntil(async () => (await fetch(`http://127.0.0.1:${httpPort}/healthz`).catch(() => null))?.status === 200);
      expect((await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status).toBe(503);
    } finally {
      await server.stop();
    }
  });
});

async function waitUntil(probe: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('first run: what keeps running', { timeout: 180_000 }, () => {
  it('an unreachable InfluxDB is one warning and the server serves; the demo creates its users; inject finds the broker', async () => {
    const [httpPort, mqttPort, influxPort] = [await freePort(), await freePort(), await freePort()];
    const demo = start('demo/main.ts', {
      HTTP_PORT: String(httpPort), MQTT_PORT: String(mqttPort), SIMULATE: '1', DATA_DIR: dataDir('demo'),
      INFLUX_URL: `http://127.0.0.1:${influxPort}`,
    }, /DepotWatch board:/);
    try {
      await demo.up;
      const out = demo.output();
      const warnings = out.split('\n').filter((l) => l.includes('"level":40'));
      expect(warnings).toHaveLength(1);
      expect(JSON.parse(warnings[0] ?? '{}')).toMatchObject({
        msg: `InfluxDB at http://127.0.0.1:${influxPort} cannot be reached (connection refused): DepotWatch keeps running and retries; `
          + 'telemetry waits in the on-disk queue until it answers. Start InfluxDB, or correct INFLUX_URL (unset: the embedded SQLite store)',
      });
      expect(out).not.toMatch(STACK_LINE);
      expect((await fetch(`http://127.0.0.1:${httpPort}/healthz`)).status).toBe(200);

      // DEMO_USERS is on by default in the demo: three users, each with a long password printed once, that logs in
      const printed = [...out.matchAll(/^ {4}(officer|guard|display) +(\S+) +(\w+)/gm)].map((m) => ({ username: m[1] ?? '', password: m[2] ?? '', role: m[3] }));
      expect(printed.map((u) => [u.username, u.role])).toEqual([['officer', 'officer'], ['guard', 'guard'], ['display', 'display']]);
      for (const u of printed) {
        expect(u.password.length).toBeGreaterThanOrEqual(24);
        const login = await fetch(`http://127.0.0.1:${httpPort}/api/auth/login`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: u.username, password: u.password }),
        });
        expect(login.status, u.username).toBe(200);
      }

      // the simulator CLI reads MQTT_PORT like the server and finds the demo's simulated K101 there
      const sent = await run('collectors/src/simulator/cli.ts', { MQTT_PORT: String(mqttPort) }, ['inject', 'fire', 'K101', 'A']);
      expect(sent.err).toBe('');
      expect(sent.code).toBe(0);
      expect(sent.out).toContain(`on mqtt://127.0.0.1:${mqttPort}`);
    } finally {
      await demo.stop();
    }
  });
});

describe('simulator CLI: the broker it talks to', { timeout: 120_000 }, () => {
  it('says it cannot reach a broker that is not there, exit 1', async () => {
    const closed = await freePort();
    const r = await run('collectors/src/simulator/cli.ts', { MQTT_PORT: String(closed) }, ['inject', 'fire', 'K101', 'A']);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(`simulate: cannot reach the MQTT broker at mqtt://127.0.0.1:${closed} (connection refused): is DepotWatch running (npm start)? `
      + 'Point at its broker with MQTT_PORT=… or MQTT_URL=… (the same as the server), or --url');
  });

  it('says so when the broker there is not the demo\'s (no simulated depot online), exit 1', async () => {
    const other = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, root: 'depots', logger: silentLogger, verifyCollector: () => Promise.resolve(null) });
    try {
      const r = await run('collectors/src/simulator/cli.ts', { MQTT_URL: `mqtt://127.0.0.1:${other.port}` }, ['inject', 'fire', 'K101', 'A']);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`simulate: sent, but no simulated depot K101 is online on the MQTT broker at mqtt://127.0.0.1:${other.port}: is this DepotWatch's broker?`);
    } finally {
      await other.close();
    }
  });
});
