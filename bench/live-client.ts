import { io as ioClient, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, LiveBatch, LoginResponse, ServerToClientEvents } from '../server/src/contracts/api.js';

/**
 * A wall display as the DepotWatch server sees one: logged in, connected over Socket.IO, receiving the
 * snapshot and then every live batch. It runs in the bench process so that latency probes and batch
 * arrivals are timed on the same clock.
 */
export interface LiveClient {
  /** live:batch events received so far */
  batches(): number;
  /** `at` is the arrival time in epoch ms with sub-ms precision */
  onBatch(listener: (batch: LiveBatch, at: number) => void): () => void;
  close(): void;
}

const CONNECT_TIMEOUT_MS = 30_000;

/** epoch ms from the monotonic clock: the same scale as Date.now(), finer and never stepped */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

export async function connectLiveClient(base: string, username: string, password: string): Promise<LiveClient> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login as ${username} at ${base}: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as LoginResponse;

  // Reconnects as a wall display does: on a loaded machine a blocked event loop can miss the 5 s ping, and a
  // client that stayed away would count every later probe as lost. Probes sent while it is away are lost.
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = ioClient(base, { transports: ['websocket'], reconnection: true, auth: { token } });
  const listeners = new Set<(batch: LiveBatch, at: number) => void>();
  let count = 0;
  socket.on('disconnect', (reason) => { if (reason !== 'io client disconnect') console.error(`  live client disconnected (${reason}); reconnecting`); });
  socket.on('live:batch', (batch) => {
    const at = preciseNow();
    count++;
    for (const l of listeners) l(batch, at);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no live:snapshot from ${base} within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
      socket.once('live:snapshot', () => { clearTimeout(timer); resolve(); });
      socket.once('connect_error', (err) => { clearTimeout(timer); reject(new Error(`Socket.IO connect to ${base}: ${err.message}`)); });
    });
  } catch (err) {
    socket.disconnect();
    throw err;
  }
  return {
    batches: () => count,
    onBatch(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    close: () => { socket.disconnect(); },
  };
}
