import type { Cleanup } from './cleanup.js';
import type { LiveClient } from './live-client.js';
import { preciseNow } from './live-client.js';
import { runLoad } from './load.js';
import type { Peers } from './peers.js';
import type { Publisher } from './publisher.js';
import { PROBE_DEPOT, probeMessage } from './site.js';
import { distribution, type Distribution } from './stats.js';

/**
 * MQTT publish → Socket.IO client latency of the DepotWatch server under a background load.
 *
 * A probe message goes out every PROBE_EVERY_MS to one of the probe depot's sensors, in rotation, its
 * value being its sequence number; the attached client timestamps each live:batch and matches probe
 * values to their send times. Publisher and client are both in this process: one clock, no skew.
 * The figure includes the server's live tick (LIVE_TICK_MS, 100 ms by default): values reach boards
 * once per tick by design, so about half a tick is the floor of the median.
 */
const PROBE_EVERY_MS = 20;
/** background load runs this long before the first probe and after the last */
const MARGIN_MS = 1500;
/** a probe not seen this long after the last one was sent is counted lost */
const DRAIN_MS = 3000;

export interface LatencyResult {
  backgroundRate: number;
  backgroundAchievedPerSec: number;
  probesSent: number;
  lost: number;
  /** ms; null when no probe arrived */
  latency: Distribution | null;
  /**
   * ms between consecutive live:batch arrivals while probing. Under load a batch is due every tick, so
   * gaps well beyond the tick show the server's event loop blocked (and every message waiting with it).
   */
  batchGapMs: Distribution | null;
}

export interface LatencyDeps {
  cleanup: Cleanup;
  peers: Peers;
  mqttUrl: string;
  publisher: Publisher;
  live: LiveClient;
  pubs: number;
}

export async function measureLatency(deps: LatencyDeps, backgroundRate: number, probeSec: number): Promise<LatencyResult> {
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  const gaps: number[] = [];
  let probing = false;
  let lastBatch = 0;
  const off = deps.live.onBatch((batch, at) => {
    if (probing && lastBatch > 0) gaps.push(at - lastBatch);
    lastBatch = at;
    for (const s of batch.sensors) {
      if (s.depot !== PROBE_DEPOT || s.value === null) continue;
      const t = sentAt.get(s.value);
      if (t === undefined) continue;
      latencies.push(at - t);
      sentAt.delete(s.value);
    }
  });
  // The background load runs in its own processes; probes go out only while it is at full rate.
  const loadSec = probeSec + (2 * MARGIN_MS) / 1000;
  const load = runLoad(deps.cleanup, deps.peers, { url: deps.mqttUrl, rate: backgroundRate, sec: loadSec, pubs: deps.pubs, qos: 0 });
  let probesSent = 0;
  try {
    await sleep(MARGIN_MS);
    // a sequence base per run, so a late batch from an earlier level can never match this one's probes
    const base = Math.round(preciseNow()) % 1_000_000_000;
    const start = preciseNow();
    probing = true;
    while (preciseNow() - start < probeSec * 1000) {
      const seq = base + probesSent;
      const now = preciseNow();
      const m = probeMessage(seq, Math.round(now));
      sentAt.set(seq, now);
      deps.publisher.publish(m.topic, m.payload, 0);
      probesSent++;
      // scheduled on the ideal grid, so a slow timer does not thin out the probes
      await sleep(Math.max(0, start + probesSent * PROBE_EVERY_MS - preciseNow()));
    }
    probing = false;
    await sleep(DRAIN_MS);
  } finally {
    off();
  }
  const bg = await load;
  return { backgroundRate, backgroundAchievedPerSec: bg.achievedPerSec, probesSent, lost: sentAt.size, latency: distribution(latencies), batchGapMs: distribution(gaps) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
