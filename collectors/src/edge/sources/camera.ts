import type { Logger } from '../../../../lib/logger.js';
import type { CameraSourceConfig } from '../config-schema.js';
import type { EdgeReading, Source } from '../reading.js';
import { runBounded } from './bounded-child.js';
import { cameraHealth } from './camera-health.js';
import { checkSnapshot, readStatus, type SnapshotCheck, type StatusCheck } from './http-checks.js';
import { OutageLog } from './outage.js';
import { streamHealth, streamProbeArgs, type StreamHealth } from './stream-probe.js';
import { createLimiter, startPollLoop, type PollLoop } from './timing.js';

/**
 * One camera, checked every `everyS`: its RTSP stream watched for `sampleS` by one bounded ffmpeg (online, fps,
 * bitrate, video loss including a frozen picture), its snapshot URL fetched, its status document read. Unlike
 * a sensor, a camera that does not answer is published as `online: false`: "camera offline" is an alarm of its
 * own (SPEC §5), not the absence of data.
 */

export const FFMPEG_BIN = '/usr/bin/ffmpeg';

export interface CameraSourceOptions {
  logger: Logger;
  now?: () => number;
  /** shared by all cameras: how many streams are watched at once */
  limit?: <T>(task: () => Promise<T>) => Promise<T>;
  ffmpegBin?: string;
}

/** Warns once when a condition starts and says so once when it ends. */
function onceFlag(log: Logger, what: string): (active: boolean, detail?: Record<string, unknown>) => void {
  let on = false;
  return (active, detail = {}) => {
    if (active && !on) log.warn(detail, what);
    if (!active && on) log.info(`${what}: cleared`);
    on = active;
  };
}

export function createCameraSource(cam: CameraSourceConfig, opts: CameraSourceOptions): Source {
  const name = `camera ${cam.camera}`;
  const log = opts.logger.child({ source: name });
  const now = opts.now ?? Date.now;
  const limit = opts.limit ?? createLimiter(1);
  const ffmpeg = opts.ffmpegBin ?? FFMPEG_BIN;
  const outage = new OutageLog(log, now, 'published as offline until it answers again');
  const frozenLog = onceFlag(log, 'picture frozen or lost; published as video loss');
  const snapshotLog = onceFlag(log, 'snapshot URL not giving a JPEG');
  const bigSnapshotLog = onceFlag(log, 'snapshot larger than the 512 KiB an alarm snapshot may be');
  const statusLog = onceFlag(log, 'status document not readable; tamper and recording not reported');
  // a camera check's deadline: the sample, a connect and a read timeout, and a margin for ffmpeg to start and stop
  const deadlineMs = cam.sampleS * 1000 + cam.timeoutMs * 2 + 3000;
  let abort = new AbortController();
  let loop: PollLoop | undefined;

  const probeStream = async (url: string): Promise<StreamHealth> => limit(async () => {
    const run = await runBounded(ffmpeg, streamProbeArgs({
      url, transport: cam.rtspTransport, sampleS: cam.sampleS, freezeS: cam.freezeS, freezeNoiseDb: cam.freezeNoiseDb, timeoutMs: cam.timeoutMs,
    }), { timeoutMs: deadlineMs, signal: abort.signal });
    const health = streamHealth(run);
    log.debug({ wallMs: run.wallMs, cpuS: health.cpuS, ...(health.ok ? { fps: health.fps, bitrateKbps: health.bitrateKbps, frozen: health.frozen } : { reason: health.reason }) }, 'stream checked');
    return health;
  });

  const check = async (emit: (r: EdgeReading) => void): Promise<void> => {
    const [stream, snapshot, status] = await Promise.all([
      cam.rtsp !== undefined ? probeStream(cam.rtsp) : Promise.resolve(undefined),
      cam.snapshot !== undefined ? checkSnapshot(cam.snapshot, cam.timeoutMs, abort.signal) : Promise.resolve(undefined),
      cam.status !== undefined ? readStatus(cam.status, cam.timeoutMs, abort.signal) : Promise.resolve(undefined),
    ] as const satisfies readonly [Promise<StreamHealth | undefined>, Promise<SnapshotCheck | undefined>, Promise<StatusCheck | undefined>]);
    if (abort.signal.aborted) return;
    const health = cameraHealth({ ...(stream ? { stream } : {}), ...(snapshot ? { snapshot } : {}), ...(status ? { status } : {}) }, now());
    if (health.online) {
      outage.ok();
    } else {
      outage.failed(stream && !stream.ok ? stream.reason : snapshot && !snapshot.ok ? snapshot.reason : 'no answer');
    }
    frozenLog(health.videoLoss === true, stream?.ok ? { fps: stream.fps, frozen: stream.frozen } : {});
    if (snapshot) {
      // with a stream, the stream decides online; a broken snapshot URL still matters to alarm verification
      snapshotLog(!snapshot.ok && health.online, snapshot.ok ? {} : { reason: snapshot.reason });
      bigSnapshotLog(snapshot.ok && snapshot.tooLarge, snapshot.ok ? { bytes: snapshot.bytes } : {});
    }
    if (status) statusLog(!status.ok, status.ok ? {} : { reason: status.reason });
    emit({ type: 'camera', cameraId: cam.camera, payload: health });
  };

  return {
    name,
    start(emit) {
      if (loop) return;
      abort = new AbortController();
      loop = startPollLoop(cam.everyS * 1000, () => check(emit), (err) => {
        if (!abort.signal.aborted) log.error({ err }, 'camera check failed');
      });
    },
    async stop() {
      abort.abort();
      await loop?.stop();
      loop = undefined;
    },
  };
}
