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
 *
 * Unclaimed messages are never acknowledged: mqtt.js PUBACKs a message even when no 'message' listener
 * took it (a persistent session delivers its backlog right after CONNACK, possibly before the listener is
 * attached; or a message arrives between shutdown detaching the listener and the connection closing).
 * Such a PUBACK is withheld, so the broker keeps the message and sends it again on the next connection.
 * Attach the 'message' listener before the first connection completes, or the backlog waits for a reconnect.
 */
export interface DeferredAcks {
  /** in the 'message' listener, for the packet just emitted: its PUBACK waits for the returned release() */
  hold(packet: IPublishPacket): () => void;
  /** PUBACKs currently held back */
  held(): number;
  /** PUBACKs never sent because no listener claimed their message */
  withheld(): number;
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
  let withheld = 0;

  internals._sendPacket = (packet: Packet, cb?: (err?: Error) => void, ...rest: unknown[]) => {
    if (packet.cmd === 'puback' && packet.messageId !== undefined) {
      const held = pending.get(packet.messageId);
      if (held === undefined || held.stream !== internals.stream) {
        // nobody took this message: the broker must keep it
        withheld += 1;
        cb?.();
        return;
      }
      if (held.released) {
        pending.delete(packet.messageId);
      } else {
        held.puback = packet;
        // the pump carries on with the next packet; the PUBACK itself waits for release()
        cb?.();
        return;
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
    withheld: () => withheld,
  };
}
