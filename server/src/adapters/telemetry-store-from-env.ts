import { join } from 'node:path';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import type { Env } from '../settings.js';
import { createInfluxStore } from './influx/influx-store.js';
import type { Logger } from './logger.js';
import { createSqliteTelemetryStore } from './sqlite/telemetry-store.js';

/** The one store selection (SPEC §9): InfluxDB when INFLUX_URL is set, else the embedded SQLite store in DATA_DIR. */
export function telemetryStoreFromEnv(env: Readonly<Env>, logger: Logger): TelemetryStore {
  if (!env.INFLUX_URL) {
    return createSqliteTelemetryStore({ path: join(env.DATA_DIR, 'telemetry.db'), logger: logger.child({ component: 'telemetry-sqlite' }), retentionDays: 400 });
  }
  return createInfluxStore({
    url: env.INFLUX_URL, db: env.INFLUX_DB, logger: logger.child({ component: 'influx' }),
    ...(env.INFLUX_TOKEN ? { token: env.INFLUX_TOKEN } : {}),
    ...(env.INFLUX_USERNAME ? { username: env.INFLUX_USERNAME } : {}),
    ...(env.INFLUX_PASSWORD ? { password: env.INFLUX_PASSWORD } : {}),
  });
}
