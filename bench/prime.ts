import type { Cleanup } from './cleanup.js';
import { runLoad } from './load.js';
import type { Qos } from './options.js';
import type { Peers } from './peers.js';
import { cpuMicros } from './procfs.js';
import type { Publisher } from './publisher.js';
import { SERIES, seriesMessage } from './site.js';
import type { RunningSink } from './sinks/types.js';

/**
 * Bringing a freshly started sink to its steady state before anything is measured.
 *
 * The first sight of every series is not steady state for DepotWatch: it creates each device's live
 * state and, where a value breaks a rule, raises the alarm, groups it into an incident and writes both
 * to SQLite. That cost is reported on its own (the first pass), and the ladder measures what follows.
 */
const WARMUP_POINTS = 20;
const WARMUP_TIMEOUT_MS = 90_000;
/** the first pass: every series once, at a rate every sink takes */
const PRIME_RATE = 2000;
const PRIME_SETTLE_MAX_MS = 60_000;
/** the first pass is over when the sink's CPU falls below this share of a core… */
const QUIET_CPU_SHARE = 0.35;
/** …or after this long, whatever it is doing */
const QUIET_MAX_MS = 30_000;

export interface FirstPass {
  sent: number;
  stored: number;
  /** the sink's CPU seconds from the start of the pass until it was quiet again */
  cpuSec: number;
  /** ms from the end of the pass's load until the sink was quiet */
  quietAfterMs: number;
}

/**
 * Proves the whole path (subscription in place, writes landing) by publishing rounds of a few points
 * until one round is stored completely. Some sinks (Node-RED) say nothing when they are ready, and the
 * first round may race the subscription.
 */
export async function warmUp(publisher: Publisher, running: RunningSink, qos: Qos, label: string): Promise<void> {
  const deadline = Date.now() + WARMUP_TIMEOUT_MS;
  let last = 0;
  while (Date.now() < deadline) {
    const from = Date.now();
    for (let i = 0; i < WARMUP_POINTS; i++) {
      const m = seriesMessage(i, from + i);
      publisher.publish(m.topic, m.payload, qos);
    }
    const roundEnd = Date.now() + 3000;
    while (Date.now() < roundEnd) {
      await sleep(200);
      last = await running.counter.count(from, from + WARMUP_POINTS);
      if (last >= WARMUP_POINTS) return;
    }
  }
  throw new Error(`${label} stored ${last} of ${WARMUP_POINTS} warm-up points within ${WARMUP_TIMEOUT_MS / 1000} s: it is not ingesting`);
}

/** every series once (QoS 0: this is about content, not delivery), then wait until the sink is quiet */
export async function firstPass(deps: { cleanup: Cleanup; peers: Peers; mqttUrl: string; pubs: number }, running: RunningSink): Promise<FirstPass> {
  const from = Date.now();
  const cpu0 = cpuMicros(running.pid);
  const load = await runLoad(deps.cleanup, deps.peers, { url: deps.mqttUrl, rate: PRIME_RATE, sec: SERIES / PRIME_RATE, pubs: deps.pubs, qos: 0 });
  const loadEnd = Date.now();
  let stored = 0;
  while (Date.now() - loadEnd < PRIME_SETTLE_MAX_MS) {
    stored = await running.counter.count(from, from + 3_600_000);
    if (stored >= load.sent) break;
    await sleep(200);
  }
  while (Date.now() - loadEnd < QUIET_MAX_MS && (await cpuShare(running.pid, 1000)) > QUIET_CPU_SHARE) { /* still digesting */ }
  return { sent: load.sent, stored, cpuSec: (cpuMicros(running.pid) - cpu0) / 1e6, quietAfterMs: Date.now() - loadEnd };
}

/**
 * CPU with no load, in % of one core: a fixed cost per second, like a timer re-evaluating every device,
 * would otherwise hide inside µs/msg, inflating it at low rates.
 */
export async function idleCpuPct(pid: number, ms: number): Promise<number> {
  return (await cpuShare(pid, ms)) * 100;
}

async function cpuShare(pid: number, ms: number): Promise<number> {
  const t0 = performance.now();
  const cpu0 = cpuMicros(pid);
  await sleep(ms);
  return (cpuMicros(pid) - cpu0) / ((performance.now() - t0) * 1000);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
