import { topics } from '../../../../server/src/contracts/mqtt.js';
import type { SpooledReading } from '../spool/spool.js';
import type { EdgeReading } from '../reading.js';

/**
 * What goes on the wire: one MQTT message per live reading, and the replayed backlog batched as JSON arrays
 * per sensor topic (SPEC §3; camera health stays one object per message), every object flagged `"hist": true`.
 * Pure.
 */

export interface OutMessage {
  topic: string;
  payload: string;
  /** the spool rows this message carries; they leave the spool on its PUBACK */
  seqs: number[];
  /** bytes of the MQTT PUBLISH packet, plus the TCP/IP headers of the segment it will travel in */
  wireBytes: number;
}

/** IPv4 + TCP headers with timestamps: each QoS 1 publish travels in a segment of its own with TCP_NODELAY */
export const TCP_IP_OVERHEAD_BYTES = 52;

/** size of an MQTT 3.1.1 PUBLISH at QoS 1: fixed header, topic, packet id, payload */
export function publishPacketBytes(topic: string, payload: string): number {
  const remaining = 2 + Buffer.byteLength(topic) + 2 + Buffer.byteLength(payload);
  const lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
  return 1 + lengthBytes + remaining;
}

export function topicOf(root: string, depot: string, r: EdgeReading): string {
  return r.type === 'sensor' ? topics.sensor(root, depot, r.sensorId) : topics.cameraHealth(root, depot, r.cameraId);
}

const message = (topic: string, payload: string, seqs: number[]): OutMessage => ({
  topic, payload, seqs, wireBytes: publishPacketBytes(topic, payload) + TCP_IP_OVERHEAD_BYTES,
});

export function liveMessage(root: string, depot: string, seq: number, r: EdgeReading): OutMessage {
  return message(topicOf(root, depot, r), JSON.stringify(r.payload), [seq]);
}

export interface BatchLimits {
  /** payload bytes per message; small enough that a live alarm queued behind one is not held up long */
  maxPayloadBytes: number;
  /** readings per message (SPEC §3 caps an array at 1000) */
  maxReadings: number;
}

/**
 * Groups spooled rows (in `seq` order) into replay messages: per device, consecutive readings fill one array
 * up to the limits. Messages come out in the order of their first reading, so each device's readings stay in
 * order on the wire, and different devices interleave as they were recorded.
 */
export function planBatches(root: string, depot: string, rows: readonly SpooledReading[], limits: BatchLimits): OutMessage[] {
  interface Open { first: number; topic: string; array: boolean; parts: string[]; bytes: number; seqs: number[] }
  const open = new Map<string, Open>();
  const done: Open[] = [];
  for (const row of rows) {
    const r = row.reading;
    const json = JSON.stringify({ ...r.payload, hist: true });
    const size = Buffer.byteLength(json);
    if (r.type === 'camera') {
      done.push({ first: row.seq, topic: topicOf(root, depot, r), array: false, parts: [json], bytes: size, seqs: [row.seq] });
      continue;
    }
    let b = open.get(row.device);
    if (b && (b.seqs.length >= limits.maxReadings || b.bytes + size + 1 > limits.maxPayloadBytes)) {
      done.push(b);
      b = undefined;
    }
    if (!b) {
      b = { first: row.seq, topic: topicOf(root, depot, r), array: true, parts: [], bytes: 2, seqs: [] };
      open.set(row.device, b);
    }
    b.parts.push(json);
    b.bytes += size + 1;
    b.seqs.push(row.seq);
  }
  done.push(...open.values());
  return done
    .sort((a, b) => a.first - b.first)
    .map((b) => message(b.topic, b.array ? `[${b.parts.join(',')}]` : (b.parts[0] ?? ''), b.seqs));
}

/** replay messages of about half a second of the backfill rate: 1 KiB … 16 KiB */
export function batchLimitsFor(backfillKbps: number): BatchLimits {
  const halfSecond = Math.floor((backfillKbps * 1000) / 8 / 2);
  return { maxPayloadBytes: Math.min(16_384, Math.max(1024, halfSecond)), maxReadings: 1000 };
}
