import { randomBytes } from 'node:crypto';
import { connect as mqttConnect, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { DEFAULT_TOPIC_ROOT } from '../../../server/src/contracts/mqtt.js';
import type { DepotConfig, SiteConfig } from '../../../config/schema.js';
import { withoutCredentials } from '../../../lib/logger.js';
import { DepotAgent } from './depot-agent.js';
import { resolveScenario, SCENARIO_CONTROL_TOPIC, ScenarioError, scenarioCommandSchema, type ScenarioCommand } from './scenarios.js';

/**
 * The depot simulator: one DepotAgent (own MQTT client, own Last Will) per simulated depot, plus a
 * control client listening on SCENARIO_CONTROL_TOPIC so another process can inject scenarios.
 */

export interface SimulatorOptions {
  mqttUrl: string;
  /** topic root, `depots` by default (SPEC §3) */
  root?: string;
  site: SiteConfig;
  /** depot ids to simulate; default all */
  depots?: string[];
  /** simulate only the first N of them */
  count?: number;
  /** multiplies every device interval; 0.1 publishes ten times faster (tests, demo) */
  intervalScale?: number;
  /** rare camera faults; off makes the telemetry purely healthy (tests) */
  faults?: boolean;
  seed?: number;
  logger: Logger;
  username?: string;
  password?: string;
  /** injected clock; Date.now by default */
  now?: () => number;
}

export interface Simulator {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Applies a scenario; throws ScenarioError when it does not fit the depot or the depot is not simulated here. */
  inject(s: ScenarioCommand): void;
  readonly depotIds: readonly string[];
}

/** The depots to simulate, in configuration order; unknown ids are an error, not a silent skip. */
export function selectDepots(site: SiteConfig, depots?: readonly string[], count?: number): DepotConfig[] {
  let selected: DepotConfig[] = [...site.depots];
  if (depots && depots.length > 0) {
    const known = new Set(site.depots.map((d) => d.id));
    const unknown = depots.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new Error(`unknown depot${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (configured: ${[...known].join(', ')})`);
    }
    const wanted = new Set(depots);
    selected = selected.filter((d) => wanted.has(d.id));
  }
  if (count !== undefined) {
    if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a positive integer, got ${count}`);
    selected = selected.slice(0, count);
  }
  return selected;
}

export function createSimulator(opts: SimulatorOptions): Simulator {
  const log = opts.logger.child({ component: 'simulator' });
  const now = opts.now ?? Date.now;
  const scale = opts.intervalScale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`intervalScale must be a positive number, got ${scale}`);
  const depots = selectDepots(opts.site, opts.depots, opts.count);
  const agents = new Map(depots.map((depot) => [depot.id, {
    depot,
    agent: new DepotAgent({
      mqttUrl: opts.mqttUrl, root: opts.root ?? DEFAULT_TOPIC_ROOT, depot, rules: opts.site.rules,
      intervalScale: scale, faults: opts.faults ?? true, seed: opts.seed ?? 1, logger: log, now,
      ...(opts.username !== undefined ? { username: opts.username } : {}),
      ...(opts.password !== undefined ? { password: opts.password } : {}),
    }),
  }]));
  let control: MqttClient | undefined;

  const inject = (input: ScenarioCommand): void => {
    const cmd = scenarioCommandSchema.parse(input);
    const entry = agents.get(cmd.depot);
    if (!entry) throw new ScenarioError(`depot ${cmd.depot} is not simulated here (simulated: ${[...agents.keys()].join(', ')})`);
    if (cmd.scenario === 'clear') entry.agent.clear();
    else entry.agent.activate(resolveScenario(entry.depot, cmd, now()));
  };

  const onControl = (payload: Buffer, retained: boolean): void => {
    // A retained command is left over from an earlier run; replaying it at start would surprise the operator.
    if (retained) {
      log.warn('ignoring a retained scenario command');
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      log.warn({ payload: payload.toString('utf8', 0, 200) }, 'scenario command is not JSON; ignored');
      return;
    }
    const parsed = scenarioCommandSchema.safeParse(json);
    if (!parsed.success) {
      log.warn({ issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`) }, 'bad scenario command; ignored');
      return;
    }
    try {
      inject(parsed.data);
    } catch (err) {
      if (!(err instanceof ScenarioError)) throw err;
      log.warn({ command: parsed.data, reason: err.message }, 'scenario command ignored');
    }
  };

  const startControl = async (): Promise<void> => {
    const client = mqttConnect(opts.mqttUrl, {
      clientId: `sim-control-${randomBytes(4).toString('hex')}`,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      ...(opts.username !== undefined ? { username: opts.username } : {}),
      ...(opts.password !== undefined ? { password: opts.password } : {}),
    });
    control = client;
    client.on('error', (err) => log.warn({ err: err.message }, 'control client error'));
    client.on('message', (_topic, payload, packet) => onControl(payload, packet.retain));
    let subscribed: ((err?: Error) => void) | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`simulator: no connection to ${opts.mqttUrl} within 10000 ms`)), 10_000);
      subscribed = (err) => { clearTimeout(timer); if (err) reject(err); else resolve(); };
    });
    // Clean sessions lose their subscriptions: subscribe again after every reconnect.
    client.on('connect', () => {
      client.subscribe(SCENARIO_CONTROL_TOPIC, { qos: 1 }, (err) => {
        if (err) log.warn({ err: err.message }, 'control subscription failed');
        subscribed?.(err ?? undefined);
        subscribed = undefined;
      });
    });
    await ready;
  };

  const stop = async (): Promise<void> => {
    const c = control;
    control = undefined;
    await Promise.all([
      ...[...agents.values()].map(({ agent }) => agent.stop()),
      c ? c.endAsync(!c.connected).catch(() => c.end(true)) : Promise.resolve(),
    ]);
    log.info('simulator stopped');
  };

  return {
    depotIds: [...agents.keys()],
    inject,
    stop,
    async start() {
      log.info({ url: withoutCredentials(opts.mqttUrl), depots: [...agents.keys()], intervalScale: scale, faults: opts.faults ?? true }, 'simulator starting');
      try {
        await startControl();
        await Promise.all([...agents.values()].map(({ agent }) => agent.start()));
      } catch (err) {
        await stop();
        throw err;
      }
      log.info('simulator running');
    },
  };
}
