import { join } from 'node:path';
import { loadSiteConfig } from '../../config/loader.js';
import type { SiteConfig } from '../../config/schema.js';
import { DiscoveryRegistry } from './ingest/discovery.js';
import { createIngest, type Ingest } from './ingest/ingest.js';
import { createApp, type App } from './app.js';
import { argon2Hasher } from './adapters/argon2.js';
import { withoutCredentials, type Logger } from './adapters/logger.js';
import { createMetrics } from './adapters/metrics.js';
import { isLoopback, startEmbeddedBroker, type EmbeddedBroker } from './adapters/mqtt/embedded-broker.js';
import { openStateDb } from './adapters/sqlite/state-db.js';
import { telemetryStoreFromEnv } from './adapters/telemetry-store-from-env.js';
import { createSessionRepo, createUserRepo } from './adapters/sqlite/user-repo.js';
import { createSqliteAlarmStore } from './adapters/sqlite/alarm-store.js';
import { createAlarmHealthQueries } from './adapters/sqlite/alarm-health-queries.js';
import { createRecurringMaintenanceRepo } from './adapters/sqlite/recurring-maintenance-repo.js';
import { createEngineerStateRepo } from './adapters/sqlite/engineer-state-repo.js';
import { createRecurringMaintenance } from './services/recurring-maintenance.js';
import { createConfigRepo } from './adapters/sqlite/config-repo.js';
import { createConfigService, type ConfigService } from './services/config-service.js';
import { createConfigApplier } from './services/config-apply.js';
import { createCollectorHealth } from './services/collector-health.js';
import { createCollectorAccounts } from './services/collector-accounts.js';
import { changedAccounts } from './domain/secrets.js';
import { DEFAULT_TIME_ZONE, depotTimeZone } from './domain/recurrence.js';
import { createDiscoveredService } from './services/discovered-service.js';
import { createAlarmService, type AlarmService } from './services/alarm-service.js';
import { createAlarmActions } from './services/alarm-actions.js';
import { createUserAdmin } from './services/user-admin.js';
import { createMapOutline } from './adapters/map-outline.js';
import { buildSiteIndex, hasDevice } from './domain/site-index.js';
import { expandScope } from './domain/echelons.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { TelemetryStore } from './ports/telemetry-store.js';
import type { AuditInput } from './ports/alarm-store.js';
import { createAuthService, type AuthService } from './services/auth-service.js';
import { createBackfillJournal } from './services/backfill-journal.js';
import { createLiveState, type LiveState } from './services/live-state.js';
import { initTelemetryStore } from './services/telemetry-init.js';
import { NOTHING_SIDELINED, type DepotSideline } from './domain/sideline.js';
import { connectCentreMqtt, firstConnection, openDurableWriter } from './ingest/durable-path.js';
import { deferPubacks } from '../../lib/mqtt/deferred-acks.js';
import type { Env } from './settings.js';
import { createSnapshotFiles } from './adapters/snapshot-files.js';
import { createReplayPool } from './adapters/workers/replay-pool.js';
import { createSnapshotRepo } from './adapters/sqlite/snapshot-repo.js';
import { createSnapshotService, type SnapshotService } from './services/snapshot-service.js';
import type { IncomingSnapshot } from './ingest/normalise-snapshot.js';

/** how often open sockets are checked against their session's idle and absolute end */
const SESSION_CHECK_MS = 30_000;
/** how often old camera snapshots are aged out (and once at start) */
const SNAPSHOT_RETENTION_MS = 10 * 60_000;

export interface System {
  site: SiteConfig;
  httpPort: number;
  mqttUrl: string;
  /** the embedded broker's own account for the centre (in-process tools and tests); null on an external broker */
  centreMqttLogin: { username: string; password: string } | null;
  app: App;
  store: TelemetryStore;
  auth: AuthService;
  live: LiveState;
  alarms: AlarmService;
  /** the site configuration's versions; `site` above is the version that ran at start */
  config: ConfigService;
  /** camera snapshots: stored, attached to alarms, requested, aged out */
  snapshots: SnapshotService;
  /** the admin password generated on first start, if one was (printed once by main) */
  generatedAdminPassword: string | null;
  /** the state database had no users: this is the first start */
  firstStart: boolean;
  stop(): Promise<void>;
}

