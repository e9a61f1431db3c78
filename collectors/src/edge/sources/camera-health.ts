import type { CameraHealthPayload } from '../../../../server/src/contracts/mqtt.js';
import type { SnapshotCheck, StatusCheck } from './http-checks.js';
import type { StreamHealth } from './stream-probe.js';

/**
 * One camera check's answers folded into the SPEC §3 health message. Pure.
 *
 *   online   the stream opened, when an RTSP URL is configured; otherwise the snapshot URL gave a JPEG
 *   fps, bitrateKbps, videoLoss   from the stream, only when it is online
 *   tamper, recording, storageFreePct   from the camera's or NVR's status document, whenever it answered
 *                                       (an NVR can still say "not recording" for a camera that is gone)
 */
export function cameraHealth(parts: { stream?: StreamHealth; snapshot?: SnapshotCheck; status?: StatusCheck }, ts: number): CameraHealthPayload & { ts: number } {
  const { stream, snapshot, status } = parts;
  const online = stream ? stream.ok : snapshot?.ok === true;
  const out: CameraHealthPayload & { ts: number } = { ts, online };
  if (stream?.ok) {
    out.fps = stream.fps;
    out.bitrateKbps = stream.bitrateKbps;
    out.videoLoss = stream.videoLoss;
  }
  if (status?.ok) {
    if (status.tamper !== undefined) out.tamper = status.tamper;
    if (status.recording !== undefined) out.recording = status.recording;
    if (status.storageFreePct !== undefined) out.storageFreePct = status.storageFreePct;
  }
  return out;
}
