/**
 * How the edge measures an RTSP stream's health with one bounded ffmpeg run, and how it reads the result. Pure.
 *
 * One process, one RTSP session (cameras allow few), two outputs of the same video stream:
 *  - `-c copy -f framecrc`: a line per packet (pts, duration, size) on stdout, without decoding: fps and bitrate;
 *  - `-vf freezedetect -f null`: the decoded picture compared frame to frame; a picture that stays the same for
 *    `freezeS` while frames keep arriving is a frozen camera (a stuck encoder, or a "no video" screen), reported
 *    as video loss.
 * `-t` as an input option bounds the sample; `-timeout` bounds each socket read; `-benchmark` reports the CPU
 * the check cost. The caller kills the process if it outlives all of that.
 */

export interface StreamProbeOptions {
  url: string;
  transport: 'tcp' | 'udp';
  sampleS: number;
  freezeS: number;
  /** freezedetect's noise tolerance in dB: frames closer than this count as the same picture */
  freezeNoiseDb: number;
  timeoutMs: number;
}

export function streamProbeArgs(o: StreamProbeOptions): string[] {
  return [
    '-hide_banner', '-nostdin', '-nostats', '-benchmark', '-loglevel', 'info',
    '-rtsp_transport', o.transport, '-timeout', String(o.timeoutMs * 1000), '-analyzeduration', '1000000',
    '-t', String(o.sampleS), '-i', o.url,
    '-map', '0:v:0', '-c', 'copy', '-f', 'framecrc', '-',
    // one decoding thread: a camera check should cost a depot's small edge box one core at most
    '-map', '0:v:0', '-threads', '1', '-vf', `freezedetect=n=${o.freezeNoiseDb}dB:d=${o.freezeS}`, '-f', 'null', '-',
  ];
}

export interface PacketStats { packets: number; bytes: number; spanS: number }

/** framecrc lines: `stream, dts, pts, duration, size, crc`, after a `#tb 0: 1/90000` header */
export function parseFramecrc(stdout: string): PacketStats {
  let num = 1;
  let den = 90_000;
  let packets = 0;
  let bytes = 0;
  let minPts = Infinity;
  let maxEnd = -Infinity;
  for (const line of stdout.split('\n')) {
    const tb = /^#tb 0: (\d+)\/(\d+)/.exec(line);
    if (tb) { num = Number(tb[1]); den = Number(tb[2]); continue; }
    const f = line.split(',').map((s) => s.trim());
    if (f.length < 6 || f[0] !== '0') continue;
    const pts = Number(f[2]);
    const duration = Number(f[3]);
    const size = Number(f[4]);
    if (!Number.isFinite(pts) || !Number.isFinite(size)) continue;
    packets += 1;
    bytes += size;
    minPts = Math.min(minPts, pts);
    maxEnd = Math.max(maxEnd, pts + (Number.isFinite(duration) ? duration : 0));
  }
  const spanS = packets > 0 ? ((maxEnd - minPts) * num) / den : 0;
  return { packets, bytes, spanS };
}

/** true when the last freeze freezedetect reported had not ended by the end of the sample */
export function frozenAtEnd(stderr: string): boolean {
  let lastStart = -Infinity;
  let lastEnd = -Infinity;
  for (const m of stderr.matchAll(/lavfi\.freezedetect\.freeze_(start|end): (-?[\d.]+)/g)) {
    const t = Number(m[2]);
    if (m[1] === 'start') lastStart = Math.max(lastStart, t);
    else lastEnd = Math.max(lastEnd, t);
  }
  return lastStart > -Infinity && lastStart >= lastEnd;
}

/** CPU seconds ffmpeg reports with -benchmark (`bench: utime=0.024s stime=0.007s rtime=3.801s`) */
export function cpuSeconds(stderr: string): number | undefined {
  const m = /bench: utime=([\d.]+)s stime=([\d.]+)s/.exec(stderr);
  return m ? Number(m[1]) + Number(m[2]) : undefined;
}

/** ffmpeg got as far as opening the RTSP session (DESCRIBE and SETUP answered) */
export function sessionOpened(stderr: string): boolean {
  return /Input #0, rtsp/.test(stderr);
}

/** the most telling error line, for the log */
export function failureReason(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const telling = lines.filter((l) => /refused|timed out|timeout|not found|unauthorized|401|404|error|could not|invalid|failed/i.test(l) && !l.startsWith('bench:'));
  return (telling[0] ?? lines.filter((l) => !l.startsWith('bench:')).at(-1) ?? 'ffmpeg failed without a message').slice(0, 300);
}

export type StreamHealth =
  | { ok: true; fps: number; bitrateKbps: number; videoLoss: boolean; frozen: boolean; cpuS?: number }
  | { ok: false; reason: string; cpuS?: number };

/**
 * The health of the stream from one ffmpeg run. A stream that opened but delivered no frame is online with
 * video loss (the camera answers, its picture is gone); one that never opened is not online.
 */
export function streamHealth(run: { stdout: string; stderr: string; timedOut: boolean }): StreamHealth {
  const stats = parseFramecrc(run.stdout);
  const cpuS = cpuSeconds(run.stderr);
  const cpu = cpuS !== undefined ? { cpuS } : {};
  if (stats.packets === 0) {
    if (sessionOpened(run.stderr)) return { ok: true, fps: 0, bitrateKbps: 0, videoLoss: true, frozen: false, ...cpu };
    return { ok: false, reason: run.timedOut ? 'no answer before the check\'s deadline' : failureReason(run.stderr), ...cpu };
  }
  const span = Math.max(stats.spanS, 1e-3);
  const frozen = frozenAtEnd(run.stderr);
  return {
    ok: true,
    fps: Math.round((stats.packets / span) * 10) / 10,
    bitrateKbps: Math.round((stats.bytes * 8) / span / 1000),
    videoLoss: frozen,
    frozen,
    ...cpu,
  };
}
