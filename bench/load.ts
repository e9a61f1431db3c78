import { startChild } from './child.js';
import type { Cleanup } from './cleanup.js';
import type { Qos } from './options.js';
import type { Peers } from './peers.js';

export interface LoadSpec { url: string; rate: number; sec: number; pubs: number; qos: Qos }
export interface LoadResult { sent: number; sec: number; achievedPerSec: number }

/** extra time for the publishers to connect, flush and exit; QoS 1 at a high rate flushes slowly */
const LOAD_SLACK_MS = 60_000;

/** Runs load.mjs to completion and returns its one-line JSON report. */
export async function runLoad(cleanup: Cleanup, peers: Peers, spec: LoadSpec): Promise<LoadResult> {
  const child = startChild(cleanup, 'load.mjs', process.execPath, [
    peers.script('load.mjs'), '--url', spec.url, '--rate', String(spec.rate), '--sec', String(spec.sec),
    '--pubs', String(spec.pubs), '--qos', String(spec.qos),
  ], { keepStdout: true });
  const timer = setTimeout(() => void child.stop(2000), spec.sec * 1000 + LOAD_SLACK_MS);
  const { code, signal } = await child.exited;
  clearTimeout(timer);
  await child.stop();
  const line = [...child.stdoutLines()].reverse().find((l) => l.startsWith('{'));
  if (code !== 0 || !line) throw new Error(`load.mjs failed (code ${code}, signal ${signal})\n--- output tail ---\n${child.tail()}`);
  const r = JSON.parse(line) as Partial<LoadResult>;
  if (typeof r.sent !== 'number' || typeof r.sec !== 'number') throw new Error(`load.mjs printed an unexpected report: ${line}`);
  return { sent: r.sent, sec: r.sec, achievedPerSec: r.achievedPerSec ?? Math.round(r.sent / r.sec) };
}
