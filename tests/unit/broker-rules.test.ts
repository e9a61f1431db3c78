import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { mayPublish, mayReceive, maySubscribe, type BrokerIdentity } from '../../server/src/adapters/mqtt/acl.js';
import { createClientIdRegistry } from '../../server/src/adapters/mqtt/client-ids.js';
import { createLogLimiter } from '../../server/src/adapters/mqtt/login-throttle.js';
import { PacketScanner } from '../../server/src/adapters/mqtt/packet-limit.js';

const k101: BrokerIdentity = { kind: 'collector', depotId: 'K101' };
const anonymous: BrokerIdentity = { kind: 'anonymous' };
const centre: BrokerIdentity = { kind: 'centre' };

describe('broker ACL (SPEC §7)', () => {
  it.each([
    ['depots/K101/collector/config', true],
    ['depots/K101/cameras/+/snapshot/request', true],
    ['depots/K101/cameras/CAM01/snapshot/request', true],
    ['#', false],
    ['depots/#', false],
    ['depots/K101/#', false],
    ['depots/+/collector/config', false],
    ['depots/K102/collector/config', false],
    ['depots/K101/collector/+', false],
    ['depots/K101/collector/#', false],
    ['depots/K101/sensors/+', false],
    ['depots/K101/cameras/#', false],
    ['depots/K101/cameras/+/snapshot/+', false],
    ['depots/K101/cameras/+/snapshot/request/#', false],
    ['depots/K101/cameras/+/+/request', false],
    ['depots/K101/cameras//snapshot/request', false],
    ['+/K101/collector/config', false],
    ['$SYS/#', false],
    ['$share/g/depots/K101/collector/config', false],
    ['other/K101/collector/config', false],
  ])('a K101 collector subscribing to %s: %s', (filter, allowed) => {
    expect(maySubscribe(k101, 'depots', filter)).toBe(allowed);
  });

  it('honours the topic root', () => {
    expect(maySubscribe(k101, 'site7', 'site7/K101/collector/config')).toBe(true);
    expect(maySubscribe(k101, 'site7', 'depots/K101/collector/config')).toBe(false);
    expect(mayPublish(k101, 'site7', 'site7/K101/sensors/T1')).toBe(true);
    expect(mayPublish(k101, 'site7', 'depots/K101/sensors/T1')).toBe(false);
  });

  it('delivers to a collector only its own config and snapshot requests', () => {
    expect(mayReceive(k101, 'depots', 'depots/K101/collector/config')).toBe(true);
    expect(mayReceive(k101, 'depots', 'depots/K101/cameras/C1/snapshot/request')).toBe(true);
    for (const topic of ['depots/K102/collector/config', 'depots/K101/collector/status', 'depots/K101/sensors/T1',
      'depots/K101/cameras/C1/health', 'depots/K102/cameras/C1/snapshot/request', '$SYS/x/new/clients', 'depots/K101/cameras//snapshot/request']) {
      expect(mayReceive(k101, 'depots', topic), topic).toBe(false);
    }
  });

  it('keeps anonymous and centre rights, except publishing to $SYS', () => {
    for (const who of [anonymous, centre]) {
      expect(maySubscribe(who, 'depots', '#')).toBe(true);
      expect(mayReceive(who, 'depots', 'depots/K102/sensors/T1')).toBe(true);
      expect(mayPublish(who, 'depots', 'depots/K102/sensors/T1')).toBe(true);
      expect(mayPublish(who, 'depots', '$SYS/broker/fake')).toBe(false);
    }
    expect(mayPublish(centre, 'depots', 'depots/K102/collector/config')).toBe(true);
    expect(mayReceive(centre, 'depots', 'depots/K102/collector/config')).toBe(true);
    expect(maySubscribe(centre, 'depots', 'depots/+/collector/config')).toBe(true);
  });

  it('keeps a depot\'s configuration (its devices\' secrets) from anonymous local clients, both ways', () => {
    for (const topic of ['depots/K102/collector/config', 'depots/K101/collector/config']) {
      expect(mayPublish(anonymous, 'depots', topic), topic).toBe(false);
      expect(mayReceive(anonymous, 'depots', topic), topic).toBe(false);
    }
    for (const filter of ['depots/+/collector/config', 'depots/K101/collector/config', '+/K101/collector/config']) {
      expect(maySubscribe(anonymous, 'depots', filter), filter).toBe(false);
    }
    // wider filters are granted; what they would carry of a configuration is held back per message
    for (const filter of ['#', 'depots/#', 'depots/+/+/+', 'depots/K101/collector/+', 'depots/K101/collector/status']) {
      expect(maySubscribe(anonymous, 'depots', filter), filter).toBe(true);
    }
    // the rest stays open to the simulator and local tools, and a look-alike elsewhere is not a configuration
    for (const topic of ['depots/K101/collector/status', 'depots/K101/cameras/C1/snapshot/request', 'depots/K101/collector/config/x', 'other/K101/collector/config']) {
      expect(mayPublish(anonymous, 'depots', topic), topic).toBe(true);
      expect(mayReceive(anonymous, 'depots', topic), topic).toBe(true);
    }
    expect(mayReceive(anonymous, 'site7', 'site7/K101/collector/config')).toBe(false);
    expect(mayPublish(k101, 'depots', 'depots/K101/sensors/T1')).toBe(true);
    expect(mayPublish(k101, 'depots', 'depots/K102/sensors/T1')).toBe(false);
    expect(mayPublish(k101, 'depots', 'depots/K1010/sensors/T1')).toBe(false);
  });
});

