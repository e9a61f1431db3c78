import type { Logger } from '../../../../lib/logger.js';
import type { EdgeConfig } from '../config-schema.js';
import type { ReadingSink } from '../sink.js';
import { startEdgeLink, type EdgeLink } from './edge-link.js';

/**
 * The sources' sink (sink.ts) over the store-and-forward link: every reading into the spool, published live or
 * replayed later. `config()` is what to run (the file's, or the centre's newer one kept by an earlier run);
 * `onConfig` hears of every newer one the centre sends.
 */
export function createSpoolSink(cfg: EdgeConfig, opts: { logger: Logger; version: string }) {
  let link: EdgeLink | undefined;
  const pending: ((c: EdgeConfig) => void)[] = [];
  const ensure = (): EdgeLink => {
    if (!link) {
      link = startEdgeLink({ config: cfg, logger: opts.logger.child({ component: 'link' }), version: opts.version });
      for (const l of pending.splice(0)) link.onConfig(l);
    }
    return link;
  };
  const sink: ReadingSink & { config(): EdgeConfig; onConfig(l: (c: EdgeConfig) => void): void } = {
    start: async () => { ensure(); },
    publish: (r) => ensure().submit(r),
    stop: async () => { await link?.stop(); },
    config: () => ensure().config(),
    onConfig: (l) => { if (link) link.onConfig(l); else pending.push(l); },
    snapshots: {
      publish: (camera, jpeg, ts) => ensure().snapshots.publish(camera, jpeg, ts),
      onRequest: (l) => ensure().snapshots.onRequest(l),
    },
  };
  return sink;
}
