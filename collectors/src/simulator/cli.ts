import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { connectAsync } from 'mqtt';
import { ConfigError, loadSiteConfig } from '../../../config/loader.js';
import type { SiteConfig } from '../../../config/schema.js';
import { createLogger } from '../../../lib/logger.js';
import { resolveScenario, SCENARIO_CONTROL_TOPIC, SCENARIO_NAMES, SCENARIOS, ScenarioError, type ScenarioCommand, type ScenarioName } from './scenarios.js';
import { createSimulator } from './simulator.js';

/**
 * `npm run simulate -- <command>`: run simulated depots, inject a scenario into a running
 * simulator over MQTT, or list the scenarios. The composition root of the simulator, so the only
 * file in it allowed to print to the console and read process state.
 */

const USAGE = `usage:
  simulate run [--url mqtt://127.0.0.1:1883] [--count N] [--depots K101,K102] [--scale 0.1]
               [--no-faults] [--seed N] [--root depots] [--config config] [--log-level info]
               [--username U] [--password P]
  simulate inject <scenario> <depot> [zone] [--device ID] [--url …] [--config config]
  simulate list`;

const DEFAULT_URL = 'mqtt://127.0.0.1:1883';

class UsageError extends Error {}

const options = {
  url: { type: 'string', default: DEFAULT_URL },
  count: { type: 'string' },
  depots: { type: 'string' },
  scale: { type: 'string', default: '1' },
  'no-faults': { type: 'boolean', default: false },
  seed: { type: 'string', default: '1' },
  root: { type: 'string' },
  config: { type: 'string', default: 'config' },
  'log-level': { type: 'string', default: 'info' },
  username: { type: 'string' },
  password: { type: 'string' },
  device: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

function numberOption(name: string, raw: string | undefined, check: (n: number) => boolean, what: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${what}, got "${raw}"`);
  return n;
}

function loadSite(dir: string): SiteConfig {
  return loadSiteConfig(resolve(dir));
}

async function run(values: Values): Promise<void> {
  const site = loadSite(values.config);
  const logger = createLogger(values['log-level']);
  const count = numberOption('count', values.count, (n) => Number.isInteger(n) && n > 0, 'a positive integer');
  const intervalScale = numberOption('scale', values.scale, (n) => n > 0, 'a positive number') ?? 1;
  const seed = numberOption('seed', values.seed, Number.isInteger, 'an integer') ?? 1;
  const depots = values.depots?.split(',').map((s) => s.trim()).filter(Boolean);
  const sim = createSimulator({
    mqttUrl: values.url, site, intervalScale, seed, faults: !values['no-faults'], logger,
    ...(values.root !== undefined ? { root: values.root } : {}),
    ...(depots !== undefined ? { depots } : {}),
    ...(count !== undefined ? { count } : {}),
    ...(values.username !== undefined ? { username: values.username } : {}),
    ...(values.password !== undefined ? { password: values.password } : {}),
  });
  await sim.start();
  console.error(`simulating ${sim.depotIds.length} depot(s): ${sim.depotIds.join(', ')} on ${values.url}; Ctrl-C to stop`);
  await new Promise<void>((done) => {
    const shutdown = (signal: string) => {
      console.error(`${signal}: stopping the simulator`);
      sim.stop().then(done, (err: unknown) => { console.error(err); done(); });
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
}

async function inject(values: Values, positionals: readonly string[]): Promise<void> {
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
  const client = await connectAsync(values.url, {
    clientId: `sim-inject-${process.pid}`, reconnectPeriod: 0, connectTimeout: 5000,
    ...(values.username !== undefined ? { username: values.username } : {}),
    ...(values.password !== undefined ? { password: values.password } : {}),
  }).catch((err: unknown) => {
    throw new Error(`cannot reach the broker at ${values.url}: ${err instanceof Error ? err.message : String(err)}`);
  });
  await client.publishAsync(SCENARIO_CONTROL_TOPIC, JSON.stringify(cmd), { qos: 1 });
  await client.endAsync();
  process.stdout.write(`sent ${JSON.stringify(cmd)} to ${SCENARIO_CONTROL_TOPIC} on ${values.url}\n`);
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
  switch (command) {
    case 'run': await run(values); return 0;
    case 'inject': await inject(values, rest); return 0;
    case 'list': list(); return 0;
    default: throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    if (err instanceof UsageError) console.error(`simulate: ${err.message}\n\n${USAGE}`);
    else if (err instanceof ConfigError || err instanceof ScenarioError) console.error(`simulate: ${err.message}`);
    else console.error('simulate:', err instanceof Error ? err.message : err);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
