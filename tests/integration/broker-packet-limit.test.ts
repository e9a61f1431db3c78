import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKET_LIMITS } from '../../server/src/adapters/mqtt/packet-limit.js';
import { awaitConnack, closed, connectPacket, openSocket } from '../helpers/raw-mqtt.js';

/**
 * A maximum packet size, before and after CONNECT, on the embedded broker in a child process: the
 * connection is closed from the packet's header, the refusal is counted, the broker's peak memory
 * (VmHWM) stays where it was, and it keeps serving. Without the limit aedes buffers every packet whole:
 * five 10 MB publishes added 87 MB of RSS (issue 6).
 */
const MB = 1024 * 1024;
const memoryKb = (pid: number, field: 'VmRSS' | 'VmHWM') => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

/** a PUBLISH fixed header (QoS 0) for a topic and a payload of `payloadBytes`, without the payload */
function publishHeader(topic: string, payloadBytes: number): Buffer {
  const topicBytes = Buffer.from(topic);
  let remaining = 2 + topicBytes.length + payloadBytes;
  const length: number[] = [];
  do {
    let byte = remaining % 128;
    remaining = Math.floor(remaining / 128);
    if (remaining > 0) byte |= 0x80;
    length.push(byte);
  } while (remaining > 0);
  return Buffer.concat([Buffer.from([0x30, ...length]), Buffer.from([topicBytes.length >> 8, topicBytes.length & 0xff]), topicBytes]);
}

/** writes `header` then zeros until `totalBytes` or the broker hangs up; how many bytes went out */
async function stream(socket: Socket, header: Buffer, totalBytes: number): Promise<number> {
  socket.on('error', () => {});
  const chunk = Buffer.alloc(MB);
  let sent = header.length;
  socket.write(header);
  while (sent < totalBytes && !socket.destroyed) {
    const more = socket.write(chunk);
    sent += chunk.length;
    if (!more) await Promise.race([new Promise((r) => socket.once('drain', r)), closed(socket)]);
  }
  await closed(socket);
  return sent;
}

describe('embedded broker: maximum packet size', () => {
  let child: ChildProcess;
  let port: number;
  const refusals: string[] = [];
  beforeAll(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/broker-child.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
    port = await new Promise<number>((resolve, reject) => {
      let buf = '';
      child.stdout?.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = JSON.parse(buf.slice(0, nl)) as { port?: number; refused?: string };
          buf = buf.slice(nl + 1);
          if (line.port) resolve(line.port);
          if (line.refused) refusals.push(line.refused);
        }
      });
      child.once('exit', (code) => reject(new Error(`broker child exited with ${code}`)));
    });
  });
  afterAll(() => { child?.kill('SIGTERM'); });

  it('closes connections whose packet is too large, before or after CONNECT, and its memory stays flat', async () => {
    const pid = child.pid ?? 0;
    // warm up with ordinary traffic so the baseline is not the cold start
    const warm = await connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
    for (let i = 0; i < 200; i++) warm.publish('depots/K101/sensors/T1', '{"kind":"temperature","value":20}');
    await warm.endAsync();
    await new Promise((r) => setTimeout(r, 300));
    const rssBefore = memoryKb(pid, 'VmRSS');
    const peakBefore = memoryKb(pid, 'VmHWM');

    // a 256 MB PUBLISH declared before any CONNECT, then 32 MB of it actually sent
    const early = await openSocket(port);
    const earlySent = await stream(early, Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]), 32 * MB);

    // five 10 MB publishes, each after a CONNECT the broker accepted
    const lateSent: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = await openSocket(port);
      const ack = awaitConnack(s);
      s.write(connectPacket());
      expect(await ack).toBe(0);
      lateSent.push(await stream(s, publishHeader('depots/K101/cameras/C1/snapshot', 10 * MB), 10 * MB));
    }
    await new Promise((r) => setTimeout(r, 300));
    const rssAfter = memoryKb(pid, 'VmRSS');
    const peakAfter = memoryKb(pid, 'VmHWM');
    const figures = { rssBeforeMB: rssBefore / 1024, rssAfterMB: rssAfter / 1024, peakBeforeMB: peakBefore / 1024, peakAfterMB: peakAfter / 1024, earlySentMB: earlySent / MB, lateSentMB: lateSent.map((b) => b / MB) };
    console.log('packet limit figures', JSON.stringify(figures));

    expect(refusals.filter((r) => r === 'oversized_before_connect')).toHaveLength(1);
    expect(refusals.filter((r) => r === 'oversized_packet')).toHaveLength(5);
    // 82 MB were offered; buffering even one 10 MB packet would show. Generous bound for GC noise.
    expect(peakAfter - peakBefore, JSON.stringify(figures)).toBeLessThan(16 * 1024);
  });

  it('keeps serving, and passes a camera snapshot of the largest size SPEC §3 allows', async () => {
    const sub = await connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
    const pub = await connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
    await sub.subscribeAsync('depots/K101/cameras/+/snapshot', { qos: 1 });
    const got = new Promise<Buffer>((r) => sub.once('message', (_t, payload) => r(payload)));
    const jpeg = Buffer.alloc(512 * 1024, 0xd8);
    await pub.publishAsync('depots/K101/cameras/CAM-01/snapshot', jpeg, { qos: 1 });
    expect((await got).length).toBe(jpeg.length);
    expect(PACKET_LIMITS.maxPacketBytes).toBeGreaterThan(jpeg.length + 200);
    await sub.endAsync();
    await pub.endAsync();
  });
});
