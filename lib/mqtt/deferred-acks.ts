import type { IPublishPacket, MqttClient, Packet } from 'mqtt';

/**
 * PUBACK a QoS 1 message only once the caller says it is safe (durably queued), without stopping the
 * packets behind it.
 *
 * mqtt.js offers two hooks, and neither fits a group commit: `handleMessage` and `customHandleAcks` (MQTT 5
 * only) both hold the client's packet pump until their callback runs (handlers/publish.js sends the PUBACK,
 * then calls `done`, which parses the next packet), so one slow commit would serialise every message. Here
 * the PUBACK mqtt.js is about to send is taken aside at `_sendPacket` (mqtt.js 5.x), the pump goes on at
 * once, and the PUBACK goes out when `release()` is called: many messages share one commit, and the broker's
 * in-flight window fills with messages that are being committed, not waiting for each other.
 *
 * A PUBACK is tied to the connection its message came on: after a reconnect a held one is forgotten (the
 * broker re-sends the message on the persistent session) and never acknowledges a newer message that
 * reuses the id.
 */
export interface DeferredAcks {
  /** in the 'message' listener, for the packet just emitted: its PUBACK waits for the returned release() */
  hold(packet: IPublishPacket): () => void;
  /** PUBACKs currently held back */
  held(): number;
}

interface Held {
  stream: unknown;
  puback?: Packet;
  released: boolean;
}

type SendPacket = (packet: Packet, cb?: (err?: Error) => void, ...rest: unknown[]) => void;

export function deferPubacks(client: MqttClient): DeferredAcks {
  const internals = client as unknown as { _sendPacket?: SendPacket; stream: unknown };
  const original = internals._sendPacket;
  if (typeof original !== 'function') throw new Error('deferPubacks: this mqtt.js has no MqttClient._sendPacket (built for mqtt.js 5.x)');
  const send: SendPacket = original.bind(client);
  const pending = new Map<number, Held>();

  internals._sendPacket = (packet: Packet, cb?: (err?: Error) => void, ...rest: unknown[]) => {
    if (packet.cmd === 'puback' && packet.messageId !== undefined) {
      const held = pending.get(packet.messageId);
      if (held && held.stream === internals.stream) {
        if (held.released) {
          pending.delete(packet.messageId);
        } else {
          held.puback = packet;
          // the pump carries on with the next packet; the PUBACK itself waits for release()
          cb?.();
          return;
        }
      }
    }
    send(packet, cb, ...rest);
  };

  // what was held on a connection that closed is re-sent by the broker: drop it
  client.on('close', () => {
    for (const [id, held] of pending) if (held.stream !== internals.stream || !client.connected) pending.delete(id);
  });

  return {
    hold(packet) {
      if (packet.qos !== 1 || packet.messageId === undefined) return () => {};
      const id = packet.messageId;
      const held: Held = { stream: internals.stream, released: false };
      pending.set(id, held);
      return () => {
        if (pending.get(id) !== held || held.released) return;
        held.released = true;
        if (held.puback === undefined) return; // mqtt.js has not produced it yet; it goes straight out when it does
        pending.delete(id);
        if (held.stream === internals.stream && client.connected) send(held.puback);
      };
    },
    held: () => pending.size,
  };
}
