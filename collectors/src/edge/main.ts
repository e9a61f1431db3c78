import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../../../config/loader.js';
import { createLogger } from '../../../lib/logger.js';
import { loadEdgeConfig } from './config-loader.js';
import { createSpoolSink } from './link/spool-sink.js';
import { startEdge } from './edge.js';

/**
 * `npm run edge -- --config FILE`: the edge collector of one depot. The composition root: the only reader of
 * the command line, the environment and the signals. Exit 2 for a bad command line or configuration (the file,
 * the path in it and the reason on stderr), 1 for a failure to start, 0 after SIGINT/SIGTERM.
 */

const USAGE = 'usage: edge --config FILE [--log-level info]';

function usage(message: string): never {
  process.stderr.write(`edge: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: { config?: string; 'log-level'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { config: { type: 'string' }, 'log-level': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (err) {
    usage(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.config === undefined) usage('--config FILE is required');
  let cfg;
  try {
    cfg = loadEdgeConfig(resolve(values.config));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`edge: ${resolve(values.config)}: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(values['log-level'] ?? process.env.LOG_LEVEL ?? 'info').child({ component: 'edge', depot: cfg.depot });
  const version = process.env.npm_package_version ?? 'dev';
  // every reading goes through the spool (store and forward); the sources run the configuration the link holds:
  // the file's, or the centre's newer collector/config, now or later
  const sink = createSpoolSink(cfg, { logger, version });
  await sink.start();
  const edge = await startEdge(sink.config(), sink, { logger });
  sink.onConfig((next) => {
    edge.replaceSources(next).catch((err: unknown) => logger.error({ err }, 'could not apply the centre configuration to the sources'));
  });
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'stopping');
    edge.stop().then(() => process.exit(0), (err: unknown) => {
      logger.error({ err }, 'stop failed');
      process.exit(1);
    });
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`edge: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
