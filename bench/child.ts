import { spawn } from 'node:child_process';
import type { Cleanup } from './cleanup.js';

/**
 * A child process of the bench: a sink, the load generator, Node-RED. Each runs in its own process
 * group, so stopping it also ends whatever it forked (load.mjs forks its publishers), and output is
 * kept as a tail for error messages and line matching.
 */
export interface Child {
  name: string;
  pid: number;
  /** the last few KB of stdout and stderr together */
  tail(): string;
  /** the whole of stdout's complete lines so far (small for the processes that need it) */
  stdoutLines(): readonly string[];
  running(): boolean;
  /** resolves with the exit code (null when killed by a signal) */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** resolves with the first stdout/stderr line matching `re`; rejects on exit or timeout */
  waitForLine(re: RegExp, timeoutMs: number): Promise<string>;
  /** SIGTERM to the group, SIGKILL after `graceMs` */
  stop(graceMs?: number): Promise<void>;
}

export interface ChildOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** keep every stdout line (for processes that report a result on stdout) */
  keepStdout?: boolean;
}

const TAIL_CHARS = 6000;
const STDOUT_KEEP_LINES = 1000;
const DEFAULT_GRACE_MS = 12_000;

export function startChild(cleanup: Cleanup, name: string, command: string, args: readonly string[], opts: ChildOptions = {}): Child {
  const proc = spawn(command, args, { cwd: opts.cwd ?? process.cwd(), env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (proc.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = proc.pid;
  let tail = '';
  const lines: string[] = [];
  let partial = '';
  const lineWaiters = new Set<(line: string) => void>();
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.once('exit', (code, signal) => { done = true; resolve({ code, signal }); });
    proc.once('error', (err) => { done = true; tail += `\nspawn error: ${err.message}`; resolve({ code: null, signal: null }); });
  });

  const onChunk = (chunk: Buffer, isStdout: boolean) => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-TAIL_CHARS);
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      if (isStdout && opts.keepStdout && lines.length < STDOUT_KEEP_LINES) lines.push(line);
      for (const w of lineWaiters) w(line);
    }
  };
  proc.stdout.on('data', (c: Buffer) => onChunk(c, true));
  proc.stderr.on('data', (c: Buffer) => onChunk(c, false));

  const killGroup = (signal: NodeJS.Signals) => {
    try { process.kill(-pid, signal); } catch { /* the group is gone */ }
  };
  let stopping: Promise<void> | undefined;
  const stop = (graceMs = DEFAULT_GRACE_MS): Promise<void> => {
    stopping ??= (async () => {
      if (!done) {
        killGroup('SIGTERM');
        const timer = setTimeout(() => killGroup('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // whatever the leader forked and left behind
      killGroup('SIGKILL');
      unregister();
    })();
    return stopping;
  };
  const unregister = cleanup.add(`stop ${name} (pid ${pid})`, () => stop(), () => killGroup('SIGKILL'));

  return {
    name,
    pid,
    tail: () => tail,
    stdoutLines: () => lines,
    running: () => !done,
    exited,
    stop,
    waitForLine(re, timeoutMs) {
      return new Promise<string>((resolve, reject) => {
        const finish = (fn: () => void) => { clearTimeout(timer); lineWaiters.delete(onLine); fn(); };
        const onLine = (line: string) => { if (re.test(line)) finish(() => resolve(line)); };
        const timer = setTimeout(() => finish(() => reject(new Error(`${name}: no line matching ${re} within ${timeoutMs} ms\n--- output tail ---\n${tail}`))), timeoutMs);
        lineWaiters.add(onLine);
        void exited.then(({ code, signal }) => finish(() => reject(new Error(`${name} exited (code ${code}, signal ${signal}) before printing ${re}\n--- output tail ---\n${tail}`))));
      });
    },
  };
}
