import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argon2Hasher } from '../../server/src/adapters/argon2.js';
import { silentLogger } from '../../server/src/adapters/logger.js';
import { isLoopback, startEmbeddedBroker, type EmbeddedBroker } from '../../server/src/adapters/mqtt/embedded-broker.js';

/**
 * SPEC §7 on the embedded broker: off this machine, every client needs its collector's credentials
 * and may publish only under its own depot. "Off this machine" is simulated by admitting no one
 * anonymously, since a test may only use loopback addresses.
 */
describe('embedded broker authentication', () => {
  let broker: EmbeddedBroker;
  let url: string;
  beforeAll(async () => {
    const hash = await argon2Hasher.hash('k101-collector-secret');
    broker = await startEmbeddedBroker({
      host: '127.0.0.1', port: 0, root: 'depots', logger: silentLogger, admitAnonymous: () => false,
      verifyCollector: async (u, p) => (u === 'K101' && (await argon2Hasher.verify(hash, p)) ? 'K101' : null),
    });
    url = `mqtt://127.0.0.1:${broker.port}`;
  });
  afterAll(() => broker?.close());

  const connect = (username?: string, password?: string) => connectAsync(url, { reconnectPeriod: 0, connectTimeout: 3000, ...(username ? { username, password } : {}) });

  it('refuses anonymous clients and wrong passwords', async () => {
    await expect(connect()).rejects.toThrow(/Not authorized|Connection refused/i);
    await expect(connect('K101', 'wrong')).rejects.toThrow(/Bad User Name or Password|Connection refused/i);
    await expect(connect('K999', 'k101-collector-secret')).rejects.toThrow();
  });

  it('lets a collector publish under its own depot only', async () => {
    const listener = await (async () => {
      // a second K101 session to watch what gets through
      const c = await connect('K101', 'k101-collector-secret');
      await c.subscribeAsync('depots/#');
      return c;
    })();
    const seen: string[] = [];
    listener.on('message', (topic) => seen.push(topic));
    const k101 = await connect('K101', 'k101-collector-secret');
    await k101.publishAsync('depots/K101/sensors/A-T1', '{"kind":"temperature","value":21}', { qos: 1 });
    const closed = new Promise<void>((r) => k101.once('close', () => r()));
    k101.publish('depots/K102/sensors/A-T1', '{"kind":"temperature","value":99}', { qos: 1 });
    await closed; // MQTT 3.1.1 has no refusal code for a publish: the broker drops the connection
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual(['depots/K101/sensors/A-T1']);
    k101.end(true);
    await listener.endAsync();
  });

  it('treats only loopback addresses as this machine', () => {
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['10.0.0.5', '192.168.1.2', '::ffff:10.1.1.1', undefined].some(isLoopback)).toBe(false);
  });
});
