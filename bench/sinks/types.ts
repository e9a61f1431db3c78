import type { Cleanup } from '../cleanup.js';
import type { LiveClient } from '../live-client.js';
import type { Qos, SinkId } from '../options.js';
import type { Peers } from '../peers.js';
import type { InfluxAdmin, PointCounter } from '../stores.js';

/** What every sink needs: the shared broker and InfluxDB, the generated site, somewhere to put files. */
export interface SinkContext {
  cleanup: Cleanup;
  peers: Peers;
  mqttUrl: string;
  mqttPort: number;
  influx: InfluxAdmin;
  configDir: string;
  /** a temp directory removed at the end; sinks make their own subdirectories in it */
  workDir: string;
}

/** A started sink: one process whose CPU and memory are measured, and a way to count what it stored. */
export interface RunningSink {
  pid: number;
  counter: PointCounter;
  /** the logged-in Socket.IO client attached to a DepotWatch server, as a wall display would be */
  live?: LiveClient;
  /** SIGTERM, then SIGKILL after `graceMs` (a sink draining a backlog may need long to exit cleanly) */
  stop(graceMs?: number): Promise<void>;
}

export interface Sink {
  id: SinkId;
  label: string;
  /** DepotWatch's own code, compared against the bare collector */
  depotWatch: boolean;
  /** started afresh for each QoS, so a backlog left by a failed step never leaks into the next ladder */
  start(qos: Qos, extraNodeArgs?: readonly string[]): Promise<RunningSink>;
}
