import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, LiveBatch, RateLimitedReply, ServerToClientEvents, Snapshot } from '../contracts/api.js';
import {
  ackRequestSchema, actionIdSchema, assignRequestSchema, incidentAckRequestSchema, maintenanceEndSchema, maintenanceRequestSchema, noteRequestSchema,
  outOfServiceRequestSchema, shelveRequestSchema, type ActionResult, type FloodStatus, type MaintenanceView,
} from '../contracts/alarms.js';
import type { Logger } from '../adapters/logger.js';
import { canSeeDepot, type AuthService, type Principal } from '../services/auth-service.js';
import { seesEveryDepot } from '../domain/permissions.js';
import type { LiveState } from '../services/live-state.js';
import type { AlarmUpdate } from '../services/alarm-service.js';
import type { AlarmActions } from '../services/alarm-actions.js';
import { Coalescer } from './coalescer.js';
import { toActionResult } from './action-result.js';
import { createEventLimits } from './event-limits.js';

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
/** `seq`: the sequence number of the last live message sent on this socket (contracts/api.ts Sequenced) */
interface SocketData { principal: Principal; coalescer: Coalescer; seq: number }

const rateLimited = (retryAfterMs: number): RateLimitedReply => ({ ok: false, status: 429, error: 'rate_limited', message: `too many requests on this connection; retry in ${Math.ceil(retryAfterMs / 1000)} s`, retryAfterMs });

export const depotRoom = (depotId: string) => `depot:${depotId}`;

/** Writes pending on a socket's transport beyond which we hold updates back (latest wins meanwhile). */
const MAX_PENDING_PACKETS = 8;

export interface LiveSocketDeps {
  auth: AuthService;
  live: LiveState;
  alarms: { snapshot(visible: (d: string) => boolean): Pick<Snapshot, 'alarms' | 'incidents' | 'flood'>; flood(visible: (d: string) => boolean): FloodStatus };
  actions: AlarmActions;
  /** whether a depot (and a device of it) is configured, for maintenance requests */
  knownDevice: (depot: string, device: MaintenanceView['device']) => boolean;
  logger: Logger;
  onClients?: (n: number) => void;
  onBacklog?: (n: number) => void;
  /** per-socket event budgets; defaults in event-limits.ts */
  eventLimits?: Parameters<typeof createEventLimits>[0];
}

/**
 * SPEC §8 Socket.IO: authenticate in io.use (no valid token, no connection), join one room per
 * visible depot, send a snapshot, then coalesced batches at most once per live-state tick. Operator
 * actions arrive as events with an ack callback and go through the same use cases as REST.
 */
