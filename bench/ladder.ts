import { loadavg } from 'node:os';
import type { Cleanup } from './cleanup.js';
import { runLoad } from './load.js';
import type { Qos, SinkId } from './options.js';
import type { Peers } from './peers.js';
import { cpuMicros, peakRssMb } from './procfs.js';
import { firstPass, idleCpuPct, warmUp, type FirstPass } from './prime.js';
import type { Publisher } from './publisher.js';
import type { RunningSink, Sink } from './sinks/types.js';

/**
 * One sink at one QoS: a rate ladder climbed until the first rate the sink does not keep up with.
 *
 * "Kept up" (../shared/bench/README.md): after the load, every published point is in the store and the
 * count gets there within SETTLE_MS, plus GRACE_MS for the last partial batch (the writers flush every
 * 250 ms and a write takes its own time). settleMs is reported, so a stricter reader can apply their own line.
 */
export const SETTLE_MS = 2000;
export const GRACE_MS = 2000;
/** after a miss, how long the count must stand still before it is taken as final */
const STABLE_MS = 2000;
const FINAL_COUNT_MAX_MS = 20_000;
const POLL_MS = 100;
/** below this share of its target the load generator, not the sink, was the limit */
const LOAD_LIMIT_SHARE = 0.95;

export interface StepResult {
  rate: number;
  sec: number;
  sent: number;
  achievedPerSec: number;
  loadLimited: boolean;
  stored: number;
  loss: number;
  /** ms from the end of the load until every point was stored; null when that never happened */
  settleMs: number | null;
  keptUp: boolean;
  /** the sink process's user + system CPU over the step (load and settling), per message sent */
  usPerMsg: number;
  /** live:batch events the attached Socket.IO client received during the step */
  liveBatches?: number;
  /** the machine's 1-minute load average at the end of the step: other work skews every figure */
  loadAvg1m: number;
}

export interface LadderResult {
  sink: SinkId;
  label: string;
  depotWatch: boolean;
  qos: Qos;
  steps: StepResult[];
  /** the highest step kept up, or null when not even the first was */
  best: StepResult | null;
  /** VmHWM of the sink process over the whole ladder */
  peakRssMb: number;
  /** every series once before the ladder, and what that cost */
  firstPass: FirstPass;
  /** the sink's CPU with no load after the first pass, in % of one core */
  idleCpuPct: number;
}

export interface LadderDeps {
  cleanup: Cleanup;
  peers: Peers;
  mqttUrl: string;
  publisher: Publisher;
  rates: readonly number[];
  stepSec: number;
  idleSec: number;
  pubs: number;
}

export async function runLadder(deps: LadderDeps, sink: Sink, qos: Qos): Promise<LadderResult> {
  const running = await sink.start(qos);
  const steps: StepResult[] = [];
  const tag = `  ${sink.id.padEnd(14)} QoS ${qos}`;
  let peak: number;
  let first: FirstPass;
  let idle: number;
  try {
    await warmUp(deps.publisher, running, qos, sink.label);
    first = await firstPass(deps, running);
    idle = await idleCpuPct(running.pid, deps.idleSec * 1000);
    console.log(`${tag} first pass: ${first.stored} of ${first.sent} stored, ${first.cpuSec.toFixed(1)} CPU s, quiet ${(first.quietAfterMs / 1000).toFixed(1)} s after; idle ${idle.toFixed(1)} % of a core`);
    for (const rate of deps.rates) {
      const step = await runStep(deps, running, rate, qos);
      steps.push(step);
      console.log(`${tag} ${formatStep(step)}`);
      if (!step.keptUp) break;
    }
    peak = peakRssMb(running.pid);
  } finally {
    await running.stop();
  }
  const best = steps.filter((s) => s.keptUp).at(-1) ?? null;
  return { sink: sink.id, label: sink.label, depotWatch: sink.depotWatch, qos, steps, best, peakRssMb: peak, firstPass: first, idleCpuPct: idle };
}

async function runStep(deps: LadderDeps, running: RunningSink, rate: number, qos: Qos): Promise<StepResult> {
  const from = Date.now();
  // the window's far end only guards against anything published after this step
  const to = from + (deps.stepSec + 120) * 1000;
  const cpu0 = cpuMicros(running.pid);
  const batches0 = running.live?.batches() ?? 0;
  const load = await runLoad(deps.cleanup, deps.peers, { url: deps.mqttUrl, rate, sec: deps.stepSec, pubs: deps.pubs, qos });
  const loadEnd = Date.now();

  let stored = await running.counter.count(from, to);
  let settleMs: number | null = null;
  while (stored < load.sent && Date.now() - loadEnd <= SETTLE_MS + GRACE_MS) {
    await sleep(POLL_MS);
    stored = await running.counter.count(from, to);
  }
  if (stored >= load.sent) settleMs = Date.now() - loadEnd;
  const cpu1 = cpuMicros(running.pid);
  if (settleMs === null) stored = await finalCount(running, from, to, loadEnd, load.sent);

  const keptUp = settleMs !== null && settleMs <= SETTLE_MS + GRACE_MS;
  return {
    rate, sec: deps.stepSec, sent: load.sent, achievedPerSec: load.achievedPerSec,
    loadLimited: load.achievedPerSec < rate * LOAD_LIMIT_SHARE,
    stored, loss: Math.max(0, load.sent - stored), settleMs, keptUp,
    usPerMsg: load.sent > 0 ? (cpu1 - cpu0) / load.sent : 0,
    ...(running.live ? { liveBatches: running.live.batches() - batches0 } : {}),
    loadAvg1m: +(loadavg()[0] ?? 0).toFixed(2),
  };
}

/** a sink that missed the deadline: wait until its count stops moving, to report the loss, not a backlog */
async function finalCount(running: RunningSink, from: number, to: number, loadEnd: number, sent: number): Promise<number> {
  let stored = await running.counter.count(from, to);
  let stableSince = Date.now();
  while (stored < sent && Date.now() - stableSince < STABLE_MS && Date.now() - loadEnd < FINAL_COUNT_MAX_MS) {
    await sleep(250);
    const n = await running.counter.count(from, to);
    if (n !== stored) { stored = n; stableSince = Date.now(); }
  }
  return stored;
}

export function formatStep(s: StepResult): string {
  const settle = s.settleMs === null ? 'never complete' : `complete after ${(s.settleMs / 1000).toFixed(1)} s`;
  return `${String(s.rate).padStart(6)}/s: sent ${s.sent} (${s.achievedPerSec}/s${s.loadLimited ? ', load-limited' : ''}), stored ${s.stored}, ` +
    `loss ${s.loss}, ${settle}, ${s.usPerMsg.toFixed(1)} µs/msg → ${s.keptUp ? 'kept up' : 'NOT kept up'}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
