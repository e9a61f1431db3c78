import { connectAsync, type IClientOptions, type MqttClient, type Packet } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argon2Hasher } from '../../server/src/adapters/argon2.js';
import { silentLogger } from '../../server/src/adapters/logger.js';
import { isLoopback, startEmbeddedBroker, type BrokerRefusal, type EmbeddedBroker } from '../../server/src/adapters/mqtt/embedded-broker.js';
import { tryLogin } from '../helpers/raw-mqtt.js';

/**
 * SPEC §7 on the embedded broker: off this machine, every client needs its collector's credentials,
 * publishes only under its own depot, reads only its own config and snapshot requests, and cannot take
 * another account's client id. "Off this machine" is simulated by admitting no one anonymously, since
 * a test may only use loopback addresses.
 */
const PASSWORDS: Record<string, string> = { K101: 'k101-collector-secret', K102: 'k102-collector-secret' };
const settle = () => new Promise((r) => setTimeout(r, 300));

/** the SUBACK's codes, one per filter (mqtt.js turns any 0x80 into an error and drops them) */
function grantedCodes(c: MqttClient, filters: string[], qos: 0 | 1 = 1): Promise<number[]> {
  return new Promise((resolve) => {
    const onPacket = (p: Packet) => {
      if (p.cmd !== 'suback') return;
      c.off('packetreceive', onPacket);
      resolve(p.granted as number[]);
    };
    c.on('packetreceive', onPacket);
    c.subscribe(filters, { qos }, () => {});
  });
}

async function startWithAccounts(extra: Partial<Parameters<typeof startEmbeddedBroker>[0]> = {}) {
  const hashes = new Map(await Promise.all(Object.entries(PASSWORDS).map(async ([d, p]) => [d, await argon2Hasher.hash(p)] as const)));
  const counters = { hashed: 0, refused: [] as BrokerRefusal[] };
  const broker = await startEmbeddedBroker({
    host: '127.0.0.1', port: 0, root: 'depots', logger: silentLogger, admitAnonymous: () => false,
    onRefused: (r) => counters.refused.push(r),
    verifyCollector: async (u, p) => {
      const hash = hashes.get(u);
      if (!hash) return null;
      counters.hashed++;
      return (await argon2Hasher.verify(hash, p)) ? u : null;
    },
    ...extra,
  });
  return { broker, counters, url: `mqtt://127.0.0.1:${broker.port}` };
}

