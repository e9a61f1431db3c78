import { describe, expect, it } from 'vitest';
import { cameraHealth } from '../../collectors/src/edge/sources/camera-health.js';
import { getPath, readFlag, readPercent } from '../../collectors/src/edge/sources/json-path.js';
import { cpuSeconds, frozenAtEnd, parseFramecrc, streamHealth, streamProbeArgs } from '../../collectors/src/edge/sources/stream-probe.js';

const FRAMECRC = `#extradata 0:       34, 0x7d37077b
#tb 0: 1/90000
#media_type 0: video
0,          0,          0,     9000,     7226, 0x66cbf589
0,       9000,       9000,     9000,     1000, 0x00000001
0,      18000,      18000,     9000,     1000, 0x00000002
0,      27000,      27000,     9000,     1000, 0x00000003
`;

describe('stream probe parsing', () => {
  it('counts packets, bytes and the time they span', () => {
    expect(parseFramecrc(FRAMECRC)).toEqual({ packets: 4, bytes: 10226, spanS: 0.4 });
    expect(parseFramecrc('')).toEqual({ packets: 0, bytes: 0, spanS: 0 });
  });

  it('is frozen only when the last freeze has not ended', () => {
    expect(frozenAtEnd('[freezedetect @ 0x1] lavfi.freezedetect.freeze_start: -0.7\n')).toBe(true);
    expect(frozenAtEnd('lavfi.freezedetect.freeze_start: 1.2\nlavfi.freezedetect.freeze_duration: 1\nlavfi.freezedetect.freeze_end: 2.2\n')).toBe(false);
    expect(frozenAtEnd('freeze_start: 1\nlavfi.freezedetect.freeze_start: 1.2\nlavfi.freezedetect.freeze_end: 2.2\nlavfi.freezedetect.freeze_start: 3.1\n')).toBe(true);
    expect(frozenAtEnd('nothing here')).toBe(false);
  });

  it('reads the CPU ffmpeg reports', () => {
    expect(cpuSeconds('bench: utime=0.024s stime=0.007s rtime=3.801s')).toBeCloseTo(0.031);
    expect(cpuSeconds('')).toBeUndefined();
  });

  it('folds a run into online, fps, bitrate and video loss', () => {
    expect(streamHealth({ stdout: FRAMECRC, stderr: 'Input #0, rtsp, from', timedOut: false })).toEqual({ ok: true, fps: 10, bitrateKbps: 205, videoLoss: false, frozen: false });
    expect(streamHealth({ stdout: FRAMECRC, stderr: 'lavfi.freezedetect.freeze_start: 0', timedOut: false })).toMatchObject({ ok: true, videoLoss: true, frozen: true });
    expect(streamHealth({ stdout: '', stderr: "Input #0, rtsp, from 'rtsp://x'\nCould not find codec parameters", timedOut: false })).toMatchObject({ ok: true, fps: 0, videoLoss: true });
    expect(streamHealth({ stdout: '', stderr: 'rtsp://127.0.0.1:1/s: Connection refused\nbench: maxrss=1kB', timedOut: false })).toEqual({ ok: false, reason: 'rtsp://127.0.0.1:1/s: Connection refused' });
    expect(streamHealth({ stdout: '', stderr: '', timedOut: true })).toMatchObject({ ok: false, reason: expect.stringMatching(/deadline/) });
  });

  it('bounds the sample and each socket read, and decodes on one thread', () => {
    const args = streamProbeArgs({ url: 'rtsp://cam/s', transport: 'tcp', sampleS: 4, freezeS: 2, freezeNoiseDb: -60, timeoutMs: 5000 });
    expect(args.join(' ')).toContain('-timeout 5000000 -analyzeduration 1000000 -t 4 -i rtsp://cam/s');
    expect(args.join(' ')).toContain('-threads 1 -vf freezedetect=n=-60dB:d=2');
  });
});

describe('status document paths', () => {
  const doc = { channels: [{ recording: 'Recording', tamper: 'on' }, { recording: 1 }], disk: { free_pct: '61.5' }, ok: true };
  it('follows keys and indexes', () => {
    expect(getPath(doc, 'channels[1].recording')).toBe(1);
    expect(getPath(doc, 'disk.free_pct')).toBe('61.5');
    expect(getPath(doc, 'channels[5].recording')).toBeUndefined();
    expect(getPath(doc, 'ok.deeper')).toBeUndefined();
  });
  it('reads flags as booleans or by a value, and percentages', () => {
    expect(readFlag(doc, 'channels[0].tamper')).toBe(true);
    expect(readFlag(doc, 'channels[1].recording')).toBe(true);
    expect(readFlag(doc, 'channels[0].recording')).toBeUndefined();
    expect(readFlag(doc, { path: 'channels[0].recording', equals: 'recording' })).toBe(true);
    expect(readFlag(doc, { path: 'channels[1].recording', equals: 0 })).toBe(false);
    expect(readFlag(doc, 'missing')).toBeUndefined();
    expect(readPercent(doc, 'disk.free_pct')).toBe(61.5);
    expect(readPercent({ p: 140 }, 'p')).toBeUndefined();
  });
});

describe('camera health message', () => {
  const live = { ok: true as const, fps: 25, bitrateKbps: 4096, videoLoss: false, frozen: false };
  it('takes online from the stream when there is one, else from the snapshot', () => {
    expect(cameraHealth({ stream: live, snapshot: { ok: false, reason: 'HTTP 500' } }, 5)).toEqual({ ts: 5, online: true, fps: 25, bitrateKbps: 4096, videoLoss: false });
    expect(cameraHealth({ stream: { ok: false, reason: 'refused' }, snapshot: { ok: true, bytes: 100, tooLarge: false } }, 5)).toEqual({ ts: 5, online: false });
    expect(cameraHealth({ snapshot: { ok: true, bytes: 100, tooLarge: false } }, 5)).toEqual({ ts: 5, online: true });
  });
  it('adds what the status document says, even for an offline camera', () => {
    expect(cameraHealth({ stream: { ok: false, reason: 'x' }, status: { ok: true, recording: false, tamper: true } }, 1)).toEqual({ ts: 1, online: false, recording: false, tamper: true });
    expect(cameraHealth({ stream: live, status: { ok: false, reason: 'HTTP 404' } }, 1)).not.toHaveProperty('recording');
  });
});
