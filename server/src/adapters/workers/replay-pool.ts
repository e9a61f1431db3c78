import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { ReplayResult } from '../../domain/backtest.js';
import type { ReplayRunner, SamplePage } from '../../ports/replay-runner.js';
import type { ReplayTask } from './replay-worker.js';

/** one core stays with the server's event loop; a one-core machine still gets a thread */
export const defaultReplayThreads = (): number => Math.max(1, availableParallelism() - 1);

/**
 * The worker's own file beside this one: replay-worker.js in the compiled dist/ (`npm start`),
 * replay-worker.ts when the server runs from source (tsx, vitest), where the thread loads tsx itself:
 * a worker thread does not inherit the loader its parent was started with under vitest.
 */
function workerSource(): { filename: string; execArgv?: string[] } {
  if (!import.meta.url.endsWith('.ts')) return { filename: new URL('./replay-worker.js', import.meta.url).href };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { filename: new URL('./replay-worker.ts', import.meta.url).href, execArgv: ['--import', tsx] };
}

const noop = () => {};

/**
 * ReplayRunner on a piscina pool: each sensor's replay is one task on a worker thread, so replays
 * run in parallel (as many as there are threads) and never on the server's event loop. Threads start
 * on the first backtest and end after a minute idle; they run at a lower priority (nice +5) than the
 * server, so on a busy machine live readings and alarms are served first.
 *
 * The pages go through a MessagePort, the next one read here while the worker replays the one before
 * (at most two pages of a sensor in memory at once), their buffers transferred rather than copied.
 */
export function createReplayPool(opts: { threads?: number; idleTimeoutMs?: number } = {}): ReplayRunner {
  const pool = new Piscina<ReplayTask, (ReplayResult | null)[]>({
    ...workerSource(),
    minThreads: 0,
    maxThreads: opts.threads ?? defaultReplayThreads(),
    idleTimeout: opts.idleTimeoutMs ?? 60_000,
    niceIncrement: 5,
  });
  return {
    async replay(job, pages, signal) {
      const failed = new AbortController();
      let pageError: { err: unknown } | undefined;
      const { port1, port2 } = new MessageChannel();
      const read = () => {
        const p = pages.next();
        p.catch(noop); // awaited below; a page read after the replay ended must not be an unhandled rejection
        return p;
      };
      let ahead: Promise<IteratorResult<SamplePage>> | undefined;
      let over = false;
      const serve = async () => {
        try {
          const r = await (ahead ?? read());
          if (over) return;
          if (r.done) {
            ahead = undefined;
            port1.postMessage(null);
            return;
          }
          ahead = read();
          port1.postMessage(r.value, [r.value.ts.buffer, r.value.value.buffer]);
        } catch (err) {
          pageError ??= { err };
          failed.abort();
        }
      };
      port1.on('message', () => void serve());
      const stop = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
      try {
        return await pool.run({ ...job, port: port2 }, { transferList: [port2], signal: stop });
      } catch (err) {
        if (pageError) throw pageError.err;
        throw err;
      } finally {
        over = true;
        port1.close();
        // ends the page reader (after a read under way, if any): no page is read for a replay that is over
        void pages.return?.().catch(noop);
      }
    },
    close: () => pool.destroy(),
  };
}
