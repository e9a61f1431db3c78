import { once } from 'node:events';
import type { MessagePort } from 'node:worker_threads';
import { createReplay, type ReplayResult } from '../../domain/backtest.js';
import type { ReplayJob, SamplePage } from '../../ports/replay-runner.js';

/** what the pool sends a worker: the job, and the port its pages come through */
export interface ReplayTask extends ReplayJob { port: MessagePort }
/** from the worker over the port: "the next page, please" */
export const NEXT_PAGE = 'next';

/**
 * The piscina worker (adapters/workers/replay-pool.ts): the live engine's own replay
 * (domain/backtest.ts) for every entry, page by page as the server reads them. It asks for a page
 * only after replaying the previous one, so at most one page is on its way here at a time.
 */
export default async function replayTask(task: ReplayTask): Promise<(ReplayResult | null)[]> {
  const replays = task.entries.map((e) => (e ? createReplay(e, task.rules, task.window, task.policy) : null));
  try {
    for (;;) {
      task.port.postMessage(NEXT_PAGE);
      const [page] = (await once(task.port, 'message')) as [SamplePage | null];
      if (page === null) break;
      for (const r of replays) r?.push(page.ts, page.value);
    }
  } finally {
    task.port.close();
  }
  return replays.map((r) => r?.finish() ?? null);
}