describe('embedded broker: who may connect, publish and read', () => {
  let broker: EmbeddedBroker;
  let url: string;
  let counters: Awaited<ReturnType<typeof startWithAccounts>>['counters'];
  const open: MqttClient[] = [];
  beforeAll(async () => ({ broker, url, counters } = await startWithAccounts()));
  afterAll(async () => {
    for (const c of open) c.end(true);
    await broker?.close();
  });

  const connect = async (username?: string, extra: IClientOptions = {}) => {
    const c = await connectAsync(url, {
      reconnectPeriod: 0, connectTimeout: 3000,
      ...(username === 'centre' ? broker.centreCredentials : username ? { username, password: PASSWORDS[username] ?? 'wrong' } : {}),
      ...extra,
    });
    open.push(c);
    return c;
  };
  const collect = (c: MqttClient) => {
    const seen: { topic: string; payload: string; retain: boolean }[] = [];
    c.on('message', (topic, payload, packet) => seen.push({ topic, payload: payload.toString(), retain: packet.retain }));
    return seen;
  };

  it('refuses anonymous clients and wrong passwords', async () => {
    await expect(connectAsync(url, { reconnectPeriod: 0 })).rejects.toThrow(/Not authorized|Connection refused/i);
    await expect(connectAsync(url, { reconnectPeriod: 0, username: 'K101', password: 'wrong' })).rejects.toThrow(/Bad User Name or Password|Connection refused/i);
    await expect(connectAsync(url, { reconnectPeriod: 0, username: 'K999', password: PASSWORDS.K101 })).rejects.toThrow();
    await expect(connectAsync(url, { reconnectPeriod: 0, ...broker.centreCredentials, password: 'not-the-secret' })).rejects.toThrow();
    expect(counters.refused).toContain('anonymous');
    expect(counters.refused).toContain('bad_credentials');
  });

  it('lets a collector publish under its own depot only', async () => {
    const centre = await connect('centre');
    await centre.subscribeAsync('depots/#');
    const seen = collect(centre);
    const k101 = await connect('K101');
    await k101.publishAsync('depots/K101/sensors/A-T1', '{"kind":"temperature","value":21}', { qos: 1 });
    const closed = new Promise<void>((r) => k101.once('close', () => r()));
    k101.publish('depots/K102/sensors/A-T1', '{"kind":"temperature","value":99}', { qos: 1 });
    await closed; // MQTT 3.1.1 has no refusal code for a publish: the broker drops the connection
    await settle();
    expect(seen.map((m) => m.topic)).toEqual(['depots/K101/sensors/A-T1']);
    await centre.unsubscribeAsync('depots/#');
  });

  it('grants a collector only its own config and snapshot requests, filter by filter', async () => {
    const centre = await connect('centre');
    // retained before anyone subscribes: a subscription must not pull another depot's retained config
    await centre.publishAsync('depots/K101/collector/config', '{"v":101}', { qos: 1, retain: true });
    await centre.publishAsync('depots/K102/collector/config', '{"v":102}', { qos: 1, retain: true });
    await centre.publishAsync('depots/K102/sensors/T1', '{"kind":"temperature","value":5}', { qos: 1, retain: true });
    const k101 = await connect('K101');
    const seen = collect(k101);
    const filters = [
      'depots/K101/collector/config', 'depots/K101/cameras/+/snapshot/request', 'depots/K101/cameras/C1/snapshot/request',
      'depots/#', '#', 'depots/+/collector/config', 'depots/K102/collector/config', 'depots/K101/#', '+/+/+/+', '$SYS/#',
    ];
    const granted = await grantedCodes(k101, filters);
    expect(granted.map((g, i) => [filters[i], g])).toEqual(filters.map((f, i) => [f, i < 3 ? 1 : 128]));
    expect(k101.connected).toBe(true); // a refused filter is a SUBACK failure code, not a dropped connection

    await centre.publishAsync('depots/K101/cameras/C1/snapshot/request', '{"reason":"mine"}', { qos: 1 });
    await centre.publishAsync('depots/K102/cameras/C1/snapshot/request', '{"reason":"theirs"}', { qos: 1 });
    await centre.publishAsync('depots/K102/collector/config', '{"v":1022}', { qos: 1 });
    await centre.publishAsync('depots/K102/sensors/D1', '{"kind":"door","value":1}', { qos: 1 });
    await settle();
    expect(seen.every((m) => m.topic.startsWith('depots/K101/')), JSON.stringify(seen)).toBe(true);
    expect(seen.find((m) => m.topic === 'depots/K101/collector/config')).toMatchObject({ payload: '{"v":101}', retain: true });
    // one subscription of the two matching the request (aedes delivers once per matching filter)
    expect(seen.filter((m) => m.topic === 'depots/K101/cameras/C1/snapshot/request').length).toBeGreaterThanOrEqual(1);
    expect(counters.refused.filter((r) => r === 'subscribe_denied').length).toBeGreaterThanOrEqual(7);
  });

  it('keeps $SYS closed to collectors but not to the centre', async () => {
    const centre = await connect('centre');
    const k101 = await connect('K101');
    const centreSeen = collect(centre);
    const k101Seen = collect(k101);
    expect(await grantedCodes(centre, ['$SYS/+/new/clients'], 0)).toEqual([0]);
    expect(await grantedCodes(k101, ['$SYS/+/new/clients', '$SYS/#'], 0)).toEqual([128, 128]);
    await connect('K102', { clientId: 'announced-on-sys' });
    await settle();
    expect(centreSeen.some((m) => m.payload === 'announced-on-sys')).toBe(true); // the test could fail
    expect(k101Seen).toEqual([]);
  });

  it('binds a client id to its account: K101 cannot take K102\'s id, and K102\'s Last Will does not fire', async () => {
    const centre = await connect('centre');
    await centre.subscribeAsync('depots/+/collector/status', { qos: 1 });
    const statuses = collect(centre);
    const will = { topic: 'depots/K102/collector/status', payload: Buffer.from('{"state":"offline"}'), qos: 1 as const, retain: true };
    const victim = await connect('K102', { clientId: 'edge-K102', will });
    let victimClosed = false;
    victim.on('close', () => { victimClosed = true; });

    await expect(connectAsync(url, { reconnectPeriod: 0, clientId: 'edge-K102', username: 'K101', password: PASSWORDS.K101 }))
      .rejects.toThrow(/Identifier rejected/i);
    await expect(connectAsync(url, { reconnectPeriod: 0, clientId: 'edge-K102', ...broker.centreCredentials })).rejects.toThrow(/Identifier rejected/i);
    await settle();
    expect(victimClosed).toBe(false);
    expect(victim.connected).toBe(true);
    await victim.publishAsync('depots/K102/collector/status', '{"state":"online"}', { qos: 1 });
    await settle();
    expect(statuses.map((s) => s.payload)).toEqual(['{"state":"online"}']); // no "offline" from the Will
    expect(counters.refused).toContain('client_id_taken');

    // the same account may take its own id over (a collector reconnecting over a half-open connection)
    const again = await connect('K102', { clientId: 'edge-K102' });
    expect(again.connected).toBe(true);
    await settle();
    expect(victimClosed).toBe(true);
  });

  it('treats only loopback addresses as this machine', () => {
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['10.0.0.5', '192.168.1.2', '::ffff:10.1.1.1', undefined].some(isLoopback)).toBe(false);
  });
});

