import { execFileSync, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraSourceSchema } from '../../collectors/src/edge/config-schema.js';
import type { EdgeReading } from '../../collectors/src/edge/reading.js';
import { createCameraSource } from '../../collectors/src/edge/sources/camera.js';
import { capturingLogger, collect, median } from '../helpers/edge.js';
import { FFMPEG_BIN, hasFfmpeg, startRtspCamera, type RtspTestCamera } from '../helpers/rtsp-camera.js';

// A camera as the edge meets it: an RTSP stream (H.264 from Debian's ffmpeg behind a small RTSP server), a JPEG
// snapshot URL and a JSON status document (node:http). Checked with the real ffmpeg the edge runs.

const SKIP = !hasFfmpeg();
if (SKIP) console.warn(`edge-camera tests skipped: ${FFMPEG_BIN} is missing (./scripts/test.sh installs the Debian package ffmpeg)`);

let cam: RtspTestCamera;
let http: Server;
let base = '';
let jpeg: Buffer;
const httpState = { snapshotStatus: 200, status: { channels: [{ recording: 'yes', tamper: false }], disk: { free_pct: 61 } } as Record<string, unknown> };

beforeAll(async () => {
  if (SKIP) return;
  jpeg = execFileSync(FFMPEG_BIN, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240', '-frames:v', '1', '-f', 'mjpeg', '-']);
  cam = await startRtspCamera('live');
  http = createServer((req, res) => {
    if (req.url === '/snap.jpg') {
      res.writeHead(httpState.snapshotStatus, { 'content-type': 'image/jpeg' }).end(httpState.snapshotStatus === 200 ? jpeg : undefined);
    } else if (req.url === '/status.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(httpState.status));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  if (SKIP) return;
  await cam.close();
  await new Promise<void>((resolve) => http.close(() => resolve()));
});

const health = (r: EdgeReading | undefined) => (r?.type === 'camera' ? r.payload : undefined);
/** ffmpeg processes still running against this camera */
const probesAlive = (port: number): number => spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout.split('\n')
  .filter((l) => l.includes(`rtsp://127.0.0.1:${port}/`) && l.includes('freezedetect')).length;

const config = (extra: Record<string, unknown>) => cameraSourceSchema.parse({ camera: 'CAM01', everyS: 0.1, sampleS: 1.5, freezeS: 0.8, timeoutMs: 2000, ...extra });

describe.skipIf(SKIP)('camera source', () => {
  it('reports a live stream: online, fps, bitrate, no video loss; tamper, recording and storage from the status document', async () => {
    const { logger, lines } = capturingLogger();
    const source = createCameraSource(config({
      rtsp: cam.url, snapshot: `${base}/snap.jpg`,
      status: { url: `${base}/status.json`, recording: 'channels[0].recording', tamper: 'channels[0].tamper', storageFreePct: 'disk.free_pct' },
    }), { logger });
    const before = Date.now();
    const c = collect(source);
    await c.waitFor((rs) => rs.length >= 1, 15_000, 'a camera check');
    await source.stop();
    const h = health(c.readings[0]);
    expect(h).toMatchObject({ online: true, videoLoss: false, recording: true, tamper: false, storageFreePct: 61 });
    expect(h?.fps).toBeGreaterThanOrEqual(7);
    expect(h?.fps).toBeLessThanOrEqual(13);
    expect(h?.bitrateKbps).toBeGreaterThan(0);
    expect(h?.ts).toBeGreaterThan(before);
    expect(h?.ts).toBeLessThanOrEqual(Date.now());
    const checks = lines.filter((l) => l.msg === 'stream checked' && l.fps !== undefined);
    console.log(`camera check (1.5 s sample, 320x240 H.264 10 fps): wall ${median(checks.map((l) => Number(l.wallMs)))} ms, CPU ${median(checks.map((l) => Number(l.cpuS) * 1000))} ms (median of ${checks.length})`);
  });

  it('reports a frozen picture (frames flowing, nothing changing) as video loss, and its end', async () => {
    const { logger, lines } = capturingLogger();
    await cam.feed('frozen');
    const source = createCameraSource(config({ rtsp: cam.url }), { logger });
    const c = collect(source);
    await c.waitFor((rs) => health(rs.at(-1))?.videoLoss === true, 15_000, 'video loss');
    const frozen = health(c.readings.at(-1));
    expect(frozen).toMatchObject({ online: true, videoLoss: true });
    expect(frozen?.fps).toBeGreaterThan(5);
    expect(lines.filter((l) => l.msg === 'picture frozen or lost; published as video loss')).toHaveLength(1);
    await cam.feed('live');
    const n = c.readings.length;
    await c.waitFor((rs) => rs.length > n && health(rs.at(-1))?.videoLoss === false, 15_000, 'picture back');
    await source.stop();
  });

  it('a stream that stops sending is video loss; a camera that refuses is offline; stop() leaves no ffmpeg behind', async () => {
    const { logger, lines } = capturingLogger();
    const other = await startRtspCamera('live');
    const source = createCameraSource(config({ rtsp: other.url, timeoutMs: 1000 }), { logger });
    const c = collect(source);
    await c.waitFor((rs) => health(rs.at(-1))?.online === true);
    await other.stopFeed();
    const n = c.readings.length;
    await c.waitFor((rs) => rs.length > n && health(rs.at(-1))?.videoLoss === true, 15_000, 'video loss after the feed stopped');
    expect(health(c.readings.at(-1))).toMatchObject({ online: true, fps: 0, videoLoss: true });
    await other.close();
    await c.waitFor((rs) => health(rs.at(-1))?.online === false, 15_000, 'offline');
    expect(health(c.readings.at(-1))).toEqual({ ts: expect.any(Number), online: false });
    const warn = lines.filter((l) => String(l.msg).startsWith('device not answering'));
    expect(warn).toHaveLength(1);
    expect(String(warn[0]?.reason)).toMatch(/refused/i);
    await source.stop();

    // stopped in the middle of a check: the ffmpeg it ran is killed, not left to run out its sample
    const source2 = createCameraSource(config({ rtsp: cam.url, sampleS: 10, freezeS: 1 }), { logger });
    source2.start(() => {});
    const deadline = Date.now() + 5000;
    while (probesAlive(cam.port) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(probesAlive(cam.port)).toBe(1);
    await source2.stop();
    expect(probesAlive(cam.port)).toBe(0);
  });

  it('a snapshot-only camera is online while its URL gives a JPEG and offline when it does not', async () => {
    const source = createCameraSource(config({ snapshot: `${base}/snap.jpg`, everyS: 0.05 }), { logger: capturingLogger().logger });
    const c = collect(source);
    await c.waitFor((rs) => rs.length >= 1);
    expect(health(c.readings[0])).toEqual({ ts: expect.any(Number), online: true });
    httpState.snapshotStatus = 503;
    await c.waitFor((rs) => health(rs.at(-1))?.online === false);
    httpState.snapshotStatus = 200;
    await source.stop();
  });
});
