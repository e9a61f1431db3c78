import type { Logger } from '../../../../lib/logger.js';
import type { CameraSourceConfig, EdgeConfig } from '../config-schema.js';
import type { EdgeReading } from '../reading.js';
import { fetchSnapshot, type SnapshotFailure } from './fetch-snapshot.js';
import { createAlarmEdges, createDebounce } from './triggers.js';

/** Where the edge's snapshots go (the link's MQTT session) and where the centre's requests come from. */
export interface SnapshotChannel {
  /** publishes one JPEG on the camera's snapshot topic (QoS 1, not retained); never throws */
  publish(cameraId: string, jpeg: Buffer, ts: number): void;
  /** the centre asked for a snapshot of `cameraId` (`snapshot/request`); returns an unsubscribe */
  onRequest(listener: (cameraId: string, reason: string) => void): () => void;
}

export interface SnapshotCounters {
  /** pictures handed to the link */
  taken: number;
  /** state changes inside a camera's debounce window */
  debounced: number;
  /** requests while a picture of that camera was just taken or is being taken */
  coalesced: number;
  /** refused, never published: over 512 KiB even at the lowest quality the URL allows, or not a JPEG */
  tooLarge: number;
  notJpeg: number;
  /** the camera did not answer (HTTP error, timeout, unreachable) */
  failed: number;
  /** requests for a camera this edge has no snapshot URL for */
  unknownCamera: number;
}

/** a request arriving this soon after a picture of the same camera is answered by that picture */
export const REQUEST_COALESCE_MS = 3000;

/**
 * Takes camera snapshots: when a door, motion, fence or smoke reading of the edge's own sources goes into its
 * alarm state in a camera's zone (debounced per camera, `snapshotMinS`), and when the centre asks. The zone of a
 * sensor is its Modbus point's `zone`; a camera takes part when it has a `snapshot` URL and a `zone`.
 */
export function createSnapshotter(cfg: EdgeConfig, channel: SnapshotChannel, opts: { logger: Logger; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const log = opts.logger.child({ component: 'snapshots' });
  const cameras = new Map<string, CameraSourceConfig>(cfg.cameras.filter((c) => c.snapshot !== undefined).map((c) => [c.camera, c]));
  const byZone = new Map<string, CameraSourceConfig[]>();
  for (const c of cameras.values()) if (c.zone !== undefined) byZone.set(c.zone, [...(byZone.get(c.zone) ?? []), c]);
  const zoneOf = new Map<string, string>();
  for (const d of cfg.modbus) for (const p of d.points) if (p.zone !== undefined) zoneOf.set(p.sensor, p.zone);
  const edges = createAlarmEdges();
  const debounce = createDebounce();
  const inflight = new Map<string, Promise<void>>();
  const lastTaken = new Map<string, number>();
  const counters: SnapshotCounters = { taken: 0, debounced: 0, coalesced: 0, tooLarge: 0, notJpeg: 0, failed: 0, unknownCamera: 0 };
  const abort = new AbortController();
  const warned = new Set<string>();

  const failed = (cam: string, reason: SnapshotFailure, detail: string): void => {
    if (reason === 'too_large') counters.tooLarge++;
    else if (reason === 'not_jpeg') counters.notJpeg++;
    else counters.failed++;
    // once per camera and reason until a picture succeeds: a dead camera must not fill the log
    const key = `${cam}:${reason}`;
    if (!warned.has(key)) log.warn({ camera: cam, reason, detail }, 'snapshot not taken');
    warned.add(key);
  };

  function take(cam: CameraSourceConfig, why: string): Promise<void> {
    const running = inflight.get(cam.camera);
    if (running) {
      counters.coalesced++;
      return running;
    }
    const job = (async () => {
      const r = await fetchSnapshot(cam.snapshot as string, { timeoutMs: cam.timeoutMs, signal: abort.signal });
      if (abort.signal.aborted) return;
      if (!r.ok) return failed(cam.camera, r.reason, r.detail);
      for (const k of [...warned]) if (k.startsWith(`${cam.camera}:`)) warned.delete(k);
      const ts = now();
      lastTaken.set(cam.camera, ts);
      counters.taken++;
      log.info({ camera: cam.camera, bytes: r.jpeg.length, attempts: r.attempts, why }, 'snapshot taken');
      channel.publish(cam.camera, r.jpeg, ts);
    })().catch((err: unknown) => log.error({ err, camera: cam.camera }, 'snapshot failed'))
      .finally(() => inflight.delete(cam.camera));
    inflight.set(cam.camera, job);
    return job;
  }

  const unsubscribe = channel.onRequest((cameraId, reason) => {
    const cam = cameras.get(cameraId);
    if (!cam) {
      counters.unknownCamera++;
      log.warn({ camera: cameraId }, 'snapshot requested for a camera without a snapshot URL here');
      return;
    }
    const at = lastTaken.get(cameraId);
    if (at !== undefined && now() - at < REQUEST_COALESCE_MS) {
      counters.coalesced++;
      return;
    }
    void take(cam, `requested: ${reason.slice(0, 100)}`);
  });

  return {
    /** every reading of the edge's sources passes here on its way to the link */
    observe(r: EdgeReading): void {
      if (r.type !== 'sensor' || r.payload.hist === true) return;
      if (!edges.observe(r.sensorId, r.payload.kind, r.payload.value)) return;
      const zone = zoneOf.get(r.sensorId);
      if (zone === undefined) return;
      for (const cam of byZone.get(zone) ?? []) {
        if (!debounce.allow(cam.camera, now(), cam.snapshotMinS * 1000)) {
          counters.debounced++;
          continue;
        }
        void take(cam, `${r.payload.kind} ${r.sensorId}`);
      }
    },
    counters: (): SnapshotCounters => ({ ...counters }),
    /** pictures being fetched, for tests and a clean stop */
    idle: async (): Promise<void> => { await Promise.all([...inflight.values()]); },
    async stop(): Promise<void> {
      unsubscribe();
      abort.abort();
      await Promise.all([...inflight.values()]);
    },
  };
}
export type Snapshotter = ReturnType<typeof createSnapshotter>;
