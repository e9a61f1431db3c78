import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { io as ioClient, type Socket } from 'socket.io-client';
import type { SiteConfig } from '../../config/schema.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../server/src/contracts/api.js';
import { silentLogger } from '../../server/src/adapters/logger.js';
import { parseEnv } from '../../server/src/settings.js';
import { startSystem, type System } from '../../server/src/system.js';
import type { Clock } from '../../server/src/ports/clock.js';
import { startDemoSimulator } from '../../demo/simulate.js';

export const ADMIN_PASSWORD = 'test-admin-password';

export interface TestSystem {
  system: System;
  base: string;
  /** a publisher on the same broker as the system: anonymous from loopback, as the simulator and local tools are */
  mqtt: MqttClient;
  /** a client logged in as the centre (on the embedded broker; anonymous on an external one): it may read every
   * depot's retained collector/config, which anonymous clients may not */
  centreMqtt(): Promise<MqttClient>;
  login(username?: string, password?: string): Promise<string>;
  api<T = unknown>(path: string, token: string, init?: RequestInit): Promise<{ status: number; body: T }>;
  socket(token: string | undefined): Socket<ServerToClientEvents, ClientToServerEvents>;
  stop(): Promise<void>;
}

/**
 * The whole DepotWatch (ingest, stores, live state, HTTP, Socket.IO) in this process, on ephemeral
 * ports with a temporary data directory. `env` overrides any variable (MQTT_URL, INFLUX_URL…).
 */
export async function startTestSystem(opts: { env?: Record<string, string>; site?: SiteConfig; tickMs?: number; clock?: Clock; sessionCheckMs?: number } = {}): Promise<TestSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'depotwatch-test-'));
  const env = parseEnv({
    HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', MQTT_PORT: '0', MQTT_HOST: '127.0.0.1', DATA_DIR: dataDir, SIMULATE: '0',
    ADMIN_PASSWORD, WEB_DIR: join(dataDir, 'no-web'), LOG_LEVEL: 'silent', ...opts.env,
  });
  const system = await startSystem(env, silentLogger, {
    ...(opts.site ? { site: opts.site } : {}), tickMs: opts.tickMs ?? 50,
    ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.sessionCheckMs ? { sessionCheckMs: opts.sessionCheckMs } : {}),
  });
  // the demo's composition: simulated depots beside the centre when SIMULATE asks for them
  const stopSimulator = await startDemoSimulator(system, env, silentLogger);
  const base = `http://127.0.0.1:${system.httpPort}`;
  const mqtt = await connectAsync(system.mqttUrl, { clientId: `test-pub-${Math.random().toString(16).slice(2)}`, reconnectPeriod: 0 });
  const sockets: Socket[] = [];
  const extraMqtt: MqttClient[] = [];
  return {
    system,
    base,
    mqtt,
    async centreMqtt() {
      const login = system.centreMqttLogin ?? {};
      // the centre's own client id is bound to its account, so any other id of ours will do
      const client = await connectAsync(system.mqttUrl, { clientId: `test-centre-${Math.random().toString(16).slice(2)}`, reconnectPeriod: 0, ...login });
      extraMqtt.push(client);
      return client;
    },
    async login(username = 'admin', password = ADMIN_PASSWORD) {
      const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    async api<T>(path: string, token: string, init: RequestInit = {}) {
      const res = await fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
    socket(token) {
      const s = ioClient(base, { transports: ['websocket'], reconnection: false, ...(token !== undefined ? { auth: { token } } : {}) });
      sockets.push(s);
      return s as Socket<ServerToClientEvents, ClientToServerEvents>;
    },
    async stop() {
      for (const s of sockets) s.disconnect();
      await mqtt.endAsync();
      for (const c of extraMqtt) await c.endAsync();
      await stopSimulator?.();
      await system.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** a clock the test moves by hand: time windows without sleeps */
export class FakeClock implements Clock {
  constructor(private t: number = Date.now()) {}
  now(): number { return this.t; }
  advance(ms: number): void { this.t += ms; }
}

/** polls `probe` until it returns a truthy value or `timeoutMs` passes */
export type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;
export async function waitFor<T>(probe: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v as Truthy<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
