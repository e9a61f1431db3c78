import type { Socket } from 'node:net';

/**
 * A maximum MQTT packet size, enforced on the socket as bytes arrive (aedes has none: its parser buffers
 * a whole packet, whatever length the header declares, even before CONNECT).
 *
 * Every MQTT packet starts with a fixed header: one byte of type and flags, then the remaining length
 * in 1 to 4 bytes of 7 bits each (MQTT 3.1.1 §2.2.3). `PacketScanner` follows packet boundaries through
 * the stream by reading only those headers and skipping bodies by count, so it knows each packet's
 * size from its first 2–5 bytes, before the body has arrived, and never copies anything.
 *
 * Until the broker has accepted the CONNECT (CONNACK 0), the connection may send at most
 * `beforeConnectBytes` in all: an unauthenticated client holds next to no memory, and a client cannot
 * queue megabytes of packets behind a CONNECT whose password is still being hashed.
 */
export const PACKET_LIMITS = {
  /**
   * SPEC §3: the largest legitimate packet is a camera snapshot: a 512 KiB JPEG, plus the fixed header,
   * topic (`depots/<64>/cameras/<64>/snapshot`), packet id and MQTT 5 properties: 4 KiB is ample.
   */
  maxPacketBytes: 512 * 1024 + 4096,
  /** a CONNECT carries a client id, a Last Will (a collector status: well under 1 KiB), credentials */
  beforeConnectBytes: 64 * 1024,
} as const;

export type PacketViolation =
  | { reason: 'oversized_packet'; declaredBytes: number; limitBytes: number }
  | { reason: 'oversized_before_connect'; declaredBytes: number; limitBytes: number }
  | { reason: 'malformed_length' };

/** Pure: feeds on chunks, reports the first violation. */
export class PacketScanner {
  private state: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private lengthBytes = 0;
  private bodyLeft = 0;
  private admitted = false;
  private bytesBeforeAdmission = 0;

  constructor(private readonly limits: { maxPacketBytes: number; beforeConnectBytes: number }) {}

  /** the broker accepted the CONNECT: from now on each packet may be up to maxPacketBytes */
  admit(): void {
    this.admitted = true;
  }

  feed(chunk: Uint8Array): PacketViolation | null {
    let i = 0;
    while (i < chunk.length) {
      switch (this.state) {
        case 'type':
          i++;
          this.state = 'length';
          this.length = 0;
          this.lengthBytes = 0;
          break;
        case 'length': {
          const byte = chunk[i++] ?? 0;
          this.length += (byte & 0x7f) * 128 ** this.lengthBytes;
          this.lengthBytes++;
          if (byte & 0x80) {
            if (this.lengthBytes >= 4) return { reason: 'malformed_length' };
            break;
          }
          const violation = this.check(1 + this.lengthBytes + this.length);
          if (violation) return violation;
          this.bodyLeft = this.length;
          this.state = this.bodyLeft > 0 ? 'body' : 'type';
          break;
        }
        case 'body': {
          const take = Math.min(this.bodyLeft, chunk.length - i);
          i += take;
          this.bodyLeft -= take;
          if (this.bodyLeft === 0) this.state = 'type';
          break;
        }
      }
    }
    return null;
  }

  private check(packetBytes: number): PacketViolation | null {
    if (!this.admitted) {
      this.bytesBeforeAdmission += packetBytes;
      if (this.bytesBeforeAdmission > this.limits.beforeConnectBytes) {
        return { reason: 'oversized_before_connect', declaredBytes: packetBytes, limitBytes: this.limits.beforeConnectBytes };
      }
    }
    if (packetBytes > this.limits.maxPacketBytes) return { reason: 'oversized_packet', declaredBytes: packetBytes, limitBytes: this.limits.maxPacketBytes };
    return null;
  }
}

/**
 * Puts a scanner in front of aedes on one socket. aedes reads its connection in paused mode, one
 * `socket.read()` per 'readable' event (aedes lib/client.js, nextBatch), so every byte it will ever parse
 * passes through `read()`: the scanner sees each chunk first and, on a violation, destroys the socket
 * and hands aedes nothing. At most one socket buffer (its high-water mark) is held before that.
 */
export function limitPackets(socket: Socket, limits: { maxPacketBytes: number; beforeConnectBytes: number }, onViolation: (v: PacketViolation) => void): PacketScanner {
  const scanner = new PacketScanner(limits);
  const read = socket.read.bind(socket);
  let violated = false;
  socket.read = (size?: number) => {
    if (violated) return null;
    const chunk = read(size) as Buffer | string | null;
    if (chunk === null || typeof chunk === 'string') return chunk;
    const violation = scanner.feed(chunk);
    if (!violation) return chunk;
    violated = true;
    onViolation(violation);
    socket.destroy();
    return null;
  };
  return scanner;
}
