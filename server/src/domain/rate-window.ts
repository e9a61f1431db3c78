/**
 * A sliding count of events over the last few minutes, in fixed buckets, so that a collector's message
 * rate costs a few numbers per depot whatever the traffic. Pure: the caller passes `now`.
 *
 * The rate is the count in the buckets still inside the window divided by the time they cover: a
 * window that began only two minutes ago (the collector has just appeared, or the centre just started)
 * is divided by those two minutes, not by the whole window, so a new collector's rate is not shown too
 * low; within its first minute it is divided by the minute. The bucket being filled counts as far as `now`.
 */
export class RateWindow {
  private readonly counts: number[];
  /** the start of the bucket each slot holds; -1 = empty */
  private readonly starts: number[];
  private firstAt: number | null = null;

  constructor(readonly windowMs = 5 * 60_000, readonly bucketMs = 10_000) {
    if (!(bucketMs > 0) || windowMs < bucketMs) throw new Error('the window must hold at least one bucket');
    const slots = Math.ceil(windowMs / bucketMs);
    this.counts = new Array<number>(slots).fill(0);
    this.starts = new Array<number>(slots).fill(-1);
  }

  add(now: number, n = 1): void {
    const start = Math.floor(now / this.bucketMs) * this.bucketMs;
    const slot = (start / this.bucketMs) % this.counts.length;
    if (this.starts[slot] !== start) {
      this.starts[slot] = start;
      this.counts[slot] = 0;
    }
    this.counts[slot] = (this.counts[slot] ?? 0) + n;
    if (this.firstAt === null) this.firstAt = now;
  }

  /** events per minute over the window (or over the part of it since the first event) */
  perMinute(now: number): number {
    if (this.firstAt === null) return 0;
    const windowStart = Math.floor(now / this.bucketMs) * this.bucketMs - (this.counts.length - 1) * this.bucketMs;
    let total = 0;
    for (let i = 0; i < this.counts.length; i++) {
      const s = this.starts[i] ?? -1;
      if (s >= windowStart && s <= now) total += this.counts[i] ?? 0;
    }
    const from = Math.max(windowStart, Math.floor(this.firstAt / this.bucketMs) * this.bucketMs);
    // never divide by less than a minute (or the whole window, if shorter): in its first minute a collector's
    // rate is what it has sent so far, not one message extrapolated to six a minute
    const spanMs = Math.max(now - from, Math.min(60_000, this.windowMs), this.bucketMs);
    return (total * 60_000) / spanMs;
  }
}
