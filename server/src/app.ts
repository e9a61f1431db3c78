import express from 'express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { createServer, type Server as HttpServer } from 'node:http';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Server as IoServer } from 'socket.io';
import type { Registry } from 'prom-client';
import type { Logger } from './adapters/logger.js';
import type { AuthService } from './services/auth-service.js';
import type { AlarmService } from './services/alarm-service.js';
import type { AlarmActions } from './services/alarm-actions.js';
import type { UserAdmin } from './services/user-admin.js';
import { createLoginThrottle, type LoginLimits } from './services/login-throttle.js';
import type { ConfigService } from './services/config-service.js';
import type { CollectorHealth } from './services/collector-health.js';
import type { CollectorAccounts } from './services/collector-accounts.js';
import type { DiscoveredService } from './services/discovered-service.js';
import type { AlarmStore, AuditInput } from './ports/alarm-store.js';
import { hasDevice, type SiteIndex } from './domain/site-index.js';
import type { LiveState } from './services/live-state.js';
import type { ReplayRunner } from './ports/replay-runner.js';
import type { TelemetryStore } from './ports/telemetry-store.js';
import type { Clock } from './ports/clock.js';
import { requireAuth } from './http/auth-middleware.js';
import { restActionLimit } from './http/action-limit.js';
import { createAuthRouter } from './http/auth-router.js';
import { createDepotsRouter } from './http/depots-router.js';
import { createEngineerRouter } from './http/engineer-router.js';
import { createCollectorsRouter } from './http/collectors-router.js';
import { maskSecretsInJson } from './http/mask-secrets.js';
import { createAlarmsRouter } from './http/alarms-router.js';
import { createAlarmQueries } from './services/alarm-queries.js';
import { createUsersRouter } from './http/users-router.js';
import { createMapRouter } from './http/map-router.js';
import type { MapResponse } from './contracts/map.js';
import { createAlarmHealthRouter } from './http/alarm-health-router.js';
import { createRecurringMaintenanceRouter } from './http/recurring-maintenance-router.js';
import type { RecurringMaintenance } from './services/recurring-maintenance.js';
import type { AlarmHealthQueries } from './adapters/sqlite/alarm-health-queries.js';
import { createConfigRouter } from './http/config-router.js';
import { createRulesRouter } from './http/rules-router.js';
import { createBacktestService, type BacktestOutcomeKind } from './services/backtest-service.js';
import { createEchelonsRouter } from './http/echelons-router.js';
import { createEquipmentRouter } from './http/equipment-router.js';
import { createEquipmentService } from './services/equipment-service.js';
import { createOpsRouter, type ReadinessProbe } from './http/ops-router.js';
import { createSnapshotsRouter } from './http/snapshots-router.js';
import type { SnapshotService } from './services/snapshot-service.js';
import { apiNotFound, errorMiddleware } from './http/errors.js';
import { originGuard } from './realtime/origin.js';
import { attachLiveSockets, type LiveServer, type LiveSockets } from './realtime/live-socket.js';

export interface AppDeps {
  auth: AuthService;
  live: LiveState;
  alarms: AlarmService;
  actions: AlarmActions;
  alarmStore: AlarmStore;
  /** read-only alarm-health queries over the state DB; without them /api/alarm-health is not served */
  alarmHealth?: AlarmHealthQueries;
  /** recurring maintenance windows; without them /api/maintenance/recurring is not served */
  recurring?: RecurringMaintenance;
  users: UserAdmin;
  /** the site configuration's versions (engineers' routes, SPEC §9) */
  config: ConfigService;
  /** writes one audit entry (logins, logouts) */
  audit: (a: AuditInput) => void;
  index: () => SiteIndex;
  telemetry: Pick<TelemetryStore, 'history' | 'readings'>;
  /** where rule backtests replay: worker threads (adapters/workers/replay-pool.ts) */
  replay: ReplayRunner;
  /** each backtest's outcome and duration (metrics) */
  onBacktest?: (outcome: BacktestOutcomeKind, seconds: number) => void;
  /** how many backtests replay now, at each start and end */
  onBacktestRunning?: (n: number) => void;
  /** discovered devices: list, approve into the configuration, ignore */
  discovered: DiscoveredService;
  /** each depot's edge collector health (GET /api/collectors) */
  collectors: CollectorHealth;
  /** the depots' broker accounts (POST /api/collectors/accounts/{depot}/password); absent: not served */
  collectorAccounts?: CollectorAccounts;
  probe: ReadinessProbe;
  /** the configured map outline (adapters/map-outline.ts); absent: none */
  mapOutline?: () => MapResponse;
  registry: Registry;
  clock: Clock;
  logger: Logger;
  /** the built board (dist/web); absent in API-only tests */
  webRoot?: string;
  secureCookies?: boolean;
  /** PUBLIC_ORIGIN: the board's origins behind a reverse proxy; empty = the request's Host */
  publicOrigins?: readonly string[];
  /** login throttling windows (tests shrink them); defaults in services/login-throttle.ts */
  loginLimits?: Partial<LoginLimits>;
  onClients?: (n: number) => void;
  onBacklog?: (n: number) => void;
  /** camera snapshots (SPEC §3); absent: /api/snapshots is not served */
  snapshots?: SnapshotService;
}

