import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Clock } from '../ports/clock.js';

/**
 * Login throttling (SPEC §7, OWASP ASVS 5.0 V6.3.1) that stops guessing without handing an attacker
 * a way to lock real people out. Every attempt is counted before the password is checked (so a
 * burst of parallel guesses cannot slip through while the hashes run) and given back when it
 * succeeds, so only failures add up, in three windows:
 *   - per address and account: 10 failures in 15 min, then that pair waits 15 min;
 *   - per address, across accounts: 30 failures in 15 min, then that address waits 15 min
 *     (password spraying from one machine);
 *   - per account, across addresses: 20 failures in 15 min, then the account waits 15 min, but only
 *     at addresses it has not signed in from in the last 30 days (a distributed guess at one account).
 * An attacker can thus hold an account shut at new addresses, never at the places its owner already
 * uses; to shut out the owner there, they must fail from that very address. The counters live in
 * memory: a restart forgets them and the known addresses (one more reason to log in from there).
 * A refused attempt is cheap (no hash) and silent; the first refusal of each window returns
 * `firstRefusal` so the caller writes one audit row for it, never one per request.
 */
export interface LoginLimits {
  perAccountAddress: number;
  perAddress: number;
  perAccount: number;
  windowS: number;
  /** how long an address where an account signed in stays exempt from the per-account window */
  knownAddressMs: number;
}
export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perAccountAddress: 10, perAddress: 30, perAccount: 20, windowS: 15 * 60, knownAddressMs: 30 * 86_400_000 };

export type ThrottleScope = 'account_address' | 'address' | 'account';
export type LoginAttempt =
  | { allowed: true; succeeded(): Promise<void> }
  | { allowed: false; scope: ThrottleScope; retryAfterMs: number; firstRefusal: boolean };

/** accounts × addresses remembered for the exemption; beyond that the oldest account is forgotten */
const MAX_KNOWN_ACCOUNTS = 10_000;
const MAX_ADDRESSES_PER_ACCOUNT = 20;

export function createLoginThrottle(opts: { limits?: Partial<LoginLimits>; clock: Clock }) {
  const limits = { ...DEFAULT_LOGIN_LIMITS, ...opts.limits };
  const limiter = (points: number, keyPrefix: string) => new RateLimiterMemory({ keyPrefix, points, duration: limits.windowS, blockDuration: limits.windowS });
  const windows: Record<ThrottleScope, RateLimiterMemory> = {
    account_address: limiter(limits.perAccountAddress, 'login-aa'),
    address: limiter(limits.perAddress, 'login-a'),
    account: limiter(limits.perAccount, 'login-u'),
  };
  const known = new Map<string, Map<string, number>>();

  const isKnown = (account: string, address: string) => {
    const at = known.get(account)?.get(address);
    return at !== undefined && opts.clock.now() - at < limits.knownAddressMs;
  };
  const remember = (account: string, address: string) => {
    let m = known.get(account);
    if (m) known.delete(account); // re-insert: the map's order is least recently used first
    m ??= new Map();
    m.delete(address);
    m.set(address, opts.clock.now());
    while (m.size > MAX_ADDRESSES_PER_ACCOUNT) m.delete(m.keys().next().value as string);
    known.set(account, m);
    while (known.size > MAX_KNOWN_ACCOUNTS) known.delete(known.keys().next().value as string);
  };

  return {
    limits,
    /** counts one attempt of `account` from `address` (both already normalised) before its password is checked */
    async attempt(account: string, address: string): Promise<LoginAttempt> {
      const keys: [ThrottleScope, string][] = [['account_address', `${account}|${address}`], ['address', address]];
      if (!isKnown(account, address)) keys.push(['account', account]);
      const taken: [ThrottleScope, string][] = [];
      for (const [scope, key] of keys) {
        const limit = windows[scope];
        try {
          await limit.consume(key);
          taken.push([scope, key]);
        } catch (err) {
          if (!(err instanceof RateLimiterRes)) throw err;
          // a refused attempt is not tried, so it must not count in the other windows either
          await Promise.all(taken.map(([s, k]) => windows[s].reward(k)));
          return { allowed: false, scope, retryAfterMs: err.msBeforeNext, firstRefusal: err.consumedPoints === limit.points + 1 };
        }
      }
      return {
        allowed: true,
        async succeeded() {
          // a success gives its point back everywhere and clears the pair's run of failures
          await Promise.all(taken.map(([s, k]) => (s === 'account_address' ? windows[s].delete(k) : windows[s].reward(k))));
          remember(account, address);
        },
      };
    },
  };
}
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
