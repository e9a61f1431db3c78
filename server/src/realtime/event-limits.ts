import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Per-socket budgets for what a client may ask of the server, so that a runaway script or a stolen
 * session cannot turn one socket into a flood of SQLite commits, audit rows or full snapshots:
 *   - operator actions: 30 per 10 s (a guard tapping through a wall of alarms does about 1 a second);
 *   - `live:resync`: 10 per 10 s (a whole snapshot each; the board asks after a reconnect or a gap).
 * Over budget, the event is answered with `rate_limited` and its retry time, and nothing is done.
 */
export const SOCKET_EVENT_LIMITS = { action: { points: 30, durationS: 10 }, resync: { points: 10, durationS: 10 } } as const;
export type LimitedEvent = keyof typeof SOCKET_EVENT_LIMITS;

export function createEventLimits(limits: Readonly<Record<LimitedEvent, { points: number; durationS: number }>> = SOCKET_EVENT_LIMITS) {
  const limiters: Record<LimitedEvent, RateLimiterMemory> = {
    action: new RateLimiterMemory({ keyPrefix: 'socket-action', points: limits.action.points, duration: limits.action.durationS }),
    resync: new RateLimiterMemory({ keyPrefix: 'socket-resync', points: limits.resync.points, duration: limits.resync.durationS }),
  };
  return {
    /** null when within budget, else how long until the next event of this kind would be accepted */
    async take(kind: LimitedEvent, socketId: string): Promise<number | null> {
      try {
        await limiters[kind].consume(socketId);
        return null;
      } catch (err) {
        if (err instanceof RateLimiterRes) return Math.max(1, err.msBeforeNext);
        throw err;
      }
    },
    async forget(socketId: string): Promise<void> {
      await Promise.all(Object.values(limiters).map((l) => l.delete(socketId)));
    },
  };
}
export type EventLimits = ReturnType<typeof createEventLimits>;