/**
 * Builds and starts every component in dependency order; stop() takes them down in reverse, draining
 * the telemetry queue before the store closes.
 */
export async function startSystem(env: Readonly<Env>, logger: Logger, opts: { clock?: Clock; site?: SiteConfig; tickMs?: number; sessionCheckMs?: number; collectorSaveMs?: number } = {}): Promise<System> {
  const clock = opts.clock ?? systemClock;
  const stops: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) {
      try { await s(); } catch (err) { logger.error({ err }, 'error while stopping'); }
    }
  };
  try {
    const files = opts.site ?? loadSiteConfig(env.CONFIG_DIR);
    const metrics = createMetrics();

    const stateDb = openStateDb(join(env.DATA_DIR, 'depotwatch.db'));
    stops.push(() => { stateDb.close(); });
    const alarmStore = createSqliteAlarmStore(stateDb);
    // config/*.yaml provisions the configuration; the state store holds its versions (issue 8)
    const config = createConfigService({
      store: createConfigRepo(stateDb), clock, logger: logger.child({ component: 'config' }), audit: (entries) => alarmStore.commit({ audit: entries }),
    });
    const { site } = config.provision(files);
    // replaced by each new configuration version; every component reads it through `() => index`
    let index = buildSiteIndex(site);

    const store: TelemetryStore = telemetryStoreFromEnv(env, logger);
    stops.push(() => store.close());
    const storeInit = await initTelemetryStore(store, env.INFLUX_URL
      ? { logger, where: `InfluxDB at ${new URL(env.INFLUX_URL).origin}`, remedy: 'Start InfluxDB, or correct INFLUX_URL (unset: the embedded SQLite store)' }
      : { logger, where: `the SQLite telemetry store in ${env.DATA_DIR}`, remedy: 'Check DATA_DIR' });
    stops.push(() => storeInit.stop());

    let broker: EmbeddedBroker | undefined;
    if (!env.MQTT_URL) {
      broker = await startEmbeddedBroker({
        host: env.MQTT_HOST, port: env.MQTT_PORT, root: env.MQTT_TOPIC_ROOT, logger: logger.child({ component: 'broker' }),
        admitAnonymous: env.MQTT_ANONYMOUS === 'off' ? () => false : isLoopback,
        onRefused: metrics.broker.onRefused,
        verifyCollector: async (username, password) => {
          const account = index.site.collectors.find((c) => c.depot === username && !c.disabled);
          const hash = account?.passwordHash;
          return hash && (await argon2Hasher.verify(hash, password)) ? username : null;
        },
      });
      stops.push(() => broker?.close());
    }
    const mqttUrl = env.MQTT_URL ?? `mqtt://${env.MQTT_HOST.includes(':') ? `[${env.MQTT_HOST}]` : env.MQTT_HOST}:${broker?.port ?? env.MQTT_PORT}`;

    // the durable path: PUBACK once a message is on disk, the store written from there (closed after MQTT)
    const durable = env.INGEST ? openDurableWriter(env, store, metrics, logger) : null;
    if (durable) stops.push(() => durable.close());

    // the alarm service is built below; until then nothing is in maintenance
    const sideline: { of?: (depot: string) => DepotSideline } = {};
    const live = createLiveState({ index: () => index, clock, sidelined: (depot) => sideline.of?.(depot) ?? NOTHING_SIDELINED });
    metrics.watchLateness(live.lateness);
    // the audit log exists only further down; a summary is written at the earliest a second after its replay ends
    const auditSink: { write?: (entries: AuditInput[]) => void } = {};
    const backfill = createBackfillJournal({
      index: () => index, clock, logger: logger.child({ component: 'backfill' }), audit: (e) => auditSink.write?.(e),
    });
    // ignored devices and the collectors' last status outlive a restart; rejection tallies count since the start
    const engineerState = createEngineerStateRepo(stateDb);
    const discovery = new DiscoveryRegistry();
    discovery.restore(engineerState.ignoredDevices());
    // the applier is built further down; until it has published, a depot's retained collector/config version is unknown
    const publishedConfig: { of?: (depot: string) => number | undefined } = {};
    const collectors = createCollectorHealth({
      index: () => index, clock, configVersion: () => config.current().meta.n, publishedVersion: (depot) => publishedConfig.of?.(depot),
      restored: engineerState.collectorRecords(),
    });
    const saveCollectors = () => {
      try {
        engineerState.saveCollectors(collectors.dirty());
      } catch (err) {
        logger.error({ err }, 'saving the collectors\' last status failed');
      }
    };
    // every few seconds, not per message: a status or a reading is a write at most this often per depot
    const collectorSave = setInterval(saveCollectors, opts.collectorSaveMs ?? 10_000);
    collectorSave.unref();
    stops.push(() => { clearInterval(collectorSave); saveCollectors(); });
    // snapshots need the alarm service and the audit log, built further down; what a persistent session hands over
    // before then waits for it (its PUBACK with it), a few pictures at most
    const lateSnapshots: { service?: SnapshotService; early: [IncomingSnapshot, () => void][] } = { early: [] };
    // on the embedded broker the centre logs in with its internal account (whatever MQTT_ANONYMOUS says),
    // so no anonymous local client can take its client id; on an external one with MQTT_USERNAME/PASSWORD
    const mqttLogin = broker ? broker.centreCredentials : { username: env.MQTT_USERNAME, password: env.MQTT_PASSWORD };
    const mqtt = connectCentreMqtt(mqttUrl, env, 'centre', mqttLogin, logger);
    const acks = durable ? deferPubacks(mqtt) : undefined;
    stops.push(async () => {
      // what arrived is committed and acknowledged before the connection closes; the rest is the broker's
      durable?.queue.commit();
      await mqtt.endAsync();
    });
    const ingest: Ingest = createIngest({
      mqtt, root: env.MQTT_TOPIC_ROOT, index: () => index, writer: durable?.writer ?? null, discovery, clock, metrics: metrics.ingest,
      ...(acks ? { acks } : {}),
      logger: logger.child({ component: 'ingest' }),
      // aedes has no shared subscriptions; with a single embedded broker there is one ingest anyway
      ...(env.MQTT_URL && env.MQTT_SHARE_GROUP && env.INGEST ? { shareGroup: env.MQTT_SHARE_GROUP } : {}),
      onAccepted: (msg, at) => {
        live.apply(msg, at);
        if (msg.type === 'collector') {
          backfill.noteStatus(msg);
          collectors.status(msg, at);
        }
      },
      onBackfill: (msg) => backfill.record(msg),
      onRejected: (depotId, _reason, sample) => {
        live.noteRejected(depotId);
        collectors.rejected(depotId, sample);
      },
      onReceived: (depotId, at) => collectors.received(depotId, at),
      onSnapshot: (snap, done) => {
        if (lateSnapshots.service) lateSnapshots.service.ingest(snap, done);
        else if (lateSnapshots.early.length < 16) lateSnapshots.early.push([snap, done]);
        else done();
      },
    });
    // attached in the same tick as connect(): a persistent session's backlog comes right after CONNACK
    const subscribed = ingest.start();
    // a broker that is down does not stop the start: /readyz says 503 until it is reachable
    if (await firstConnection(mqtt, 5000)) await Promise.race([subscribed, new Promise((r) => setTimeout(r, 5000).unref())]);
    // one sentence with its remedy; the server keeps running (a broker restart must not need a DepotWatch restart)
    else logger.warn(`the MQTT broker at ${withoutCredentials(mqttUrl)} cannot be reached: DepotWatch keeps running and retries (GET /readyz answers 503 until then); `
      + 'start it or correct MQTT_URL, or leave MQTT_URL unset to use DepotWatch\'s embedded broker');
    stops.push(() => ingest.stop());

    const users = createUserRepo(stateDb);
    const sessions = createSessionRepo(stateDb);
    // scopes naming units resolve against the running tree at every check (domain/echelons.ts)
    const auth = createAuthService({ users, sessions, hasher: argon2Hasher, clock, expandScope: (stored) => expandScope(index.echelons, stored) });
    const { created: firstStart, generatedPassword } = await auth.ensureFirstAdmin(env.ADMIN_PASSWORD);

    // the app (and its sockets) is built below; what the services announce reaches it through this
    const late: { app?: App } = {};
    const alarms = createAlarmService({
      store: alarmStore, index: () => index, clock, logger: logger.child({ component: 'alarms' }),
      announce: (u) => {
        late.app?.sockets.publishAlarms(u);
        lateSnapshots.service?.onAlarmUpdate(u);
      },
    });
    alarms.load();
    sideline.of = (depot) => alarms.sidelined(depot);
    // the chain's head, in the log and so outside the database: `npm run audit:verify -- --anchor` checks it later
    const auditHead = alarmStore.auditHead();
    if (auditHead) logger.info({ entries: alarmStore.auditCount(), anchor: `${auditHead.id}:${auditHead.hash}` }, 'audit chain head');
    const applier = createConfigApplier({
      setIndex: (next) => { index = next; }, live, alarms, root: env.MQTT_TOPIC_ROOT, clock, logger: logger.child({ component: 'config' }),
      history: (n) => config.storedConfig(n),
      publishRetained: (topic, payload) => mqtt.publish(topic, payload, { qos: 1, retain: true }, (err) => { if (err) logger.warn({ err: err.message, topic }, 'could not publish collector config'); }),
    });
    config.onApplied(applier.apply);
    config.onApplied(() => { for (const depot of collectors.reconfigured()) engineerState.forgetCollector(depot); });
    // a rotated password, a disabled or removed account: whoever is logged in with the old one is cut off now
    config.onApplied((next, previous) => {
      for (const depot of changedAccounts(previous.site.collectors, next.site.collectors)) broker?.disconnectCollector(depot);
    });
    applier.start(config.current());
    publishedConfig.of = applier.published;
    const actions = createAlarmActions({ alarms, store: alarmStore, clock });
    const recurring = createRecurringMaintenance({
      repo: createRecurringMaintenanceRepo(stateDb), alarms, store: alarmStore, clock, logger: logger.child({ component: 'maintenance' }),
      knownDevice: (depot, device) => hasDevice(index, depot, device),
      depotTimeZone: (depot) => { const d = index.depot(depot); return d ? depotTimeZone(d) : DEFAULT_TIME_ZONE; },
    });
    const audit = (entries: AuditInput[]) => alarmStore.commit({ audit: entries });
    auditSink.write = audit;
    const snapshots = createSnapshotService({
      repo: createSnapshotRepo(stateDb), files: createSnapshotFiles(env.DATA_DIR), index: () => index, alarms, root: env.MQTT_TOPIC_ROOT, audit, clock,
      logger: logger.child({ component: 'snapshots' }),
      retention: { maxAgeMs: env.SNAPSHOT_RETENTION_DAYS * 86_400_000, maxBytes: env.SNAPSHOT_MAX_BYTES },
      publish: (topic, payload) => mqtt.publish(topic, payload, { qos: 1, retain: false }, (err) => { if (err) logger.warn({ err: err.message, topic }, 'could not publish a snapshot request'); }),
      onStoreFailed: () => metrics.ingest.rejected('store_failed', 'unknown'),
    });
    lateSnapshots.service = snapshots;
    for (const [snap, done] of lateSnapshots.early.splice(0)) snapshots.ingest(snap, done);
    const retentionPass = () => snapshots.enforceRetention().catch((err: unknown) => logger.error({ err }, 'snapshot retention failed'));
    void retentionPass();
    const retentionTimer = setInterval(() => void retentionPass(), SNAPSHOT_RETENTION_MS);
    retentionTimer.unref();
    stops.push(() => clearInterval(retentionTimer));
    const userAdmin = createUserAdmin({
      users, sessions, hasher: argon2Hasher, clock, audit: (a) => audit([a]), knownDepot: (id) => !!index.depot(id) || !!index.echelons.node(id),
      dropSockets: (id) => late.app?.sockets.disconnectUser(id),
    });

    const replay = createReplayPool();
    stops.push(() => replay.close());
    const liveApp = createApp({
      auth, live, alarms, actions, alarmStore, alarmHealth: createAlarmHealthQueries(stateDb), recurring, users: userAdmin, config, audit: (a) => audit([a]), index: () => index,
      telemetry: store, replay, onBacktest: metrics.backtest, onBacktestRunning: metrics.backtestRunning, clock, logger, registry: metrics.registry, webRoot: env.WEB_DIR,
      secureCookies: env.SECURE_COOKIES, publicOrigins: env.PUBLIC_ORIGIN,
      discovered: createDiscoveredService({ registry: discovery, config, audit, clock, store: engineerState }), collectors,
      collectorAccounts: createCollectorAccounts({ config, hasher: argon2Hasher, clock, audit }),
      onClients: (n) => metrics.clients.set(n),
      onBacklog: (n) => metrics.liveBacklog.set(n),
      mapOutline: createMapOutline(env.CONFIG_DIR, site.map, logger.child({ component: 'map' })),
      snapshots,
      probe: async () => ({
        broker: mqtt.connected ? { ok: true } : { ok: false, error: 'not connected' },
        telemetry: await store.ping().then(() => ({ ok: true }), (err: unknown) => ({ ok: false, error: String(err) })),
        state: probeState(stateDb),
      }),
    });
    late.app = liveApp;
    // a moved depot changes who sees it: open sockets are re-scoped against the new tree
    config.onApplied(() => liveApp.sockets.rescope());
    const tick = setInterval(() => {
      try {
        const { batch, evaluated } = live.tick();
        // alarms first: they are committed and announced before the readings that caused them go out
        for (const e of evaluated) alarms.onEvaluated(e.depot, e.conditions, e.heard);
        liveApp.sockets.publish(batch);
      } catch (err) {
        logger.error({ err }, 'live state tick failed');
      }
    }, opts.tickMs ?? env.LIVE_TICK_MS);
    stops.push(() => clearInterval(tick));
    const alarmTick = setInterval(() => {
      try {
        alarms.tick();
        recurring.tick();
        backfill.tick();
      } catch (err) {
        logger.error({ err }, 'alarm tick failed');
      }
    }, 1000);
    stops.push(() => clearInterval(alarmTick));
    // an open socket ends with its session: idle and absolute lifetimes are checked this often
    const sessionCheck = setInterval(() => {
      try {
        liveApp.sockets.recheckSessions();
      } catch (err) {
        logger.error({ err }, 'session re-check failed');
      }
    }, opts.sessionCheckMs ?? SESSION_CHECK_MS);
    stops.push(() => clearInterval(sessionCheck));
    const purge = setInterval(() => auth.purgeExpired(), 3600_000);
    purge.unref();
    stops.push(() => clearInterval(purge));

    const httpPort = await liveApp.listen(env.HTTP_PORT, env.HTTP_HOST);
    stops.push(() => liveApp.close());
    logger.info({ port: httpPort, mqtt: withoutCredentials(mqttUrl), telemetry: store.kind }, 'DepotWatch listening');


    return { site, httpPort, mqttUrl, centreMqttLogin: broker?.centreCredentials ?? null, app: liveApp, store, auth, live, alarms, config, snapshots, generatedAdminPassword: generatedPassword, firstStart, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function probeState(db: ReturnType<typeof openStateDb>): { ok: boolean; error?: string } {
  try {
    db.prepare('SELECT 1').get();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: String(err) };
  }
}
