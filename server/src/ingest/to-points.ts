import type { AcceptedMessage, CameraFields, SensorKind, TelemetryPoint } from '../contracts/telemetry.js';
import type { SiteIndex } from '../domain/site-index.js';

export type PointResult =
  | { kind: 'point'; point: TelemetryPoint }
  /** a valid message from a device the configuration does not know: held for an engineer to approve */
  | { kind: 'discovered'; device: { depotId: string; type: 'sensor' | 'camera' | 'collector'; id: string; sensorKind?: SensorKind } }
  | { kind: 'kind_mismatch'; detail: string };

/** SPEC §4: one accepted message → one InfluxDB point, tagged with the zone from configuration. Pure. */
export function toPoint(msg: AcceptedMessage, index: SiteIndex): PointResult {
  switch (msg.type) {
    case 'sensor': {
      const entry = index.sensor(msg.depotId, msg.sensorId);
      if (!entry) return { kind: 'discovered', device: { depotId: msg.depotId, type: 'sensor', id: msg.sensorId, sensorKind: msg.kind } };
      if (entry.sensor.kind !== msg.kind) return { kind: 'kind_mismatch', detail: `${msg.sensorId} is configured as ${entry.sensor.kind}, message says ${msg.kind}` };
      return { kind: 'point', point: { measurement: 'sensor', tags: { depot: msg.depotId, zone: entry.zone.id, sensor: msg.sensorId, kind: msg.kind }, fields: { value: msg.value }, ts: msg.ts } };
    }
    case 'camera': {
      const entry = index.camera(msg.depotId, msg.cameraId);
      if (!entry) return { kind: 'discovered', device: { depotId: msg.depotId, type: 'camera', id: msg.cameraId } };
      const h = msg.health;
      const fields: CameraFields = { online: h.online };
      if (h.recording !== undefined) fields.recording = h.recording;
      if (h.tamper !== undefined) fields.tamper = h.tamper;
      if (h.videoLoss !== undefined) fields.video_loss = h.videoLoss;
      if (h.fps !== undefined) fields.fps = h.fps;
      if (h.bitrateKbps !== undefined) fields.bitrate_kbps = h.bitrateKbps;
      if (h.packetLossPct !== undefined) fields.packet_loss_pct = h.packetLossPct;
      if (h.storageFreePct !== undefined) fields.storage_free_pct = h.storageFreePct;
      return { kind: 'point', point: { measurement: 'camera', tags: { depot: msg.depotId, zone: entry.zone.id, camera: msg.cameraId }, fields, ts: msg.ts } };
    }
    case 'collector':
      if (!index.depot(msg.depotId)) return { kind: 'discovered', device: { depotId: msg.depotId, type: 'collector', id: 'collector' } };
      return { kind: 'point', point: { measurement: 'collector', tags: { depot: msg.depotId }, fields: { online: msg.state === 'online', spooled: msg.spooled }, ts: msg.ts } };
  }
}
