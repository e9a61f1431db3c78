/**
 * A token bucket on bytes: the backlog replay may use `ratePerSec` bytes a second on average and burst up to
 * `burst`. A batch larger than the tokens left is still let through when the bucket is not in debt, and
 * the debt is paid back before the next one, so any batch size works and the long-run rate holds. Pure: the
 * caller passes the time.
 */
export function createTokenBucket(ratePerSec: number, burst: number, now: number) {
  let tokens = burst;
  let at = now;
  const refill = (t: number) => {
    tokens = Math.min(burst, tokens + ((t - at) / 1000) * ratePerSec);
    at = t;
  };
  return {
    /** takes `bytes` now and returns 0, or returns how many ms to wait before asking again */
    take(bytes: number, t: number): number {
      refill(t);
      if (tokens <= 0) return Math.max(1, Math.ceil((-tokens / ratePerSec) * 1000) + 1);
      tokens -= bytes;
      return 0;
    },
    tokens(t: number): number {
      refill(t);
      return tokens;
    },
  };
}
export type TokenBucket = ReturnType<typeof createTokenBucket>;
