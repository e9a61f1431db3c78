import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { EdgeLinkStatus } from '../../collectors/src/edge/link/edge-link.js';
import type { EdgeReading } from '../../collectors/src/edge/reading.js';

/** The synthetic edge (tests/fixtures/synthetic-edge.ts) as a child process, optionally inside a network namespace. */
export interface EdgeProcess {
  emit(readings: EdgeReading[]): Promise<EdgeLinkStatus>;
  status(): Promise<EdgeLinkStatus>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
  stderr(): string;
}

/** `script`: another process speaking the same stdin/stdout protocol (the benchmark's spool-less publisher) */
export async function spawnEdge(config: unknown, opts: { netns?: string; script?: string; env?: Record<string, string> } = {}): Promise<EdgeProcess> {
  const node = [process.execPath, '--import', 'tsx', opts.script ?? 'tests/fixtures/synthetic-edge.ts'];
  const [cmd, ...args] = opts.netns ? ['ip', 'netns', 'exec', opts.netns, ...node] : node;
  const child: ChildProcess = spawn(cmd as string, args, { env: { ...process.env, ...opts.env, EDGE_CONFIG: JSON.stringify(config) }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-8000); });
  const waiting: ((v: { ready?: boolean; status?: EdgeLinkStatus }) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => waiting.shift()?.(JSON.parse(line) as { status?: EdgeLinkStatus }));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  let chain = Promise.resolve<unknown>(undefined);
  const ask = (cmd: unknown) => {
    const p = chain.then(() => new Promise<{ status?: EdgeLinkStatus }>((resolve, reject) => {
      waiting.push(resolve);
      child.stdin?.write(`${JSON.stringify(cmd)}\n`, (err) => { if (err) reject(err); });
    }));
    chain = p.catch(() => undefined);
    return p;
  };
  await Promise.race([
    new Promise((resolve) => waiting.push(resolve)),
    exited.then(() => { throw new Error(`synthetic edge exited at start:\n${stderr}`); }),
  ]);
  return {
    emit: async (readings) => (await ask({ cmd: 'emit', readings })).status as EdgeLinkStatus,
    status: async () => (await ask({ cmd: 'status' })).status as EdgeLinkStatus,
    async kill9() {
      process.off('exit', onExit);
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      process.off('exit', onExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      await Promise.race([ask({ cmd: 'stop' }).catch(() => undefined), exited]);
      child.kill('SIGKILL');
      await exited;
    },
    stderr: () => stderr,
  };
}
