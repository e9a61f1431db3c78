import { spawn } from 'node:child_process';

/**
 * Runs a child process that cannot outlive its deadline or its caller: SIGKILL at `timeoutMs`, on `signal`
 * (the source stopping), and when this process exits. Output is kept up to `maxOutputBytes` per stream (the
 * tail of stderr, the head of stdout), so a chatty child cannot grow the edge's memory.
 */

export interface ChildResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; timedOut: boolean; wallMs: number }

export function runBounded(bin: string, args: readonly string[], opts: { timeoutMs: number; signal?: AbortSignal; maxOutputBytes?: number }): Promise<ChildResult> {
  const max = opts.maxOutputBytes ?? 1 << 20;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) { reject(new Error('aborted')); return; }
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => { if (stdout.length < max) stdout += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString('utf8')).slice(-max); });
    const kill = (): void => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); };
    const timer = setTimeout(() => { timedOut = true; kill(); }, opts.timeoutMs);
    opts.signal?.addEventListener('abort', kill, { once: true });
    process.once('exit', kill);
    const done = (): void => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', kill);
      process.off('exit', kill);
    };
    child.once('error', (err) => { done(); reject(err); });
    child.once('close', (code, signal) => {
      done();
      resolve({ code, signal, stdout, stderr, timedOut, wallMs: Math.round(performance.now() - started) });
    });
  });
}
