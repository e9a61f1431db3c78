import { BINARY_KINDS } from '../../../../server/src/contracts/telemetry.js';
import type { EdgeReading } from '../reading.js';

/**
 * The spool's declared retention policy, pure so that it is tested on its own.
 *
 * The spool holds readings that have not yet been acknowledged by the broker. When it is over its byte
 * budget (`spool.maxBytes`) or holds readings older than `spool.maxAgeHours`, it drops, in this order:
 *   1. telemetry (analog sensor readings), oldest first;
 *   2. superseded states (a door, fence, smoke… reading or a camera health that a newer one of the same device
 *      follows), oldest first;
 * and it never drops the latest state of a binary-state sensor or a camera: after any outage the centre learns
 * how every door, fence, smoke detector and camera stands, however long the link was down.
 * Every dropped reading is counted (`dropped` in the collector status, SPEC §3).
 */

/** one key per device: what "the latest state of a device" is grouped by */
export function deviceKey(r: EdgeReading): string {
  return r.type === 'sensor' ? `s/${r.sensorId}` : `c/${r.cameraId}`;
}

/** binary-state sensors and cameras: their latest state is never dropped */
export function isStateReading(r: EdgeReading): boolean {
  return r.type === 'camera' || BINARY_KINDS.has(r.payload.kind);
}

/**
 * What one row costs against `maxBytes`: the JSON text plus SQLite's row and index overhead (rowid, header,
 * the device index entry), measured at about 40 bytes; the file may be somewhat larger after deletes, as SQLite
 * reuses freed pages rather than shrinking.
 */
export const ROW_OVERHEAD_BYTES = 40;
export function rowBytes(json: string, device: string): number {
  return Buffer.byteLength(json) + device.length + ROW_OVERHEAD_BYTES;
}

/** how many bytes must go so that `used` fits `max` again, leaving 5 % headroom so eviction does not run on every append */
export function bytesToFree(used: number, max: number): number {
  return used <= max ? 0 : used - Math.floor(max * 0.95);
}
