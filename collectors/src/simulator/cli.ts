import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { connectAsync, type MqttClient } from 'mqtt';
import { ConfigError, loadSiteConfig } from '../../../config/loader.js';
import type { SiteConfig } from '../../../config/schema.js';
import { brokerUrl, EnvError, logFormat, parseEnvWith, sharedEnvSchema, type SharedEnv } from '../../../lib/env.js';
import { createLogger } from '../../../lib/logger.js';
import { unreachableReason } from '../../../lib/net-errors.js';
import { resolveScenario, SCENARIO_CONTROL_TOPIC, SCENARIO_NAMES, SCENARIOS, ScenarioError, type ScenarioCommand, type ScenarioName } from './scenarios.js';
import { createSimulator } from './simulator.js';

/**
 * `npm run simulate -- <command>`: run simulated depots, inject a scenario into a running
 * simulator over MQTT, or list the scenarios. The composition root of the simulator, so the only
 * file in it allowed to print to the console and read process state.
 */

const USAGE = `usage:
  simulate run [--url mqtt://…] [--count N] [--depots K101,K102] [--scale 0.1]
               [--no-faults] [--seed N] [--root depots] [--config config] [--log-level info]
               [--username U] [--password P]
  simulate inject <scenario> <depot> [zone] [--device ID] [--url …] [--config config]
  simulate list

The broker is the server's: MQTT_URL, else the embedded broker on MQTT_HOST:MQTT_PORT (127.0.0.1:1883);
--url overrides both. MQTT_USERNAME / MQTT_PASSWORD, MQTT_TOPIC_ROOT, LOG_LEVEL and LOG_FORMAT apply too.`;

/** how long inject waits for the depot's simulator to show itself on the broker */
const PRESENCE_WAIT_MS = 2000;

class UsageError extends Error {}

const options = {
  url: { type: 'string' },
  count: { type: 'string' },
  depots: { type: 'string' },
  scale: { type: 'string', default: '1' },
  'no-faults': { type: 'boolean', default: false },
  seed: { type: 'string', default: '1' },
  root: { type: 'string' },
  config: { type: 'string', default: 'config' },
  'log-level': { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  device: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

/** Where and as whom to connect: the command line first, then the same environment the server reads. */
interface Target { url: string; root: string; username?: string; password?: string }

function target(values: Values, env: Readonly<SharedEnv>): Target {
  const username = values.username ?? env.MQTT_USERNAME;
  const password = values.password ?? env.MQTT_PASSWORD;
  return {
    url: values.url ?? brokerUrl(env), root: values.root ?? env.MQTT_TOPIC_ROOT,
    ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}),
  };
}

/** "cannot reach the MQTT broker at …" with what to do about it, instead of mqtt.js's bare error */
class BrokerError extends Error {}
function unreachable(url: string, err: unknown): BrokerError {
  const reason = unreachableReason(err) ?? (err instanceof Error && /no connection to/.test(err.message) ? 'no answer within 10 s' : err instanceof Error ? err.message : String(err));
  return new BrokerError(`cannot reach the MQTT broker at ${url} (${reason}): is DepotWatch running (npm start)? `
    + 'Point at its broker with MQTT_PORT=… or MQTT_URL=… (the same as the server), or --url');
}