describe('embedded broker: login throttling', () => {
  it('refuses an address after its failures, without hashing, logging it once, and lets the others in', async () => {
    const logged: { msg: string }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => { logged.push(JSON.parse(line) as { msg: string }); } });
    const { broker, counters } = await startWithAccounts({ throttle: { perSource: 3, perAccount: 100 }, logger });
    try {
      for (let i = 0; i < 3; i++) expect(await tryLogin(broker.port, { username: 'K101', password: 'guess' + i, localAddress: '127.0.0.2' })).toBe(4);
      expect(counters.hashed).toBe(3);
      // the right password from the same address now: refused (3: server unavailable) before any hash
      for (let i = 0; i < 20; i++) expect(await tryLogin(broker.port, { username: 'K101', password: PASSWORDS.K101, localAddress: '127.0.0.2' })).toBe(3);
      expect(counters.hashed).toBe(3);
      expect(counters.refused.filter((r) => r === 'throttled').length).toBe(20);
      expect(logged.filter((l) => l.msg === 'MQTT login throttled')).toHaveLength(1); // once a minute, not 20 times
      // another address is not affected
      expect(await tryLogin(broker.port, { username: 'K101', password: PASSWORDS.K101, localAddress: '127.0.0.3' })).toBe(0);
    } finally {
      await broker.close();
    }
  });

  it('limits guesses at one account across addresses, but not from where it last logged in', async () => {
    const { broker, counters } = await startWithAccounts({ throttle: { perSource: 100, perAccount: 2 } });
    try {
      expect(await tryLogin(broker.port, { username: 'K101', password: PASSWORDS.K101, localAddress: '127.0.0.4' })).toBe(0);
      expect(await tryLogin(broker.port, { username: 'K101', password: 'x', localAddress: '127.0.0.5' })).toBe(4);
      expect(await tryLogin(broker.port, { username: 'K101', password: 'y', localAddress: '127.0.0.6' })).toBe(4);
      const hashed = counters.hashed;
      expect(await tryLogin(broker.port, { username: 'K101', password: PASSWORDS.K101, localAddress: '127.0.0.7' })).toBe(3);
      expect(counters.hashed).toBe(hashed);
      // the real collector, at the address it last logged in from, still gets in
      expect(await tryLogin(broker.port, { username: 'K101', password: PASSWORDS.K101, localAddress: '127.0.0.4' })).toBe(0);
      // and K102 is a different account
      expect(await tryLogin(broker.port, { username: 'K102', password: PASSWORDS.K102, localAddress: '127.0.0.7' })).toBe(0);
    } finally {
      await broker.close();
    }
  });
});
