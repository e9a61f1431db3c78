import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZERO_LOSS_SETTINGS } from '../../scripts/mosquitto-files.js';
import { freePort } from './ports.js';

/**
 * A private Mosquitto for integration tests: its own port and config, never the machine's broker
 * on 1883, so tests neither see nor disturb anyone else's retained messages.
 */

/**
 * The Mosquitto limits the production set-up uses for zero-loss ingest (`npm run broker-config` writes
 * them; see ZERO_LOSS_SETTINGS for why): the zero-loss tests, `npm run bench` (unless --mosquitto-defaults)
 * and `npm run soak` run the broker with them.
 */
export const PRODUCTION_MOSQUITTO_TUNING = `\n${ZERO_LOSS_SETTINGS.join('\n')}\n`;

export const MOSQUITTO_BIN
 = '/usr/sbin/mosquitto';
const READY_TIMEOUT_MS = 10_000;
const STDERR_KEEP = 4000;

export interface MosquittoHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * `configFor` replaces the default configuration (one anonymous listener on the port) with the caller's,
 * given the port chosen; it must listen on that port on 127.0.0.1.
 * `port`: listen on this one (to restart a broker where its clients expect it); otherwise a free one.
 */
export async function startMosquitto(opts: { extraConfig?: string; configFor?: (port: number) => string; port?: number } = {}): Promise<MosquittoHandle> {
  if (!existsSync(MOSQUITTO_BIN)) {
    throw new Error(`Mosquitto is not installed at ${MOSQUITTO_BIN}; run ./scripts/test.sh, which installs it and runs the tests`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'depotwatch-mosquitto-'));
  try {
    // freePort() can race with another process; a second port almost always works.
    for (let attempt = 1; ; attempt++) {
      const port = opts.port ?? await freePort();
      const started = await launch(dir, port, opts.extraConfig, opts.configFor);
      if (started.ok) return handle(started.child, port, dir);
      if (!started.addressInUse || attempt >= 3 || opts.port !== undefined) throw new Error(`Mosquitto did not start on port ${port}: ${started.reason}\n--- stderr tail ---\n${started.stderr}`);
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

type Launch = { ok: true; child: ChildProcess } | { ok: false; reason: string; stderr: string; addressInUse: boolean };

async function launch(dir: string, port: number, extraConfig = '', configFor?: (port: number) => string): Promise<Launch> {
  const conf = join(dir, 'mosquitto.conf');
  // No pid_file: the test holds the child process itself, and a root-owned pid file would only need cleaning up.
  const base = configFor ? [configFor(port)] : [`listener ${port} 127.0.0.1`, 'allow_anonymous true'];
  await writeFile(conf, [...base, 'persistence false', 'log_dest stderr', extraConfig, ''].join('\n'));
  const child = spawn(MOSQUITTO_BIN, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP); });
  let exited = false;
  child.once('exit', () => { exited = true; });
  child.once('error', (err) => { exited = true; stderr += `\nspawn error: ${err.message}`; });

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) return { ok: false, reason: 'process exited', stderr, addressInUse: /address already in use/i.test(stderr) };
    if (await canConnect(port)) return { ok: true, child };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  return { ok: false, reason: `no TCP connect within ${READY_TIMEOUT_MS} ms`, stderr, addressInUse: false };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => { socket.destroy(); resolve(false); });
  });
}

function handle(child: ChildProcess, port: number, dir: string): MosquittoHandle {
  // If the test process dies without calling stop(), do not leave a broker behind.
  const onExit = () => { child.kill('SIGKILL'); };
  process.once('exit', onExit);
  let stopping: Promise<void> | undefined;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    stop() {
      stopping ??= (async () => {
        process.off('exit', onExit);
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exited;
          clearTimeout(timer);
        }
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
