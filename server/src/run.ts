import { ConfigError } from '../../config/loader.js';
import { logFormat } from '../../lib/env.js';
import { createLogger } from './adapters/logger.js';
import { createDemoUsers, demoUsersText, type DemoUser } from './services/demo-users.js';
import { EnvError, parseEnv } from './settings.js';
import type { Env } from './settings.js';
import { checkDirectories, startupProblem } from './startup-problems.js';
import type { System } from './system.js';
import type { Logger } from './adapters/logger.js';

/** What a composition above the centre (the demo) starts beside it; the returned function stops it. */
export type Companion = (system: System, env: Readonly<Env>, logger: Logger) => Promise<(() => Promise<void>) | undefined>;

export interface RunOptions {
  /** the demo starts its simulated depots beside the centre */
  companion?: Companion;
  /** DEMO_USERS when unset: on for the demo, off for the centre alone */
  demoUsers?: boolean;
  /** how a person started this process, for remedies that can be pasted ("MQTT_PORT=1884 npm start") */
  command?: string;
}

/** A problem of the machine, not a bug: one sentence on stderr, no stack trace, and the exit code. */
function refuse(message: string, code: number): never {
  process.stderr.write(`DepotWatch cannot start: ${message}\n`);
  process.exit(code);
}

/**
 * Runs the centre as a process: the only reader of process.env. `companion` lets the demo's composition
 * root (demo/main.ts) start the simulator beside it without the centre importing the edge.
 */
export async function runCentre(opts: RunOptions = {}): Promise<void> {
  const command = opts.command ?? 'node dist/server/src/main.js';
  let env;
  try {
    env = parseEnv(process.env);
  } catch (err) {
    if (err instanceof EnvError) refuse(err.message, 2);
    throw err;
  }
  const logger = createLogger(env.LOG_LEVEL, logFormat(env.LOG_FORMAT, process.stdout.isTTY));
  const dirProblems = checkDirectories(env);
  if (dirProblems.length > 0) refuse(dirProblems.join('\n  and '), 2);
  let system;
  try {
    // loaded only now: a bad variable or directory is refused before the whole centre is imported
    const { startSystem } = await import('./system.js');
    system = await startSystem(env, logger);
  } catch (err) {
    if (err instanceof ConfigError) refuse(err.message, 2);
    const sentence = startupProblem(err, { env, command });
    if (sentence !== null) refuse(sentence, 1);
    logger.fatal({ err }, 'DepotWatch failed to start');
    process.exit(1);
  }
  const boardUrl = `http://localhost:${system.httpPort}/`;
  if (system.generatedAdminPassword) {
    // printed once, on the first start only; it is not stored anywhere in clear
    process.stdout.write(`\n  First start: user "admin" created with password  ${system.generatedAdminPassword}\n  You will be asked to change it at the first login.\n`);
  }
  if (system.firstStart) {
    let made: DemoUser[] | null = null;
    if (env.DEMO_USERS ?? opts.demoUsers ?? false) {
      made = await createDemoUsers(system.auth, system.site.depots[0]?.id).catch((err: unknown) => {
        logger.error({ err }, 'demo users not created');
        return null;
      });
    }
    process.stdout.write(`\n${demoUsersText(made, boardUrl)}\n\n`);
  }
  let stopCompanion: (() => Promise<void>) | undefined;
  try {
    stopCompanion = await opts.companion?.(system, env, logger);
  } catch (err) {
    if (err instanceof EnvError) {
      // a setting the companion refuses (the demo's SIMULATE beside real collectors): say which, plainly
      process.stderr.write(`${err.message}\n`);
      await system.stop();
      process.exit(2);
    }
    const sentence = startupProblem(err, { env, command });
    if (sentence !== null) process.stderr.write(`DepotWatch cannot start: ${sentence}\n`);
    else logger.fatal({ err }, 'DepotWatch failed to start');
    await system.stop();
    process.exit(1);
  }
  process.stdout.write(`DepotWatch board: ${boardUrl}\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    (stopCompanion ?? (() => Promise.resolve()))().catch((err: unknown) => logger.error({ err }, 'error while stopping'))
      .then(() => system.stop()).then(() => process.exit(0), (err: unknown) => { logger.error({ err }, 'shutdown failed'); process.exit(1); });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
}
