import { Socket } from 'node:net';
import { connect as mqttConnect, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { withoutCredentials } from '../../../lib/logger.js';
import { topics, type CameraHealthPayload, type CollectorStatusPayload, type SensorReadingPayload } from '../../../server/src/contracts/mqtt.js';
import { BINARY_KINDS, SENSOR_UNITS, type CameraHealth, type SensorKind } from '../../../server/src/contracts/telemetry.js';
import type { DepotConfig, RulesConfig } from '../../../config/schema.js';
import { cameraHealth, hashString, mulberry32, normalBand, sensorValue, type CameraContext, type Rng, type SensorContext } from './models.js';
import { addScenario, linkCut, overrideCamera, overrideSensor, type ActiveScenario } from './scenarios.js';

/**
 * One simulated edge collector: its own MQTT connection with a Last Will, publishing the depot's
 * sensors and camera health at their configured intervals (scaled), state changes at once, with
 * scenario overrides laid over the healthy models.
 */

export const SIM_VERSION = 'sim-1';

export interface DepotAgentOptions {
  mqttUrl: string;
  root: string;
  depot: DepotConfig;
  rules: RulesConfig;
  /** multiplies every device interval: 0.1 publishes ten times faster than configured */
  intervalScale: number;
  faults: boolean;
  seed: number;
  logger: Logger;
  now: () => number;
  username?: string;
  password?: string;
  /** how long start() waits for the first connection */
  connectTimeoutMs?: number;
}

interface SensorSlot { id: string; kind: SensorKind; topic: string; ctx: SensorContext; intervalMs: number; nextDue: number; last?: number }
interface CameraSlot { id: string; topic: string; ctx: CameraContext; intervalMs: number; nextDue: number; last?: CameraHealth }

const MIN_TICK_MS = 50;
const MAX_TICK_MS = 1000;
const STOP_TIMEOUT_MS = 3000;

export class DepotAgent {
  readonly depotId: string;
  private readonly log: Logger;
  private readonly rng: Rng;
  private readonly sensors: SensorSlot[];
  private readonly cameras: CameraSlot[];
  private readonly tickMs: number;
  private readonly statusTopic: string;
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private active: ActiveScenario[] = [];

  constructor(private readonly opts: DepotAgentOptions) {
    const { depot, rules, seed, root, intervalScale } = opts;
    this.depotId = depot.id;
    this.log = opts.logger.child({ depot: depot.id });
    this.rng = mulberry32(seed ^ hashString(depot.id));
    this.statusTopic = topics.collectorStatus(root, depot.id);
    const zones = new Map(depot.zones.map((z) => [z.id, z]));
    this.sensors = depot.sensors.flatMap((s): SensorSlot[] => {
      const zone = zones.get(s.zone);
      if (!zone) return []; // the config schema already refuses unknown zones
      const ctx: SensorContext = {
        seed, depotId: depot.id, depotType: depot.type, utcOffsetMin: depot.utcOffsetMin, zone, sensorId: s.id, kind: s.kind,
        band: normalBand(rules, zone, s.kind),
      };
      return [{ id: s.id, kind: s.kind, topic: topics.sensor(root, depot.id, s.id), ctx, intervalMs: s.intervalS * 1000 * intervalScale, nextDue: 0 }];
    });
    this.cameras = depot.cameras.map((c) => ({
      id: c.id, topic: topics.cameraHealth(root, depot.id, c.id), ctx: { seed, depotId: depot.id, cameraId: c.id },
      intervalMs: c.intervalS * 1000 * intervalScale, nextDue: 0,
    }));
    const shortest = Math.min(...this.sensors.map((s) => s.intervalMs), ...this.cameras.map((c) => c.intervalMs), MAX_TICK_MS * 2);
    // Half the shortest interval keeps publication within ~10 % of schedule without spinning.
    this.tickMs = Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, shortest / 2));
  }

  /** Connects and starts publishing; resolves on the first CONNACK. */
  async start(): Promise<void> {
    this.timer = setInterval(() => this.tick(), this.tickMs);
    const client = this.connect();
    const timeoutMs = this.opts.connectTimeoutMs ?? 10_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`depot ${this.depotId}: no connection to ${withoutCredentials(this.opts.mqttUrl)} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onConnect = () => { cleanup(); resolve(); };
      const cleanup = () => { clearTimeout(timer); client.off('connect', onConnect); };
      client.on('connect', onConnect);
    });
  }

  /** Says goodbye (retained offline status, then DISCONNECT, so no Last Will) and stops every timer. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (!client.connected) {
      client.end(true);
      return;
    }
    const goodbye = async () => {
      await client.publishAsync(this.statusTopic, JSON.stringify(this.status('offline')), { qos: 1, retain: true });
      await client.endAsync();
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, STOP_TIMEOUT_MS); });
    await Promise.race([goodbye().catch((err: unknown) => this.log.warn({ err }, 'clean disconnect failed')), timeout]);
    clearTimeout(timer);
    if (!client.disconnected) client.end(true);
  }

  /** Starts a scenario; its changes go out at once rather than at the devices' next interval. */
  activate(scenario: ActiveScenario): void {
    this.active = addScenario(this.active, scenario);
    this.log.info({ scenario: scenario.name, zone: scenario.zone }, 'scenario started');
    if (scenario.cutsLink) {
      this.cutLink();
      return;
    }
    this.markDue(scenario);
    this.tick();
  }

  /** Ends every scenario at the depot and, after link_lost, reconnects. */
  clear(): void {
    const wasCut = linkCut(this.active);
    const ended = this.active;
    this.active = [];
    this.log.info({ scenarios: ended.map((s) => s.name) }, 'scenarios cleared');
    for (const s of ended) this.markDue(s);
    if (wasCut && this.timer) this.connect();
    else this.tick();
  }

  get scenarios(): readonly ActiveScenario[] {
    return this.active;
  }

  private connect(): MqttClient {
    const { mqttUrl, username, password } = this.opts;
    const client = mqttConnect(mqttUrl, {
      clientId: `sim-${this.depotId}`,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      ...(username !== undefined ? { username } : {}),
      ...(password !== undefined ? { password } : {}),
      // No ts in the will: it is fixed at connect time, and the receipt time is the truthful one.
      will: { topic: this.statusTopic, payload: Buffer.from(JSON.stringify({ state: 'offline', version: SIM_VERSION, spooled: 0 })), qos: 1, retain: true },
    });
    client.on('connect', () => {
      // Readings are small and latency-sensitive; Nagle would hold them back.
      if (client.stream instanceof Socket) client.stream.setNoDelay(true);
      this.log.info({ url: withoutCredentials(mqttUrl) }, 'collector connected');
      client.publish(this.statusTopic, JSON.stringify(this.status('online')), { qos: 1, retain: true }, (err) => {
        if (err) this.log.warn({ err }, 'online status not published');
      });
      // A collector sends a full snapshot after every (re)connect, so the centre needs no history.
      for (const s of this.sensors) s.nextDue = 0;
      for (const c of this.cameras) c.nextDue = 0;
      this.tick();
    });
    client.on('offline', () => this.log.warn('collector offline, reconnecting'));
    client.on('error', (err) => this.log.warn({ err: err.message }, 'mqtt error'));
    this.client = client;
    return client;
  }

  /** link_lost: drop the TCP stream without DISCONNECT so the broker publishes the Last Will; no reconnect until cleared. */
  private cutLink(): void {
    const client = this.client;
    this.client = undefined;
    // end(true) destroys the stream without sending DISCONNECT and disables mqtt.js's reconnect loop.
    client?.end(true);
    this.log.warn('link cut: broker should publish the Last Will');
  }

  private status(state: 'online' | 'offline'): CollectorStatusPayload {
    return { state, ts: this.opts.now(), version: SIM_VERSION, spooled: 0 };
  }

  private markDue(scenario: ActiveScenario): void {
    for (const s of this.sensors) if (scenario.sensors.has(s.id)) s.nextDue = 0;
    for (const c of this.cameras) if (scenario.cameras.has(c.id)) c.nextDue = 0;
  }

  /** Spread later publications ±5 % so a depot's devices do not all fire in the same tick. */
  private nextDue(t: number, intervalMs: number): number {
    return t + intervalMs * (0.95 + 0.1 * this.rng());
  }

  private tick(): void {
    const client = this.client;
    // A real collector would spool while offline; the simulator simply has nothing to catch up on.
    if (!client?.connected) return;
    const t = this.opts.now();
    for (const s of this.sensors) {
      const value = overrideSensor(this.active, s.id, sensorValue(s.ctx, t, this.rng), t);
      const changed = BINARY_KINDS.has(s.kind) && s.last !== undefined && value !== s.last;
      if (t < s.nextDue && !changed) continue;
      const unit = SENSOR_UNITS[s.kind];
      const payload: SensorReadingPayload = { ts: t, kind: s.kind, value, ...(unit ? { unit } : {}) };
      this.publish(client, s.topic, payload);
      s.last = value;
      s.nextDue = this.nextDue(t, s.intervalMs);
    }
    for (const c of this.cameras) {
      const health = overrideCamera(this.active, c.id, cameraHealth(c.ctx, t, this.rng, this.opts.faults));
      const prev = c.last;
      const changed = prev !== undefined && (prev.online !== health.online || prev.recording !== health.recording
        || prev.tamper !== health.tamper || prev.videoLoss !== health.videoLoss);
      if (t < c.nextDue && !changed) continue;
      const payload: CameraHealthPayload = { ts: t, ...health };
      this.publish(client, c.topic, payload);
      c.last = health;
      c.nextDue = this.nextDue(t, c.intervalMs);
    }
  }

  private publish(client: MqttClient, topic: string, payload: object): void {
    client.publish(topic, JSON.stringify(payload), { qos: 1 }, (err) => {
      if (err) this.log.debug({ err: err.message, topic }, 'publish failed');
    });
  }
}
