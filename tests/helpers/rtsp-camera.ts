import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort } from './snmp-agent.js';

/**
 * An RTSP camera for tests, on an ephemeral port. Debian's ffmpeg encodes a test pattern to H.264 and sends it
 * as RTP to a local UDP port; this small RTSP server (OPTIONS, DESCRIBE, SETUP over TCP-interleaved, PLAY,
 * TEARDOWN, GET_PARAMETER) relays those packets to every playing client, as an IP camera would. ffmpeg alone
 * cannot be the camera: its `-rtsp_flags listen` exists only on the receiving side (a server that is pushed to).
 *
 *  - `live`:   testsrc, a moving picture;
 *  - `frozen`: the first frame of testsrc repeated (frames keep flowing, the picture never changes);
 *  - stopFeed(): ffmpeg killed, the server still answers RTSP but no packet flows;
 *  - close(): the server is gone, connections are refused.
 */

export const FFMPEG_BIN = '/usr/bin/ffmpeg';
export const hasFfmpeg = (): boolean => existsSync(FFMPEG_BIN);

/** a test pattern, or a recorded H.264 file looped as it is (for measuring a camera check on a real resolution) */
export type Picture = 'live' | 'frozen' | { file: string };

export interface RtspTestCamera {
  url: string;
  port: number;
  /** (re)starts the ffmpeg feed with this picture */
  feed(picture: Picture): Promise<void>;
  stopFeed(): Promise<void>;
  close(): Promise<void>;
}

const FPS = 10;

export async function startRtspCamera(picture: Picture = 'live'): Promise<RtspTestCamera> {
  const dir = await mkdtemp(join(tmpdir(), 'depotwatch-rtsp-'));
  const rtpPort = await freeUdpPort();
  const udp: UdpSocket = createSocket('udp4');
  await new Promise<void>((resolve) => udp.bind(rtpPort, '127.0.0.1', () => resolve()));
  const players = new Set<Socket>();
  udp.on('message', (pkt) => {
    const header = Buffer.alloc(4);
    header.writeUInt8(0x24, 0);
    header.writeUInt8(0, 1); // interleaved channel 0: RTP of track 0
    header.writeUInt16BE(pkt.length, 2);
    for (const p of players) if (!p.destroyed) p.write(Buffer.concat([header, pkt]));
  });

  let sdp = '';
  let ffmpeg: ChildProcess | undefined;
  const stopFeed = async (): Promise<void> => {
    const child = ffmpeg;
    ffmpeg = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  };
  const feed = async (p: Picture): Promise<void> => {
    await stopFeed();
    const sdpFile = join(dir, 'stream.sdp');
    await rm(sdpFile, { force: true });
    const pattern = p === 'live'
      ? `testsrc=size=320x240:rate=${FPS}`
      : `testsrc=size=320x240:rate=${FPS},trim=end_frame=1,loop=loop=-1:size=1:start=0`;
    const input = typeof p === 'object'
      ? ['-re', '-stream_loop', '-1', '-i', p.file, '-an', '-c:v', 'copy']
      : ['-re', '-f', 'lavfi', '-i', pattern, '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(FPS), '-pix_fmt', 'yuv420p', '-threads', '1'];
    const child = spawn(FFMPEG_BIN, [
      '-hide_banner', '-nostdin', '-loglevel', 'error', ...input,
      '-f', 'rtp', '-sdp_file', sdpFile, `rtp://127.0.0.1:${rtpPort}?pkt_size=1200`,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.resume();
    ffmpeg = child;
    const deadline = Date.now() + 10_000;
    while (!existsSync(sdpFile)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('the test camera\'s ffmpeg did not start');
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 50));
    sdp = (await readFile(sdpFile, 'utf8')).replace(/^m=video \d+/m, 'm=video 0').replace(/\s*$/, '\r\na=control:trackID=0\r\n');
  };

  const server: Server = createServer((sock) => {
    let buf = '';
    sock.on('error', () => {});
    sock.on('close', () => players.delete(sock));
    sock.on('data', (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const request = buf.slice(0, end);
        buf = buf.slice(end + 4);
        answer(sock, request);
      }
    });
  });
  const answer = (sock: Socket, request: string): void => {
    const [line = '', ...headers] = request.split('\r\n');
    const [method, uri = ''] = line.split(' ');
    const header = (name: string) => headers.find((h) => h.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim();
    const cseq = header('CSeq') ?? '0';
    const reply = (extra: string[], body = '') => {
      sock.write([`RTSP/1.0 200 OK`, `CSeq: ${cseq}`, ...extra, ...(body ? [`Content-Length: ${Buffer.byteLength(body)}`] : []), '', ''].join('\r\n') + body);
    };
    switch (method ?? '') {
      case 'OPTIONS': reply(['Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER']); break;
      case 'DESCRIBE': reply(['Content-Type: application/sdp', `Content-Base: ${uri.replace(/\/?$/, '/')}`], sdp); break;
      case 'SETUP': reply([`Transport: RTP/AVP/TCP;unicast;interleaved=0-1`, 'Session: 4242;timeout=60']); break;
      case 'PLAY': reply(['Session: 4242', 'Range: npt=0.000-']); players.add(sock); break;
      case 'GET_PARAMETER': reply(['Session: 4242']); break;
      case 'TEARDOWN': reply([]); players.delete(sock); sock.end(); break;
      default: sock.write(`RTSP/1.0 501 Not Implemented\r\nCSeq: ${cseq}\r\n\r\n`);
    }
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await feed(picture);
  const onExit = () => { ffmpeg?.kill('SIGKILL'); };
  process.once('exit', onExit);
  return {
    url: `rtsp://127.0.0.1:${port}/stream1`,
    port,
    feed,
    stopFeed,
    async close() {
      process.off('exit', onExit);
      await stopFeed();
      for (const p of players) p.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      udp.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