function numberOption(name: string, raw: string | undefined, check: (n: number) => boolean, what: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${what}, got "${raw}"`);
  return n;
}

function loadSite(dir: string): SiteConfig {
  return loadSiteConfig(resolve(dir));
}

async function run(values: Values, env: Readonly<SharedEnv>): Promise<void> {
  const site = loadSite(values.config);
  const to = target(values, env);
  const logger = createLogger(values['log-level'] ?? env.LOG_LEVEL, logFormat(env.LOG_FORMAT, process.stderr.isTTY));
  const count = numberOption('count', values.count, (n) => Number.isInteger(n) && n > 0, 'a positive integer');
  const intervalScale = numberOption('scale', values.scale, (n) => n > 0, 'a positive number') ?? 1;
  const seed = numberOption('seed', values.seed, Number.isInteger, 'an integer') ?? 1;
  const depots = values.depots?.split(',').map((s) => s.trim()).filter(Boolean);
  const sim = createSimulator({
    mqttUrl: to.url, site, intervalScale, seed, faults: !values['no-faults'], logger, root: to.root,
    ...(depots !== undefined ? { depots } : {}),
    ...(count !== undefined ? { count } : {}),
    ...(to.username !== undefined ? { username: to.username } : {}),
    ...(to.password !== undefined ? { password: to.password } : {}),
  });
  // starting is connecting: the agents give up after 10 s without a CONNACK
  await sim.start().catch(async (err: unknown) => { await sim.stop().catch(() => undefined); throw unreachable(to.url, err); });
  console.error(`simulating ${sim.depotIds.length} depot(s): ${sim.depotIds.join(', ')} on ${to.url}; Ctrl-C to stop`);
  await new Promise<void>((done) => {
    const shutdown = (signal: string) => {
      console.error(`${signal}: stopping the simulator`);
      sim.stop().then(done, (err: unknown) => { console.error(err); done(); });
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
}

async function inject(values: Values, positionals: readonly string[], env: Readonly<SharedEnv>): Promise<void> {
  const [scenario, depotId, zone] = positionals;
  if (scenario === undefined || depotId === undefined) throw new UsageError('inject needs a scenario and a depot');
  if (!(SCENARIO_NAMES as readonly string[]).includes(scenario)) {
    throw new UsageError(`unknown scenario "${scenario}" (known: ${SCENARIO_NAMES.join(', ')})`);
  }
  const site = loadSite(values.config);
  const depot = site.depots.find((d) => d.id === depotId);
  if (!depot) throw new UsageError(`unknown depot "${depotId}" (configured: ${site.depots.map((d) => d.id).join(', ')})`);
  const cmd: ScenarioCommand = {
    scenario: scenario as ScenarioName, depot: depotId,
    ...(zone !== undefined ? { zone } : {}),
    ...(values.device !== undefined ? { device: values.device } : {}),
  };
  // Resolve here too, so a typo is reported to the person typing rather than only in the simulator's log.
  if (cmd.scenario !== 'clear') resolveScenario(depot, cmd, Date.now());
  const to = target(values, env);
  const client = await connectAsync(to.url, {
    clientId: `sim-inject-${process.pid}`, reconnectPeriod: 0, connectTimeout: 5000,
    ...(to.username !== undefined ? { username: to.username } : {}),
    ...(to.password !== undefined ? { password: to.password } : {}),
  }, false).catch((err: unknown) => { throw unreachable(to.url, err); });
  try {
    // A broker that is not DepotWatch's (Debian's Mosquitto on 1883) takes the message just the same: look for
    // the depot's simulated collector, whose status is retained on the broker it publishes to.
    const present = await collectorOnline(client, `${to.root}/${depotId}/collector/status`);
    await client.publishAsync(SCENARIO_CONTROL_TOPIC, JSON.stringify(cmd), { qos: 1 });
    if (!present) {
      throw new BrokerError(`sent, but no simulated depot ${depotId} is online on the MQTT broker at ${to.url}: is this DepotWatch's broker? `
        + 'Start the demo (npm start), or point at its broker with MQTT_PORT=… or MQTT_URL=… (the same as the server), or --url');
    }
  } finally {
    await client.endAsync();
  }
  process.stdout.write(`sent ${JSON.stringify(cmd)} to ${SCENARIO_CONTROL_TOPIC} on ${to.url}\n`);
}

/** Whether the retained collector status on `topic` says online, within PRESENCE_WAIT_MS. */
async function collectorOnline(client: MqttClient, topic: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const done = (v: boolean) => { clearTimeout(timer); client.off('message', onMessage); resolve(v); };
    const timer = setTimeout(() => done(false), PRESENCE_WAIT_MS);
    const onMessage = (t: string, payload: Buffer) => {
      if (t !== topic) return;
      try {
        done((JSON.parse(payload.toString('utf8')) as { state?: unknown }).state === 'online');
      } catch {
        done(false);
      }
    };
    client.on('message', onMessage);
    client.subscribe(topic, { qos: 0 }, (err) => { if (err) done(false); });
  });
}

function list(): void {
  const width = Math.max(...SCENARIO_NAMES.map((n) => n.length));
  for (const name of SCENARIO_NAMES) process.stdout.write(`${name.padEnd(width)}  ${SCENARIOS[name]}\n`);
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined && !values.help ? 2 : 0;
  }
  const env = parseEnvWith(sharedEnvSchema, process.env);
  switch (command) {
    case 'run': await run(values, env); return 0;
    case 'inject': await inject(values, rest, env); return 0;
    case 'list': list(); return 0;
    default: throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    if (err instanceof UsageError) console.error(`simulate: ${err.message}\n\n${USAGE}`);
    else if (err instanceof ConfigError || err instanceof ScenarioError || err instanceof BrokerError || err instanceof EnvError) console.error(`simulate: ${err.message}`);
    else console.error('simulate:', err instanceof Error ? err.message : err);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
