import { mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { summariseProfile, type ProfileSummary } from './cpu-profile.js';
import type { LadderDeps } from './ladder.js';
import { runLoad } from './load.js';
import { firstPass } from './prime.js';
import type { Sink } from './sinks/types.js';

/**
 * --profile: the DepotWatch server under a steady load, with V8's sampling profiler on, to name the
 * functions the per-message CPU goes to. The server writes its profile when it exits (SIGTERM → its
 * graceful shutdown → process.exit), so it is stopped before the profile is read.
 */
export interface ProfileResult { sink: string; rate: number; sec: number; summary: ProfileSummary }

const PROFILE_EXIT_GRACE_MS = 90_000;
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

export async function profileServer(deps: LadderDeps, sink: Sink, workDir: string, rate: number, sec: number): Promise<ProfileResult> {
  const dir = mkdtempSync(join(workDir, 'cpu-prof-'));
  const running = await sink.start(0, ['--cpu-prof', '--cpu-prof-dir', dir]);
  let fromUs: number;
  let toUs: number;
  try {
    // steady state first: every series seen (alarms raised) and the JIT settled before the window opens
    await firstPass(deps, running);
    await runLoad(deps.cleanup, deps.peers, { url: deps.mqttUrl, rate, sec: 2, pubs: deps.pubs, qos: 0 });
    fromUs = nowUs();
    await runLoad(deps.cleanup, deps.peers, { url: deps.mqttUrl, rate, sec, pubs: deps.pubs, qos: 0 });
    toUs = nowUs();
  } finally {
    // the profile is written on a clean exit only, which waits for the writer to drain its backlog
    await running.stop(PROFILE_EXIT_GRACE_MS);
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`${sink.label} wrote no .cpuprofile into ${dir} (did it exit cleanly?)`);
  return { sink: sink.label, rate, sec, summary: summariseProfile(join(dir, file), fromUs, toUs) };
}
