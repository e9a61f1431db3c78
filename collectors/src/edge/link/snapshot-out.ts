import type { IClientPublishOptions, MqttClient } from 'mqtt';
import type { Logger } from '../../../../lib/logger.js';
import { MAX_SNAPSHOT_BYTES, parseSnapshotTopic, SNAPSHOT_HOLD_MS, snapshotRequestPayloadSchema, snapshotTopics } from '../../../../server/src/contracts/snapshots.js';
import type { SnapshotChannel } from '../snapshots/snapshotter.js';

/** snapshots held while the link is down: the newest few, the rest dropped and counted */
export const SNAPSHOT_HOLD_COUNT = 4;

export interface SnapshotOutCounters {
  published: number;
  /** acknowledged by the broker */
  acked: number;
  /** held while the link was down and dropped: too old, or more than SNAPSHOT_HOLD_COUNT */
  dropped: number;
  /** never sent: over 512 KiB (the snapshotter refuses those before; this is the last guard) */
  refused: number;
  requests: number;
}

/**
 * The snapshots' side of the link. Snapshots are NOT spooled like readings: a picture is up to 512 KiB, so an
 * hour of them would take a 64 kbit/s link most of a day to replay, ahead of nothing and behind everything, and
 * a picture of a door that opened hours ago verifies no alarm the guard is looking at now. While the link is down
 * the newest SNAPSHOT_HOLD_COUNT are kept in memory for at most SNAPSHOT_HOLD_MS (so that the centre, dating a
 * 3.1.1 message on receipt, is never more than that wrong), the rest dropped and counted. Over MQTT 5 each
 * carries the user property `ts` (SPEC §3).
 */
export function createSnapshotOut(deps: { mqtt: MqttClient; root: string; depot: string; now: () => number; v5: boolean; logger: Logger }) {
  const { mqtt, root, depot, now, logger } = deps;
  const held: { camera: string; jpeg: Buffer; ts: number }[] = [];
  const listeners = new Set<(camera: string, reason: string) => void>();
  const counters: SnapshotOutCounters = { published: 0, acked: 0, dropped: 0, refused: 0, requests: 0 };
  const requestFilter = snapshotTopics.requests(root, depot);

  const send = (camera: string, jpeg: Buffer, ts: number): void => {
    const opts: IClientPublishOptions = { qos: 1, retain: false, ...(deps.v5 ? { properties: { userProperties: { ts: String(ts) } } } : {}) };
    counters.published++;
    mqtt.publish(snapshotTopics.snapshot(root, depot, camera), jpeg, opts, (err) => {
      if (err) logger.warn({ camera, err: err.message }, 'snapshot not acknowledged');
      else counters.acked++;
    });
  };

  const channel: SnapshotChannel = {
    publish(camera, jpeg, ts) {
      if (jpeg.length > MAX_SNAPSHOT_BYTES) {
        counters.refused++;
        return;
      }
      if (mqtt.connected) return send(camera, jpeg, ts);
      held.push({ camera, jpeg, ts });
      while (held.length > SNAPSHOT_HOLD_COUNT) {
        held.shift();
        counters.dropped++;
      }
    },
    onRequest(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };

  return {
    channel,
    counters: (): SnapshotOutCounters => ({ ...counters }),
    /** subscribes to the requests and sends what was held, if still fresh */
    onConnect(): void {
      mqtt.subscribe(requestFilter, { qos: 1 }, (err) => { if (err) logger.error({ err: err.message }, 'could not subscribe to snapshot requests'); });
      const fresh = now() - SNAPSHOT_HOLD_MS;
      for (const h of held.splice(0)) {
        if (h.ts < fresh) counters.dropped++;
        else send(h.camera, h.jpeg, h.ts);
      }
    },
    /** true when the message was a snapshot request (handled here) */
    onMessage(topic: string, payload: Buffer): boolean {
      const t = parseSnapshotTopic(root, topic);
      if (!t) return false;
      if (t.type !== 'request' || t.depotId !== depot) return true;
      let reason = '';
      try {
        const parsed = snapshotRequestPayloadSchema.safeParse(JSON.parse(payload.toString('utf8')));
        if (parsed.success) reason = parsed.data.reason;
      } catch {
        // a request without a readable body is still a request: the camera is in the topic
      }
      counters.requests++;
      for (const l of listeners) {
        try { l(t.cameraId, reason); } catch (err) { logger.error({ err }, 'a snapshot request listener failed'); }
      }
      return true;
    },
  };
}
