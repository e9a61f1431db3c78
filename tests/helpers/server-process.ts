import { spawn, type ChildProcess } from 'node:child_process';

/** DepotWatch as a real process (node + tsx), for tests that kill it. */
export interface ServerProcess {
  child: ChildProcess;
  base: string;
  output: () => string;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `readyPath`: what "started" means; /readyz needs the broker and the stores, /healthz only the process
 * (a restart in the middle of a telemetry store outage). `entry`: the server, or the standalone ingest process.
 */
export async function startServerProcess(env: Record<string, string>, httpPort: number, opts: { readyPath?: string; entry?: string } = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', opts.entry ?? 'server/src/main.ts'], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, HTTP_PORT: String(httpPort), HTTP_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  const base = `http://127.0.0.1:${httpPort}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out.slice(-2000)}`);
    const ok = await fetch(`${base}${opts.readyPath ?? '/readyz'}`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready in 30 s:\n${out.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child, base, output: () => out,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}