describe('client id bindings', () => {
  it('keeps an id with the account that first used it', () => {
    const ids = createClientIdRegistry({ isConnected: () => true });
    expect(ids.claim('edge-K102', { kind: 'collector', depotId: 'K102' })).toBe('ok');
    expect(ids.claim('edge-K102', k101)).toBe('taken');
    expect(ids.claim('edge-K102', anonymous)).toBe('taken');
    expect(ids.claim('edge-K102', centre)).toBe('taken');
    expect(ids.claim('edge-K102', { kind: 'collector', depotId: 'K102' })).toBe('ok');
    expect(ids.claim('tool', anonymous)).toBe('ok');
    expect(ids.claim('tool', anonymous)).toBe('ok');
    expect(ids.claim('tool', k101)).toBe('taken');
  });

  it('stays bounded per account, forgetting only ids not connected', () => {
    const connected = new Set<string>();
    const ids = createClientIdRegistry({ isConnected: (id) => connected.has(id), maxIdsPerAccount: () => 3 });
    for (const id of ['a', 'b', 'c']) { expect(ids.claim(id, k101)).toBe('ok'); connected.add(id); }
    expect(ids.claim('d', k101)).toBe('too_many');
    connected.delete('b');
    expect(ids.claim('d', k101)).toBe('ok');
    expect(ids.size()).toBe(3);
    expect(ids.claim('b', anonymous)).toBe('ok'); // 'b' was forgotten
    expect(ids.claim('a', anonymous)).toBe('taken');
  });
});

describe('packet scanner', () => {
  const limits = { maxPacketBytes: 1000, beforeConnectBytes: 200 };
  const connect = mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'c1', keepalive: 30 });
  const publish = (bytes: number) => mqttPacket.generate({ cmd: 'publish', topic: 'depots/K101/sensors/T1', payload: Buffer.alloc(bytes), qos: 0, dup: false, retain: false });

  it('follows packet boundaries across any chunking', () => {
    const rest = Buffer.concat([publish(10), publish(900), mqttPacket.generate({ cmd: 'pingreq' }), publish(0), publish(900)]);
    for (const size of [1, 2, 3, 7, 64, rest.length]) {
      const s = new PacketScanner(limits);
      for (let i = 0; i < connect.length; i += size) expect(s.feed(connect.subarray(i, i + size))).toBeNull();
      s.admit();
      let v = null;
      for (let i = 0; i < rest.length && !v; i += size) v = s.feed(rest.subarray(i, i + size));
      expect(v, `chunks of ${size}`).toBeNull();
    }
  });

  it('refuses a packet over the limit from its header alone', () => {
    const s = new PacketScanner(limits);
    expect(s.feed(connect)).toBeNull();
    s.admit();
    const big = publish(5000);
    expect(s.feed(big.subarray(0, 3))).toMatchObject({ reason: 'oversized_packet', declaredBytes: big.length, limitBytes: 1000 });
  });

  it('refuses more than the pre-CONNECT budget and a fifth length byte', () => {
    const s = new PacketScanner(limits);
    // a 256 MB PUBLISH header before any CONNECT
    expect(s.feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]))).toMatchObject({ reason: 'oversized_before_connect' });
    expect(new PacketScanner(limits).feed(Buffer.concat([connect, publish(190)]))).toMatchObject({ reason: 'oversized_before_connect' });
    expect(new PacketScanner(limits).feed(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]))).toEqual({ reason: 'malformed_length' });
  });
});

describe('log limiter', () => {
  it('logs once per key and interval and counts the rest', () => {
    let t = 0;
    const once = createLogLimiter(60_000, () => t);
    expect(once('a')).toEqual({ log: true, suppressed: 0 });
    expect(once('a').log).toBe(false);
    expect(once('a').log).toBe(false);
    expect(once('b').log).toBe(true);
    t = 60_000;
    expect(once('a')).toEqual({ log: true, suppressed: 2 });
  });
});