export function attachLiveSockets(io: LiveServer, deps: LiveSocketDeps) {
  const { auth, live, logger } = deps;
  const limits = createEventLimits(deps.eventLimits);

  // Only `auth.token` authenticates a socket. The session cookie does not: a browser attaches it to a
  // WebSocket opened by any page, so a cookie-only socket is how cross-site hijacking works.
  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const principal = auth.authenticate(typeof token === 'string' ? token : undefined);
    if (!principal) return next(new Error('unauthorized'));
    // a generated or admin-set password must be replaced before the account sees anything live
    if (principal.mustChangePassword) return next(new Error('password_change_required'));
    socket.data.principal = principal;
    socket.data.coalescer = new Coalescer();
    socket.data.seq = 0;
    next();
  });

  const snapshotFor = (p: Principal): Snapshot => {
    const visible = (id: string) => canSeeDepot(p, id);
    return { ...live.snapshot(visible), ...deps.alarms.snapshot(visible) };
  };

  io.on('connection', (socket: LiveSocket) => {
    const { principal } = socket.data;
    for (const d of live.depots((id) => canSeeDepot(principal, id))) void socket.join(depotRoom(d.id));
    socket.emit('live:snapshot', { ...snapshotFor(principal), seq: ++socket.data.seq });
    socket.on('live:resync', (ack) => {
      if (typeof ack !== 'function') return;
      void limits.take('resync', socket.id).then((retryAfterMs) => {
        if (retryAfterMs !== null) { ack(rateLimited(retryAfterMs)); return; }
        const p = current(socket);
        if (!p) return;
        socket.data.coalescer.clear(); // the snapshot supersedes anything buffered
        // current to the last message sent: the next batch continues from here
        ack({ ...snapshotFor(p), seq: socket.data.seq });
      }).catch((err: unknown) => logger.error({ err }, 'live:resync failed'));
    });
    // the same use cases and the same schemas as REST; a bad payload is answered 400, never thrown
    const a = deps.actions;
    const id = (req: unknown) => actionIdSchema.parse(req).id;
    socket.on('incident:ack', (req, ack) => act(socket, ack, (p) => { const b = incidentAckRequestSchema.parse(req); return a.ackIncident(p, id(req), b.note, b.alarms); }));
    socket.on('incident:note', (req, ack) => act(socket, ack, (p) => a.addNote(p, id(req), noteRequestSchema.parse(req).note)));
    socket.on('incident:assign', (req, ack) => act(socket, ack, (p) => a.assign(p, id(req), assignRequestSchema.parse(req).assignee)));
    socket.on('incident:resolve', (req, ack) => act(socket, ack, (p) => a.resolve(p, id(req), ackRequestSchema.parse(req).note)));
    socket.on('incident:close', (req, ack) => act(socket, ack, (p) => a.close(p, id(req), ackRequestSchema.parse(req).note)));
    socket.on('alarm:ack', (req, ack) => act(socket, ack, (p) => a.ackAlarm(p, id(req), ackRequestSchema.parse(req).note)));
    socket.on('alarm:shelve', (req, ack) => act(socket, ack, (p) => { const b = shelveRequestSchema.parse(req); return a.shelve(p, id(req), b.reason, b.minutes); }));
    socket.on('alarm:unshelve', (req, ack) => act(socket, ack, (p) => a.unshelve(p, id(req), ackRequestSchema.parse(req).note)));
    socket.on('alarm:out_of_service', (req, ack) => act(socket, ack, (p) => a.outOfService(p, id(req), outOfServiceRequestSchema.parse(req).reason)));
    socket.on('alarm:return_to_service', (req, ack) => act(socket, ack, (p) => a.returnToService(p, id(req), ackRequestSchema.parse(req).note)));
    socket.on('maintenance:start', (req, ack) => act(socket, ack, (p) => a.startMaintenance(p, maintenanceRequestSchema.parse(req), deps.knownDevice)));
    socket.on('maintenance:end', (req, ack) => act<MaintenanceView>(socket, ack, (p) => a.endMaintenance(p, maintenanceEndSchema.parse(req).id)));
    deps.onClients?.(io.engine.clientsCount);
    socket.on('disconnect', () => {
      deps.onClients?.(io.engine.clientsCount);
      void limits.forget(socket.id);
    });
    logger.debug({ user: principal.username, id: socket.id }, 'live client connected');
  });

  /** the socket's principal if its session is still alive (this counts as use); else the socket is closed */
  function current(socket: LiveSocket): Principal | null {
    const p = auth.recheck(socket.data.principal.tokenHash, true);
    if (!p) expire(socket);
    else socket.data.principal = p;
    return p;
  }

  /** an operator action: within the socket's budget and on a live session only, answered with a typed result through the ack */
  function act<T>(socket: LiveSocket, ack: unknown, f: (p: Principal) => T): void {
    const answer = (r: ActionResult<T>) => { if (typeof ack === 'function') (ack as (r: ActionResult<T>) => void)(r); };
    void limits.take('action', socket.id).then((retryAfterMs) => {
      if (retryAfterMs !== null) { answer(rateLimited(retryAfterMs)); return; }
      const p = current(socket);
      answer(p ? toActionResult(() => f(p), logger) : { ok: false, status: 401, error: 'session_expired', message: 'your session has ended; log in again' });
    }).catch((err: unknown) => {
      logger.error({ err }, 'socket action failed');
      answer({ ok: false, status: 500, error: 'internal', message: 'internal error' });
    });
  }

  function expire(socket: LiveSocket): void {
    socket.emit('session:expired');
    socket.disconnect(true);
  }

  function flush(): void {
    let backlog = 0;
    for (const socket of io.sockets.sockets.values()) {
      const c = socket.data.coalescer;
      // a client whose transport still has writes queued gets nothing new now; its buffer coalesces
      if (pendingWrites(socket) > MAX_PENDING_PACKETS) {
        backlog += c.size;
        continue;
      }
      const batch = c.take();
      if (batch) socket.emit('live:batch', { ...batch, seq: ++socket.data.seq });
    }
    deps.onBacklog?.(backlog);
  }

  function disconnectWhere(match: (p: Principal) => boolean): void {
    for (const socket of io.sockets.sockets.values()) if (match(socket.data.principal)) expire(socket);
  }

  return {
    /**
     * Called once per live-state tick: buffers the tick's changes per client, then sends each client
     * what it has, so a client gets at most one batch per tick (the bounded rate) and a slow one catches
     * up with only the latest values once its transport drains.
     */
    publish(batch: LiveBatch): void {
      if (batch.sensors.length + batch.cameras.length + batch.depots.length + batch.regions.length > 0 || batch.delivery) {
        // regions roll up only what each client may see; clients with the same scope share one computation
        const regionsByScope = new Map<string, LiveBatch['regions']>();
        for (const socket of io.sockets.sockets.values()) {
          const p = socket.data.principal;
          const visible = (id: string) => canSeeDepot(p, id);
          let regions = batch.regions;
          if (regions.length > 0 && !seesEveryDepot(p)) {
            const key = JSON.stringify(p.depots);
            regions = regionsByScope.get(key) ?? live.regions(visible);
            regionsByScope.set(key, regions);
          }
          socket.data.coalescer.add(regions === batch.regions ? batch : { ...batch, regions }, visible);
        }
      }
      flush();
    },
    /** alarm and incident changes, already committed; sent right away, an alarm must not wait for a tick */
    publishAlarms(u: AlarmUpdate): void {
      const batch: LiveBatch = { sensors: [], cameras: [], depots: [], regions: [], alarms: u.alarms, incidents: u.incidents };
      for (const socket of io.sockets.sockets.values()) {
        const visible = (id: string) => canSeeDepot(socket.data.principal, id);
        socket.data.coalescer.add(batch, visible);
        if (u.floodChanged) socket.data.coalescer.setFlood(deps.alarms.flood(visible));
      }
      flush();
    },
    /**
     * Closes, with `session:expired`, every socket whose session has ended (idle, absolute lifetime,
     * deleted). Run periodically; a display's open socket counts as use of its session.
     */
    recheckSessions(): number {
      let closed = 0;
      for (const socket of io.sockets.sockets.values()) {
        const p = auth.recheck(socket.data.principal.tokenHash, socket.data.principal.role === 'display');
        if (p) continue;
        expire(socket);
        closed++;
      }
      return closed;
    },
    /**
     * After a new configuration version: each socket's scope is resolved again against the new tree
     * (a depot moved into or out of a guard's unit). A socket whose depots changed leaves and joins
     * rooms, loses whatever it had buffered, and gets a fresh snapshot, which the board takes in whole.
     */
    rescope(): number {
      let changed = 0;
      for (const socket of io.sockets.sockets.values()) {
        const before = socket.data.principal;
        const p = auth.recheck(before.tokenHash, false);
        if (!p) { expire(socket); continue; }
        socket.data.principal = p;
        if (JSON.stringify(p.depots) === JSON.stringify(before.depots)) continue;
        const visible = new Set(live.depots((id) => canSeeDepot(p, id)).map((d) => depotRoom(d.id)));
        for (const room of socket.rooms) if (room.startsWith('depot:') && !visible.has(room)) void socket.leave(room);
        for (const room of visible) void socket.join(room);
        socket.data.coalescer.clear();
        socket.emit('live:snapshot', { ...snapshotFor(p), seq: ++socket.data.seq });
        changed++;
      }
      return changed;
    },
    /** drops every socket of a user (role change, disabled account) */
    disconnectUser: (userId: number) => disconnectWhere((p) => p.userId === userId),
    /** drops a user's sockets but those of one session (a password change from that session) */
    disconnectUserExcept: (userId: number, keepTokenHash: string) => disconnectWhere((p) => p.userId === userId && p.tokenHash !== keepTokenHash),
    /** drops the sockets opened with one session (logout) */
    disconnectSession: (tokenHash: string) => disconnectWhere((p) => p.tokenHash === tokenHash),
  };
}
export type LiveSockets = ReturnType<typeof attachLiveSockets>;

/** engine.io keeps unsent packets in `writeBuffer`; its typings mark it private but it is the only signal of a slow client */
function pendingWrites(socket: LiveSocket): number {
  return (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
}
