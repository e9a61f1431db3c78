import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { endMqttSession } from '../../lib/mqtt/connect.js';
import { envSchema } from '../../server/src/settings.js';
import { freePort } from '../../tests/helpers/ports.js';
import { startChild } from '../child.js';
import { connectLiveClient } from '../live-client.js';
import { sqliteCounter, type PointCounter } from '../stores.js';
import { waitForHttp200 } from './ready.js';
import type { RunningSink, Sink, SinkContext } from './types.js';

/**
 * DepotWatch's two deployable processes as bench sinks, started the way an operator would start them
 * (`node --import tsx …/main.ts` with environment variables), each in its own process:
 *   - the server: ingest + live state + Socket.IO, telemetry to InfluxDB or to the embedded SQLite store;
 *   - the standalone ingest process (collectors/): ingest only, to InfluxDB.
 */
const ADMIN_PASSWORD = 'bench-admin-password';
/** the product's default log level: its logging cost is part of its cost */
const LOG_LEVEL = 'info';

export function dwServerSink(ctx: SinkContext, store: 'influx' | 'sqlite'): Sink {
  const db = 'dw_server';
  return {
    id: store === 'influx' ? 'dw-influx' : 'dw-sqlite',
    label: store === 'influx' ? 'DepotWatch server → InfluxDB' : 'DepotWatch server → SQLite',
    depotWatch: true,
    async start(_qos, extraNodeArgs = []) {
      // DepotWatch subscribes at QoS 1 whatever the load uses; the load's QoS decides the delivered QoS.
      if (store === 'influx') await ctx.influx.createDatabase(db);
      const dataDir = mkdtempSync(join(ctx.workDir, `dw-${store}-`));
      const clientId = `bench-dw-${store}-${process.pid}`;
      const port = await freePort();
      const child = startChild(ctx.cleanup, `DepotWatch server (${store})`, process.execPath, [...extraNodeArgs, '--import', 'tsx', 'server/src/main.ts'], {
        env: depotWatchEnv({
          HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1', MQTT_URL: ctx.mqttUrl, MQTT_CLIENT_ID: clientId, CONFIG_DIR: ctx.configDir, DATA_DIR: dataDir,
          WEB_DIR: join(dataDir, 'no-web'), ADMIN_PASSWORD, SIMULATE: '0', LOG_LEVEL,
          ...(store === 'influx' ? { INFLUX_URL: ctx.influx.url, INFLUX_DB: db } : {}),
        }),
      });
      const base = `http://127.0.0.1:${port}`;
      let counter: PointCounter | undefined;
      try {
        await waitForHttp200(`${base}/readyz`, child);
        const live = await connectLiveClient(base, 'admin', ADMIN_PASSWORD);
        counter = store === 'influx' ? ctx.influx.counter(db) : sqliteCounter(join(dataDir, 'telemetry.db'));
        const c = counter;
        return {
          pid: child.pid, counter: c, live,
          async stop(graceMs) {
            live.close();
            c.close();
            await child.stop(graceMs);
            await retire(ctx.mqttUrl, clientId);
            rmSync(dataDir, { recursive: true, force: true });
          },
        } satisfies RunningSink;
      } catch (err) {
        counter?.close();
        await child.stop();
        rmSync(dataDir, { recursive: true, force: true });
        throw err;
      }
    },
  };
}

export function dwIngestSink(ctx: SinkContext): Sink {
  const db = 'dw_ingest';
  return {
    id: 'dw-ingest',
    label: 'DepotWatch ingest process → InfluxDB',
    depotWatch: true,
    async start(_qos, extraNodeArgs = []) {
      await ctx.influx.createDatabase(db);
      const dataDir = mkdtempSync(join(ctx.workDir, 'dw-ingest-'));
      const clientId = `bench-dw-ingest-${process.pid}`;
      const metricsPort = await freePort();
      const child = startChild(ctx.cleanup, 'DepotWatch ingest', process.execPath, [...extraNodeArgs, '--import', 'tsx', 'server/src/ingest/main.ts'], {
        env: depotWatchEnv({
          MQTT_URL: ctx.mqttUrl, MQTT_CLIENT_ID: clientId, INFLUX_URL: ctx.influx.url, INFLUX_DB: db, CONFIG_DIR: ctx.configDir, DATA_DIR: dataDir,
          METRICS_PORT: String(metricsPort), LOG_LEVEL,
        }),
      });
      try {
        // /metrics is served only after the subscription is in place
        await waitForHttp200(`http://127.0.0.1:${metricsPort}/metrics`, child);
      } catch (err) {
        await child.stop();
        rmSync(dataDir, { recursive: true, force: true });
        throw err;
      }
      return {
        pid: child.pid, counter: ctx.influx.counter(db),
        async stop(graceMs) {
          await child.stop(graceMs);
          await retire(ctx.mqttUrl, clientId);
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  };
}

/**
 * A sink that is done for good ends its persistent session: both DepotWatch sinks join the same shared
 * subscription group, and on Mosquitto a stopped member with a live session keeps receiving its share (queued
 * for it), so the next sink would see only half of the load. Everything was measured before this runs.
 */
async function retire(url: string, clientId: string): Promise<void> {
  await endMqttSession({ url, clientId }).catch((err: unknown) => console.error(`could not end the MQTT session ${clientId}: ${String(err)}`));
}

/** The bench's environment minus any DepotWatch variable of the caller's shell, plus `vars`. */
function depotWatchEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of [...Object.keys(envSchema.shape), 'METRICS_PORT', 'NODE_OPTIONS']) delete env[key];
  return { ...env, ...vars };
}
