import type { CameraHealthPayload, SensorReadingPayload } from '../../../server/src/contracts/mqtt.js';

/**
 * One observation a source made, timestamped at the edge, ready for the spool. It maps one to one onto a
 * SPEC §3 message: a sensor reading on `depots/{depot}/sensors/{sensorId}`, a camera's health on
 * `depots/{depot}/cameras/{cameraId}/health`. `hist` is added only when a spooled reading is replayed.
 */
export type EdgeReading =
  | { type: 'sensor'; sensorId: string; payload: SensorReadingPayload & { ts: number } }
  | { type: 'camera'; cameraId: string; payload: CameraHealthPayload & { ts: number } };

/**
 * A device poller (Modbus TCP, SNMP UPS, camera stream). Each polls on its own schedule with timeouts; a device
 * that stops answering emits nothing (the centre reports it as not reporting) and is logged, never invented.
 */
export interface Source {
  /** for logs and the collector's status: "modbus 10.1.1.20:502" */
  readonly name: string;
  start(emit: (r: EdgeReading) => void): void;
  stop(): Promise<void>;
}
