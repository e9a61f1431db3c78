import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway InfluxDB 1.x for integration tests: Debian's `influxd` with its data in a temp directory,
 * HTTP and RPC on free loopback ports, every optional service off. Nothing is shared with a system instance.
 */
export interface RunningInfluxd {
  url: string;
  /** an outage: the process ends (SIGTERM), its data and ports are kept for restart() */
  kill(): Promise<void>;
  /** starts it again on the same port with the same data */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const INFLUXD = '/usr/bin/influxd';
const READY_TIMEOUT_MS = 30_000;
const KILL_AFTER_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;
/** Free ports are found by binding port 0 and closing it; another process can grab one in between. */
const START_ATTEMPTS = 3;

export async function startInfluxd(): Promise<RunningInfluxd> {
  if (!existsSync(INFLUXD)) {
    throw new Error(`${INFLUXD} not found: run ./scripts/test.sh, which installs Debian's influxdb package`);
  }
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt += 1) {
    try {
      return await startOnce();
    } catch (err) {
      lastError = err;
      // Retry only a lost port race; any other failure would repeat.
      if (!(err instanceof Error && /address already in use/.test(err.message))) throw err;
    }
  }
  throw lastError;
}

async function startOnce(): Promise<RunningInfluxd> {
  const dir = await mkdtemp(join(tmpdir(), 'depotwatch-influxd-'));
  const [httpPort = 0, rpcPort = 0] = await freePorts(2);
  const configPath = join(dir, 'influxd.conf');
  await writeFile(configPath, config(dir, httpPort, rpcPort));

  let output = '';
  const keepTail = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  let child: ChildProcess = spawnInfluxd();
  function spawnInfluxd(): ChildProcess {
    const c = spawn(INFLUXD, ['-config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout?.on('data', keepTail);
    c.stderr?.on('data', keepTail);
    return c;
  }
  // If the test process dies without calling stop(), do not leave an orphan influxd behind.
  const killOnExit = (): void => { child.kill('SIGKILL'); };
  process.once('exit', killOnExit);

  const url = `http://127.0.0.1:${httpPort}`;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      await terminate(child);
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    await waitUntilReady(url, child);
  } catch (err) {
    await stop();
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`influxd did not start: ${reason}\n--- influxd output (tail) ---\n${output}`, { cause: err });
  }
  return {
    url,
    stop,
    kill: () => terminate(child),
    async restart() {
      await terminate(child);
      child = spawnInfluxd();
      try {
        await waitUntilReady(url, child);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new Error(`influxd did not restart: ${reason}\n--- influxd output (tail) ---\n${output}`, { cause: err });
      }
    },
  };
}

/**
 * influxd 1.6 config. Debian's build renamed upstream's `reporting-disabled` to `reporting-enabled`
 * (default false); both are written since unknown keys are ignored. Top-level `bind-address` is the RPC
 * (backup/restore) listener, 127.0.0.1:8088 by default, which a system instance may hold.
 */
function config(dir: string, httpPort: number, rpcPort: number): string {
  return `reporting-enabled = false
reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  index-version = "inmem"
  wal-fsync-delay = "0s"
  query-log-enabled = false

[monitor]
  store-enabled = false

[subscriber]
  enabled = false

[continuous_queries]
  enabled = false

[shard-precreation]
  enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = false
  log-enabled = false
  pprof-enabled = false

[logging]
  level = "warn"
  suppress-logo = true

[[graphite]]
  enabled = false

[[collectd]]
  enabled = false

[[opentsdb]]
  enabled = false

[[udp]]
  enabled = false
`;
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited: string | undefined;
  child.once('exit', (code, signal) => { exited = `exited early (code ${code}, signal ${signal})`; });
  child.once('error', (err) => { exited = `could not be spawned: ${err.message}`; });
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(exited);
    try {
      const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 204) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`GET /ping did not answer 204 within ${READY_TIMEOUT_MS} ms`);
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  await exited;
  clearTimeout(timer);
}

/** Ports held open together, so the two are distinct, then released for influxd. */
async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createServer());
  const ports = await Promise.all(servers.map((server) => new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address !== null && typeof address === 'object') resolve(address.port);
      else reject(new Error('could not find a free port'));
    });
  })));
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}
