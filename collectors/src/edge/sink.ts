import { topics } from '../../../server/src/contracts/mqtt.js';
import type { EdgeReading } from './reading.js';
import type { SnapshotChannel } from './snapshots/snapshotter.js';

/**
 * Where the sources' readings go: the spool and publisher (link/, store and forward). The sources only ever
 * call publish(); the composition root (main.ts) starts the sink before the sources and stops it after them.
 */
export interface ReadingSink {
  /** ready to take readings; must not wait for the centre to be reachable (the edge polls regardless) */
  start(): Promise<void>;
  /** takes one reading; never throws, never blocks the source */
  publish(r: EdgeReading): void;
  /** keeps or sends what it holds, says goodbye (retained offline status), disconnects */
  stop(): Promise<void>;
  /** camera snapshots out and the centre's requests in; a sink without it takes no snapshots */
  snapshots?: SnapshotChannel;
}

/** the SPEC §3 topic a reading is published on */
export function readingTopic(root: string, depotId: string, r: EdgeReading): string {
  return r.type === 'sensor' ? topics.sensor(root, depotId, r.sensorId) : topics.cameraHealth(root, depotId, r.cameraId);
}
