import { io, type Socket } from 'socket.io-client';
import { INITIAL_SEQUENCE, onBatch, onReconnect, onSnapshot, type FeedSequence } from '../transforms/sequence.js';
import type { ActionResult, AlarmView, ClientToServerEvents, IncidentAckResult, LiveBatch, LiveSnapshot, RateLimitedReply, SeenAlarm, ServerToClientEvents, Snapshot } from '../types.js';

/**
 * The live feed over Socket.IO: a snapshot on join, then coalesced batches. The board must never
 * show old data as if it were current, so the connection state is explicit and carries the time it
 * began — "lost since 14:02" is what the banner shows.
 */
export type ConnectionStatus = 'connecting' | 'live' | 'lost';
export interface ConnectionState { status: ConnectionStatus; since: number }

export interface LiveHandlers {
  snapshot(s: Snapshot): void;
  batch(b: LiveBatch): void;
  state(c: ConnectionState): void;
  /**
   * true from a gap in the sequence or a reconnect until a fresh snapshot has replaced everything
   * (transforms/sequence.ts); never before the first snapshot, which the board calls "waiting"
   */
  reloading(on: boolean): void;
  /** the token was refused or the session ended: back to the login page */
  unauthorized(): void;
}

export interface LiveConnection {
  close(): void;
  /** is the socket up right now (an action sent on a dead socket would wait for a reconnect) */
  readonly connected: boolean;
  /**
   * Socket.IO operator actions, answered through the ack callback. Null when the socket is down or
   * the answer did not come in time: the caller falls back to REST (acknowledging twice is harmless).
   */
  ackIncident(id: string, note: string, alarms: readonly SeenAlarm[]): Promise<ActionResult<IncidentAckResult> | null>;
  ackAlarm(id: string, note: string): Promise<ActionResult<AlarmView> | null>;
}

type BoardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type SocketFactory = (opts: { auth: { token: string } }) => BoardSocket;

const RESYNC_TIMEOUT_MS = 10_000;
const isRateLimited = (r: LiveSnapshot | RateLimitedReply): r is RateLimitedReply => 'error' in r && r.error === 'rate_limited';
const ACTION_TIMEOUT_MS = 6_000;

export function connectLive(token: string, h: LiveHandlers, now: () => number = Date.now, factory?: SocketFactory): LiveConnection {
  const socket: BoardSocket = factory
    ? factory({ auth: { token } })
    : io({ auth: { token }, reconnectionDelay: 1000, reconnectionDelayMax: 5000, timeout: 10_000 });
  let status: ConnectionStatus = 'connecting';
  let connectedOnce = false;
  let closed = false;
  const set = (s: ConnectionStatus): void => {
    if (s === status) return;
    status = s;
    h.state({ status: s, since: now() });
  };
  h.state({ status, since: now() });

  let seq: FeedSequence = INITIAL_SEQUENCE;
  let hadSnapshot = false;
  let resyncing = false;
  const setSeq = (next: FeedSequence): void => {
    const was = seq.phase;
    seq = next;
    if (hadSnapshot && next.phase !== was) h.reloading(next.phase === 'reloading');
  };
  // the data first, then "live": the reloading notice goes only once everything has been replaced
  const takeSnapshot = (s: LiveSnapshot): void => {
    h.snapshot(s);
    if (!hadSnapshot) { hadSnapshot = true; seq = onSnapshot(s.seq); return; }
    setSeq(onSnapshot(s.seq));
  };
  const resync = (): void => {
    if (resyncing || closed || !socket.connected) return;
    resyncing = true;
    socket.timeout(RESYNC_TIMEOUT_MS).emit('live:resync', (err: Error | null, snap?: LiveSnapshot | RateLimitedReply) => {
      resyncing = false;
      // over this connection's budget: ask again when the server says it will answer
      if (!err && snap) {
        if (isRateLimited(snap)) setTimeout(resync, snap.retryAfterMs);
        else takeSnapshot(snap);
        return;
      }
      // no answer: keep asking while the socket is up; a reconnect asks again anyway
      if (seq.phase === 'reloading') resync();
    });
  };

  socket.on('connect', () => {
    set('live');
    // the join snapshot covers the first connection; after a gap, ask again so nothing missed stays stale
    if (connectedOnce) {
      setSeq(onReconnect(seq));
      resync();
    }
    connectedOnce = true;
  });
  socket.on('live:snapshot', (s) => takeSnapshot(s));
  socket.on('live:batch', (b) => {
    const { next, verdict } = onBatch(seq, b.seq);
    setSeq(next);
    if (verdict === 'apply') h.batch(b);
    else if (verdict === 'gap') resync();
  });
  socket.on('session:expired', () => { h.unauthorized(); });
  socket.on('disconnect', (reason) => {
    if (closed) return;
    set('lost');
    // a server-side disconnect is not retried by socket.io itself; a wall display must keep trying
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', (err) => {
    if (err.message === 'unauthorized') { h.unauthorized(); return; }
    // the first attempt failing is as much "no data" as losing an established link
    set('lost');
  });

  const action = <T>(send: (ack: (err: Error | null, r?: ActionResult<T>) => void) => void): Promise<ActionResult<T> | null> =>
    new Promise((resolve) => {
      if (closed || !socket.connected) { resolve(null); return; }
      send((err, r) => resolve(err || !r ? null : r));
    });

  return {
    close: () => {
      closed = true;
      socket.removeAllListeners();
      socket.disconnect();
    },
    get connected() { return !closed && socket.connected; },
    ackIncident: (id, note, alarms) => action<IncidentAckResult>((cb) => socket.timeout(ACTION_TIMEOUT_MS).emit('incident:ack', { id, note, alarms: [...alarms] }, cb)),
    ackAlarm: (id, note) => action<AlarmView>((cb) => socket.timeout(ACTION_TIMEOUT_MS).emit('alarm:ack', { id, note }, cb)),
  };
}