/** Express + Socket.IO around injected services; no I/O of its own until `listen`. */
export function createApp(deps: AppDeps) {
  const { logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      // everything from this host only; Chart.js and Svelte set inline style attributes
      directives: { 'default-src': ["'self'"], 'connect-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'style-src': ["'self'", "'unsafe-inline'"], 'font-src': ["'self'"], 'upgrade-insecure-requests': null },
    },
    hsts: false, // air-gapped sites often run plain HTTP on the LAN; HSTS there would lock them out
  }));
  // a whole site configuration is larger than any other request: it gets its own limit, read only after
  // the caller is authenticated (below), so nobody unknown can make the server buffer megabytes
  const json = express.json({ limit: '64kb' });
  app.use((req, res, next) => (req.path.startsWith('/api/config') ? next() : json(req, res, next)));
  app.use(cookieParser());

  app.use(createOpsRouter({ probe: deps.probe, registry: deps.registry }));
  // late-bound: the sockets exist only once the HTTP server does, below
  const late: { sockets?: LiveSockets } = {};
  app.use('/api/auth', createAuthRouter({
    auth: deps.auth, logger: logger.child({ component: 'auth' }), secureCookies: deps.secureCookies ?? false, audit: deps.audit, clock: deps.clock,
    onLogout: (tokenHash) => late.sockets?.disconnectSession(tokenHash),
    onPasswordChanged: (userId, keep) => late.sockets?.disconnectUserExcept(userId, keep),
    throttle: createLoginThrottle({ clock: deps.clock, ...(deps.loginLimits ? { limits: deps.loginLimits } : {}) }),
  }));
  app.use('/api', requireAuth(deps.auth), restActionLimit(), maskSecretsInJson());
  app.use('/api/config', express.json({ limit: '8mb' }));
  app.use('/api', createDepotsRouter({ live: deps.live, telemetry: deps.telemetry, clock: deps.clock }));
  app.use('/api', createEngineerRouter({ discovered: deps.discovered }));
  app.use('/api', createCollectorsRouter({ health: deps.collectors, ...(deps.collectorAccounts ? { accounts: deps.collectorAccounts } : {}) }));
  const queries = createAlarmQueries({ store: deps.alarmStore, alarms: deps.alarms, clock: deps.clock, logger: logger.child({ component: 'audit' }) });
  if (deps.recurring) app.use('/api', createRecurringMaintenanceRouter({ recurring: deps.recurring }));
  app.use('/api', createAlarmsRouter({ alarms: deps.alarms, actions: deps.actions, queries, index: deps.index }));
  app.use('/api', createUsersRouter({ users: deps.users }));
  app.use('/api', createMapRouter({ outline: deps.mapOutline ?? (() => ({ outline: null })) }));
  if (deps.alarmHealth) app.use('/api', createAlarmHealthRouter({ queries: deps.alarmHealth, index: deps.index, clock: deps.clock }));
  app.use('/api', createConfigRouter({ config: deps.config }));
  app.use('/api', createRulesRouter({ backtest: createBacktestService({ index: deps.index, telemetry: deps.telemetry, clock: deps.clock, runner: deps.replay, ...(deps.onBacktest ? { onOutcome: deps.onBacktest } : {}), ...(deps.onBacktestRunning ? { onRunning: deps.onBacktestRunning } : {}) }) }));
  app.use('/api', createEchelonsRouter({ live: deps.live, index: deps.index }));
  if (deps.snapshots) app.use('/api', createSnapshotsRouter({ snapshots: deps.snapshots }));
  app.use('/api', createEquipmentRouter({ equipment: createEquipmentService({ config: deps.config, clock: deps.clock }) }));
  app.use('/api', apiNotFound);

  if (deps.webRoot && existsSync(deps.webRoot)) {
    const root = resolve(deps.webRoot);
    app.use(express.static(root, { index: 'index.html', maxAge: '1h', setHeaders: (res, path) => { if (path.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache'); } }));
    // hash routing means only "/" is a page, but keep deep links working for bookmarks
    app.get('/{*splat}', (_req, res) => res.sendFile(join(root, 'index.html')));
  }
  app.use(errorMiddleware(logger.child({ component: 'http' })));

  const http: HttpServer = createServer(app);
  // a wall display must notice a dead link in seconds, not after the default 45 s
  const io: LiveServer = new IoServer(http, {
    serveClient: false, cors: { origin: false }, pingInterval: 5000, pingTimeout: 5000,
    allowRequest: originGuard(deps.publicOrigins ?? [], (origin) => logger.debug({ origin }, 'live connection from a foreign origin refused')),
  });
  const sockets = attachLiveSockets(io, {
    auth: deps.auth, live: deps.live, alarms: deps.alarms, actions: deps.actions, logger: logger.child({ component: 'live' }),
    knownDevice: (depot, device) => hasDevice(deps.index(), depot, device),
    ...(deps.onClients ? { onClients: deps.onClients } : {}),
    ...(deps.onBacklog ? { onBacklog: deps.onBacklog } : {}),
  });

  late.sockets = sockets;
  return {
    http,
    io,
    sockets,
    listen(port: number, host?: string): Promise<number> {
      return new Promise((resolveListen, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          const addr = http.address();
          resolveListen(typeof addr === 'object' && addr ? addr.port : port);
        });
      });
    },
    async close(): Promise<void> {
      // io.close() also closes the http server, which waits for every connection to end: a board that
      // reconnects at once (long-polling over keep-alive) would hold it open, so cut them all now
      const closing = io.close();
      http.closeAllConnections();
      await closing;
    },
  };
}
export type App = ReturnType<typeof createApp>;
