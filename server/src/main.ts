import { ConfigError } from '../../config/loader.js';
import { createLogger } from './adapters/logger.js';
import { EnvError, parseEnv } from './settings.js';
import { startSystem } from './system.js';

/** Composition root: the only reader of process.env. */
async function main(): Promise<void> {
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
  process.stdout.write(`DepotWatch board: http://localhost:${system.httpPort}/\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    system.stop().then(() => process.exit(0), (err: unknown) => { logger.error({ err }, 'shutdown failed'); process.exit(1); });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
}

void main();
