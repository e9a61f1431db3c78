import type { Server, Socket } from 'socket.io';
import { parse as parseCookie } from 'cookie';
import type { ClientToServerEvents, LiveBatch, ServerToClientEvents } from '../contracts/api.js';
import type { Logger } from '../adapters/logger.js';
import { canSeeDepot, type AuthService, type Principal } from '../services/auth-service.js';
import type { LiveState } from '../services/live-state.js';
import { SESSION_COOKIE } from '../http/auth-middleware.js';
import { Coalescer } from './coalescer.js';

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
interface SocketData { principal: Principal; coalescer: Coalescer }

export const depotRoom = (depotId: string) => `depot:${depotId}`;

/** Writes pending on a socket's transport beyond which we hold updates back (latest wins meanwhile). */
const MAX_PENDING_PACKETS = 8;

/**
 * SPEC §8 Socket.IO: authenticate in io.use (no valid token, no connection), join one room per
 * visible depot, send a snapshot, then coalesced batches at most once per live-state tick.
 */
export function attachLiveSockets(io: LiveServer, deps: { auth: AuthService; live: LiveState; logger: Logger; onClients?: (n: number) => void; onBacklog?: (n: number) => void }) {
  const { auth, live, logger } = deps;

  io.use((socket, next) => {
    const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const cookieHeader = socket.handshake.headers.cookie;
    const token = typeof fromAuth === 'string' ? fromAuth : cookieHeader ? parseCookie(cookieHeader)[SESSION_COOKIE] : undefined;
    const principal = auth.authenticate(token);
    if (!principal) return next(new Error('unauthorized'));
    socket.data.principal = principal;
    socket.data.coalescer = new Coalescer();
    next();
  });

  io.on('connection', (socket: LiveSocket) => {
    const { principal } = socket.data;
    const visible = (id: string) => canSeeDepot(principal, id);
    for (const d of live.depots(visible)) void socket.join(depotRoom(d.id));
    socket.emit('live:snapshot', live.snapshot(visible));
    socket.on('live:resync', (ack) => {
      if (typeof ack !== 'function') return;
      socket.data.coalescer.clear(); // the snapshot supersedes anything buffered
      ack(live.snapshot(visible));
    });
    deps.onClients?.(io.engine.clientsCount);
    socket.on('disconnect', () => deps.onClients?.(io.engine.clientsCount));
    logger.debug({ user: principal.username, id: socket.id }, 'live client connected');
  });

  /**
   * Called once per live-state tick: buffers the tick's changes per client, then sends each client
   * what it has, so a client gets at most one batch per tick (the bounded rate) and a slow one catches
   * up with only the latest values once its transport drains.
   */
  function publish(batch: LiveBatch): void {
    if (batch.sensors.length + batch.cameras.length + batch.depots.length + batch.regions.length > 0) {
      for (const socket of io.sockets.sockets.values()) {
        socket.data.coalescer.add(batch, (id) => canSeeDepot(socket.data.principal, id));
      }
    }
    flush();
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
      if (batch) socket.emit('live:batch', batch);
    }
    deps.onBacklog?.(backlog);
  }

  /** drops every socket of a user (logout, role change, disabled account) */
  function disconnectUser(userId: number): void {
    for (const socket of io.sockets.sockets.values()) {
      if (socket.data.principal.userId === userId) {
        socket.emit('session:expired');
        socket.disconnect(true);
      }
    }
  }

  return { publish, disconnectUser };
}
export type LiveSockets = ReturnType<typeof attachLiveSockets>;

/** engine.io keeps unsent packets in `writeBuffer`; its typings mark it private but it is the only signal of a slow client */
function pendingWrites(socket: LiveSocket): number {
  return (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
}
