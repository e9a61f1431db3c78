import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * MQTT logins throttled per source address and per account, before the password is checked: every
 * check of a collector's password costs an argon2 hash, and a refused login must cost next to nothing.
 *
 * Each attempt takes a point from its source's and its account's budget *before* the hash (so a burst
 * of parallel attempts cannot all get through while the first hashes are running) and gives it back when
 * the password was right: only failures stay counted. Once a budget is spent, that source's or account's
 * logins are refused unhashed until the window has passed.
 *
 * An account's budget does not apply at the address it last logged in from successfully: someone
 * guessing K101's password from elsewhere must not lock the real K101 collector out. That address is
 * still held to its own per-source budget.
 */
export interface LoginThrottleOptions {
  /** failed logins allowed per source address per window (default 10) */
  perSource?: number;
  /** failed logins allowed per account per window, across addresses (default 20) */
  perAccount?: number;
  /** the window in seconds (default 60) */
  windowS?: number;
}

export type ThrottleVerdict = { ok: true; settle: (success: boolean) => void } | { ok: false; by: 'source' | 'account'; retryAfterMs: number };

export interface LoginThrottle {
  /** asks before checking the password; `settle` reports whether it was right */
  begin(source: string, account: string): Promise<ThrottleVerdict>;
}

export function createLoginThrottle(opts: LoginThrottleOptions = {}): LoginThrottle {
  const duration = opts.windowS ?? 60;
  const bySource = new RateLimiterMemory({ points: opts.perSource ?? 10, duration });
  const byAccount = new RateLimiterMemory({ points: opts.perAccount ?? 20, duration });
  // bounded by the number of accounts (only known accounts succeed)
  const lastGoodSource = new Map<string, string>();

  const take = async (limiter: RateLimiterMemory, key: string): Promise<number | null> => {
    try {
      await limiter.consume(key);
      return null;
    } catch (res) {
      if (res instanceof RateLimiterRes) return res.msBeforeNext;
      throw res;
    }
  };

  return {
    async begin(source, account) {
      const sourceWait = await take(bySource, source);
      if (sourceWait !== null) return { ok: false, by: 'source', retryAfterMs: sourceWait };
      const trusted = lastGoodSource.get(account) === source;
      if (!trusted) {
        const accountWait = await take(byAccount, account);
        if (accountWait !== null) {
          await bySource.reward(source);
          return { ok: false, by: 'account', retryAfterMs: accountWait };
        }
      }
      let settled = false;
      return {
        ok: true,
        settle(success) {
          if (settled || !success) return;
          settled = true;
          lastGoodSource.set(account, source);
          void bySource.reward(source);
          if (!trusted) void byAccount.reward(account);
        },
      };
    },
  };
}

/**
 * Logs a repeated event at most once per key and interval, saying how many were left unlogged since:
 * a flood of throttled logins or oversized packets must not flood the log as well.
 */
export function createLogLimiter(intervalMs: number, now: () => number = Date.now) {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (key: string): { log: boolean; suppressed: number } => {
    const t = now();
    const entry = last.get(key);
    if (entry && t - entry.at < intervalMs) {
      entry.suppressed++;
      return { log: false, suppressed: 0 };
    }
    if (last.size > 10_000) for (const [k, v] of last) if (t - v.at >= intervalMs) last.delete(k);
    last.set(key, { at: t, suppressed: 0 });
    return { log: true, suppressed: entry?.suppressed ?? 0 };
  };
}
