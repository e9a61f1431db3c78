import { ConfigError } from '../../config/loader.js';
import { createLogger } from './adapters/logger.js';
import { EnvError, parseEnv } from './settings.js';
import type { Env } from './settings.js';
import { startSystem, type System } from './system.js';
import type { Logger } from './adapters/logger.js';

/** What a composition above the centre (the demo) starts beside it; the returned function stops it. */
export type Companion = (system: System, env: Readonly<Env>, logger: Logger) => Promise<(() => Promise<void>) | undefined>;

/**
 * Runs the centre as a process: the only reader of process.env. `companion` lets the demo's composition
 * root (demo/main.ts) start the simulator beside it without the centre importing the edge.
 */
export async function runCentre(companion?: Companion): Promise<void> {
  let env;
  try {
    env = parseEnv(process.env);
  } catch (err) {
    if (err instanceof EnvError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(env.LOG_LEVEL);
  let system;
  try {
    system = await startSystem(env, logger);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    logger.fatal({ err }, 'DepotWatch failed to start');
    process.exit(1);
  }
  if (system.generatedAdminPassword) {
    // printed once, on the first start only; it is not stored anywhere in clear
    process.stdout.write(`\n  First start: user "admin" created with password  ${system.generatedAdminPassword}\n  Change it after logging in.\n\n`);
  }
  let stopCompanion: (() => Promise<void>) | undefined;
  try {
    stopCompanion = await companion?.(system, env, logger);
  } catch (err) {
    if (err instanceof EnvError) {
      // a setting the companion refuses (the demo's SIMULATE beside real collectors): say which, plainly
      process.stderr.write(`${err.message}\n`);
      await system.stop();
      process.exit(2);
    }
    logger.fatal({ err }, 'DepotWatch failed to start');
    await system.stop();
    process.exit(1);
  }
  process.stdout.write(`DepotWatch board: http://localhost:${system.httpPort}/\n`);
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

