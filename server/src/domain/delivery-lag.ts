/**
 * How late messages reach the live state now, compared with how late they usually do.
 *
 * Silence is judged on the centre's clock (a device is "not reporting" when nothing of it has been
 * received for `staleFactor` × its interval). When the centre itself falls behind (its CPU starved,
 * the broker backed up), every device's messages arrive late together and that judgement fails for
 * all of them at once: the 2026-12-02 wall soak saw 6,934 "not reporting" alarms from a centre 30 s
 * behind, for devices that never stopped. The readings say otherwise: their own timestamps keep
 * moving on. So each message's lateness is kept (`receivedAt − ts`, less the lowest this device showed
 * in the last hour, which absorbs its clock's offset), and the lateness now is the least lateness of
 * what arrived from anywhere in the last few seconds. It is the site's, not a depot's: a backlog at the
 * centre delays every depot alike, and the site's many devices keep the figure current between two
 * messages of a depot that has few; one slow device, or one depot on a slow link, does not make the
 * site late (that depot's silence is judged on the centre's clock, as it should be). Pure; the caller
 * owns the clock.
 */
export interface DeliveryLag {
  /** one message of `device` stamped `ts`, received at `receivedAt`; returns its lateness (≥ 0, ms) */
  note(device: string, ts: number, receivedAt: number): number;
  /**
   * how late deliveries run at `now` (ms, ≥ 0); 0 once nothing at all has arrived for a minute: the
   * centre is cut off then, not behind, and silence is judged on its clock alone
   */
  lateness(now: number): number;
}

/** a device's usual lateness is the lowest of this window and the one before (so 1–2 h back) */
const BASELINE_BUCKET_MS = 3_600_000;
/** the lateness now: the least of what arrived in this window (and the one before, while this one is young) */
const RECENT_BUCKET_MS = 2_000;
/** beyond this the centre is broken rather than behind: silence is judged on its clock again */
export const MAX_CREDITED_LATENESS_MS = 600_000;
/** nothing from anywhere for this long: cut off, not behind */
const HOLD_MS = 60_000;

interface Baseline { min: number; prevMin: number; since: number }

export function createDeliveryLag(): DeliveryLag {
  const baselines = new Map<string, Baseline>();
  let recentMin = Infinity;
  let recentSince = -Infinity;
  let previousMin = Infinity;
  let lastReceivedAt = -Infinity;

  return {
    note(device, ts, receivedAt) {
      const lag = receivedAt - ts;
      let b = baselines.get(device);
      if (!b) baselines.set(device, (b = { min: lag, prevMin: lag, since: receivedAt }));
      else if (receivedAt - b.since >= BASELINE_BUCKET_MS) { b.prevMin = b.min; b.min = lag; b.since = receivedAt; }
      else if (lag < b.min) b.min = lag;
      const late = Math.max(0, lag - Math.min(b.min, b.prevMin));
      if (receivedAt - recentSince >= RECENT_BUCKET_MS) {
        // a gap of more than one bucket leaves nothing of the one before to compare with
        previousMin = receivedAt - recentSince < 2 * RECENT_BUCKET_MS ? recentMin : Infinity;
        recentMin = late;
        recentSince = receivedAt;
      } else if (late < recentMin) recentMin = late;
      if (receivedAt > lastReceivedAt) lastReceivedAt = receivedAt;
      return late;
    },
    lateness(now) {
      if (!(now - lastReceivedAt <= HOLD_MS)) return 0;
      // the bucket before counts while this one is young (its first message may be one slow device's)
      const least = now - recentSince < RECENT_BUCKET_MS ? Math.min(recentMin, previousMin) : recentMin;
      return Number.isFinite(least) ? Math.min(least, MAX_CREDITED_LATENESS_MS) : 0;
    },
  };
}

/**
 * How long a device has been silent, for the staleness rule: the time since its last message was
 * received, or, when deliveries run late, the time since that message was sent (its lateness added
 * back) up to what the site has delivered by now (the lateness now taken off), whichever is shorter.
 * On time, the two are one; a late message never makes a device more silent than the centre's clock
 * says; a device that stopped while the centre is behind still ages as the rest moves on. Between two
 * arrivals the site is taken to move on at the clock's pace, so a sparse site under a backlog may hear
 * of a stopped device a little before its own time says so, never before the centre's clock would.
 */
export function silentFor(now: number, receivedAt: number, lateBy: number, lateness: number): number {
  return Math.min(now - receivedAt, now - lateness - (receivedAt - lateBy));
}
