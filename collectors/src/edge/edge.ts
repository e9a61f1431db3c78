import type { Logger } from '../../../lib/logger.js';
import type { EdgeConfig } from './config-schema.js';
import type { Source } from './reading.js';
import type { ReadingSink } from './sink.js';
import { createCameraSource } from './sources/camera.js';
import { createModbusSource } from './sources/modbus.js';
import { createSnmpSource } from './sources/snmp.js';
import { createLimiter } from './sources/timing.js';
import { createSnapshotter, type SnapshotCounters, type Snapshotter } from './snapshots/snapshotter.js';

/**
 * The edge collector without its process: the configured sources, each on its own schedule, feeding one sink.
 * main.ts adds the command line, the files and the signals; tests run this in-process.
 */

/** streams decoded at once on the edge box: one ffmpeg per camera check, a couple at a time */
export const CAMERA_CHECKS_AT_ONCE = 2;

export function buildSources(cfg: EdgeConfig, opts: { logger: Logger; now?: () => number }): Source[] {
  const limit = createLimiter(CAMERA_CHECKS_AT_ONCE);
  return [
    ...cfg.modbus.map((d) => createModbusSource(d, opts)),
    ...cfg.snmp.map((d) => createSnmpSource(d, opts)),
    ...cfg.cameras.map((c) => createCameraSource(c, { ...opts, limit })),
  ];
}

export interface RunningEdge {
  sources(): readonly Source[];
  /** what the snapshotter did since the sources last started; null without a snapshot channel */
  snapshotCounters(): SnapshotCounters | null;
  /** stops every source and starts the ones `cfg` lists (the centre's newer collector/config) */
  replaceSources(cfg: EdgeConfig): Promise<void>;
  stop(): Promise<void>;
}

export async function startEdge(cfg: EdgeConfig, sink: ReadingSink, opts: { logger: Logger; now?: () => number }): Promise<RunningEdge> {
  let sources: Source[] = [];
  let snapshotter: Snapshotter | undefined;
  // one change at a time: a second collector/config arriving while the first is applied waits for it
  let changing: Promise<void> = Promise.resolve();
  const run = (c: EdgeConfig): void => {
    sources = buildSources(c, opts);
    // the readings pass the snapshotter on their way out: a door opening in a camera's zone takes its picture
    snapshotter = sink.snapshots ? createSnapshotter(c, sink.snapshots, opts) : undefined;
    const shot = snapshotter;
    for (const s of sources) s.start((r) => { sink.publish(r); shot?.observe(r); });
    opts.logger.info({ depot: c.depot, version: c.version, sources: sources.map((s) => s.name) }, 'sources started');
  };
  await sink.start();
  run(cfg);
  return {
    sources: () => sources,
    snapshotCounters: () => snapshotter?.counters() ?? null,
    replaceSources(next) {
      changing = changing.then(async () => {
        await Promise.all(sources.map((s) => s.stop()));
        await snapshotter?.stop();
        run(next);
      });
      return changing;
    },
    async stop() {
      await changing;
      await Promise.all(sources.map((s) => s.stop()));
      await snapshotter?.stop();
      sources = [];
      await sink.stop();
    },
  };
}
