/**
 * The scheduling every source shares: a fixed-rate poll loop that never overlaps itself, a deadline on any
 * promise, and the reconnect backoff.
 */

export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** Rejects with a TimeoutError when `promise` has not settled within `ms`; the timer never outlives it. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms); });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** 1 s, 2 s, 4 s … up to `maxMs`: how long to wait before reconnecting after `failures` failures in a row. */
export function backoffMs(failures: number, maxMs: number, baseMs = 1000): number {
  if (failures <= 0) return 0;
  return Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
}

export interface PollLoop {
  /** stops scheduling and waits for a poll in flight to finish */
  stop(): Promise<void>;
}

/**
 * Calls `poll` at once and then every `everyMs`, measured from the start of each poll; a poll that overruns
 * its period is followed by the next one immediately rather than by two at once. `poll` must not throw
 * (sources catch and log their own failures); a stray rejection goes to `onError` and the loop goes on.
 */
export function startPollLoop(everyMs: number, poll: () => Promise<void>, onError: (err: unknown) => void): PollLoop {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const run = (): void => {
    if (stopped) return;
    const started = Date.now();
    inFlight = poll().catch(onError).finally(() => {
      if (!stopped) timer = setTimeout(run, Math.max(0, started + everyMs - Date.now()));
    });
  };
  run();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}

/**
 * At most `n` of the tasks given to it run at once, the rest wait in order. The camera checks share one, so
 * two dozen cameras on one small edge box decode one or two streams at a time, not all of them.
 */
export function createLimiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}
