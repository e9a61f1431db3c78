import mqttPacket from 'mqtt-packet';
import { connect, type Socket } from 'node:net';

/**
 * MQTT below the client library: raw packets on a plain socket, for tests that need what a well-behaved
 * client never sends (oversized or malformed packets) or a chosen local address.
 */
export function openSocket(port: number, localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, ...(localAddress ? { localAddress } : {}) });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

export const connectPacket = (o: { clientId?: string; username?: string; password?: string; clean?: boolean } = {}) =>
  mqttPacket.generate({
    cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: o.clean ?? true, keepalive: 30, clientId: o.clientId ?? `raw-${Math.random().toString(16).slice(2)}`,
    ...(o.username !== undefined ? { username: o.username } : {}), ...(o.password !== undefined ? { password: Buffer.from(o.password) } : {}),
  });

/** resolves with the CONNACK's return code, or 'closed' when the broker hung up first */
export function awaitConnack(socket: Socket, timeoutMs = 5000): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    const parser = mqttPacket.parser();
    const done = (v: number | 'closed') => { clearTimeout(timer); socket.off('data', onData); resolve(v); };
    const timer = setTimeout(() => done('closed'), timeoutMs);
    parser.on('packet', (p) => { if (p.cmd === 'connack') done(p.returnCode ?? 0); });
    const onData = (d: Buffer) => parser.parse(d);
    socket.on('data', onData);
    socket.once('close', () => done('closed'));
  });
}

/** CONNECT from `localAddress` and the CONNACK's return code; the socket is closed afterwards */
export async function tryLogin(port: number, o: Parameters<typeof connectPacket>[0] & { localAddress?: string }): Promise<number | 'closed'> {
  const s = await openSocket(port, o.localAddress);
  s.on('error', () => {});
  const answer = awaitConnack(s);
  s.write(connectPacket(o));
  const code = await answer;
  s.destroy();
  return code;
}

export const closed = (s: Socket) => new Promise<void>((r) => (s.destroyed ? r() : s.once('close', () => r())));
