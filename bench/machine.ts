import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';

/** What the figures were measured on; absolute numbers mean little without it. */
export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  node: string;
  kernel: string;
  memGb: number;
  /** 1-minute load average when the run started: other work on a shared machine skews every figure */
  loadAvgAtStart: number;
  mosquitto: string;
  influxd: string;
}

export function machineInfo(): MachineInfo {
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    kernel: release(),
    memGb: Math.round(totalmem() / 2 ** 30),
    loadAvgAtStart: +(loadavg()[0] ?? 0).toFixed(2),
    mosquitto: firstLine('/usr/sbin/mosquitto', ['-h']),
    influxd: firstLine('/usr/bin/influxd', ['version']),
  };
}

/**
 * Which DepotWatch was measured: BENCH_REVISION when the sources are an export (git archive) without
 * a repository, else the checkout's commit, marked "+changes" when server/, collectors/ or config/
 * differ from it. Read-only git commands only.
 */
export function sourceRevision(): string {
  const given = process.env.BENCH_REVISION;
  if (given) return given;
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const changed = execFileSync('git', ['status', '--porcelain', '--', 'server', 'collectors', 'config'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return changed ? `${commit}+changes` : commit;
  } catch {
    return 'unknown (not a git checkout; set BENCH_REVISION)';
  }
}

function firstLine(cmd: string, args: string[]): string {
  try {
    // mosquitto -h exits non-zero after printing its version: read the output either way
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]?.trim() ?? 'unknown';
  } catch (err) {
    const out = (err as { stdout?: string }).stdout;
    return out?.split('\n')[0]?.trim() || 'unknown';
  }
}
