import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type IClientOptions, type MqttClient, type Packet } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKET_LIMITS } from '../../server/src/adapters/mqtt/packet-limit.js';
import { mosquittoConf } from '../../scripts/mosquitto-files.js';
import { startMosquitto, type MosquittoHandle } from '../helpers/mosquitto.js';
import { freePort } from '../helpers/ports.js';

/**
 * `npm run broker-config` against a real Mosquitto 2: the generated password file, ACL and listeners
 * keep each collector in its own depot (SPEC §7), refuse anonymous clients, and stop one collector
 * from taking another's client id.
 */
const K101_PASSWORD = 'k101-given-password-0123';
const settle = () => new Promise((r) => setTimeout(r, 300));

function grantedCodes(c: MqttClient, filters: string[]): Promise<number[]> {
  return new Promise((resolve) => {
    const onPacket = (p: Packet) => {
      if (p.cmd !== 'suback') return;
      c.off('packetreceive', onPacket);
      resolve(p.granted as number[]);
    };
    c.on('packetreceive', onPacket);
    c.subscribe(filters, { qos: 1 }, () => {});
  });
}

describe('npm run broker-config, on Mosquitto', () => {
  let dir: string;
  let out: string;
  let mosquitto: MosquittoHandle;
  let centrePort: number;
  let generated: Record<string, string>;
  let cli: { status: number | null; stdout: string; stderr: string };
  const clients: MqttClient[] = [];
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/broker-config.ts', ...args], {
      env: { ...process.env, CONFIG_DIR: 'config', MQTT_USERNAME: '' }, encoding: 'utf8',
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'depotwatch-broker-config-'));
    out = join(dir, 'mosquitto');
    writeFileSync(join(dir, 'passwords.yaml'), `K101: "${K101_PASSWORD}"\n`);
    cli = run('--out', out, '--passwords', join(dir, 'passwords.yaml'));
    generated = Object.fromEntries([...cli.stdout.matchAll(/^([A-Za-z0-9_-]+): "([^"]+)"$/gm)].map((m) => [m[1], m[2]]));
    centrePort = await freePort();
    mosquitto = await startMosquitto({
      configFor: (port) => mosquittoConf({
        dir: out, maxPacketBytes: PACKET_LIMITS.maxPacketBytes,
        listeners: { collectors: { host: '127.0.0.1', port }, centre: { host: '127.0.0.1', port: centrePort } },
      }),
      // started as root, Mosquitto would switch to its own user, which cannot read our temporary files
      ...(process.getuid?.() === 0 ? { extraConfig: 'user root' } : {}),
    });
  });
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await mosquitto?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const connect = async (user: string, o: IClientOptions & { centre?: boolean } = {}) => {
    const password = user === 'K101' ? K101_PASSWORD : generated[user];
    const c = await connectAsync(`mqtt://127.0.0.1:${o.centre ? centrePort : mosquitto.port}`, { reconnectPeriod: 0, connectTimeout: 5000, username: user, password, ...o });
    clients.push(c);
    return c;
  };

  it('writes the files, prints each generated password once, and refuses to overwrite them', () => {
    expect(cli.status, cli.stderr).toBe(0);
    expect(Object.keys(generated)).toEqual(expect.arrayContaining(['depotwatch', 'K102', 'K103']));
    expect(generated.K101).toBeUndefined(); // given in the file, not printed
    expect(statSync(join(out, 'passwd')).mode & 0o777).toBe(0o600);
    const passwd = readFileSync(join(out, 'passwd'), 'utf8');
    expect(passwd).toMatch(/^K101:\$7\$1000\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/m);
    expect(passwd).not.toContain(K101_PASSWORD);
    expect(run('--out', out).status).toBe(2);
    writeFileSync(join(dir, 'bad.yaml'), 'K999: "some-long-enough-password"\nK101: short\n');
    const bad = run('--out', join(dir, 'other'), '--passwords', join(dir, 'bad.yaml'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/K101: at least 16 characters/);
  });

  it('refuses anonymous clients and wrong passwords on both listeners', async () => {
    await expect(connectAsync(`mqtt://127.0.0.1:${mosquitto.port}`, { reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/i);
    await expect(connectAsync(`mqtt://127.0.0.1:${centrePort}`, { reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/i);
    await expect(connect('K101', { password: 'wrong-password-123456' })).rejects.toThrow(/Not authorized|Bad User/i);
  });

  it('lets K101 publish in its own tree and read its config, not publish to K102 nor read K102\'s topics', async () => {
    const centre = await connect('depotwatch', { centre: true, clientId: 'depotwatch-test-centre' });
    await centre.subscribeAsync('depots/#', { qos: 1 });
    const atCentre: string[] = [];
    centre.on('message', (t) => atCentre.push(t));
    await centre.publishAsync('depots/K101/collector/config', '{"v":101}', { qos: 1, retain: true });
    await centre.publishAsync('depots/K102/collector/config', '{"v":102}', { qos: 1, retain: true });

    const k101 = await connect('K101');
    const atK101: { topic: string; payload: string }[] = [];
    k101.on('message', (topic, p) => atK101.push({ topic, payload: p.toString() }));
    const codes = await grantedCodes(k101, ['depots/K101/collector/config', 'depots/K101/cameras/+/snapshot/request', 'depots/K102/collector/config', 'depots/#', '$SYS/#']);
    // Mosquitto 2.0.11 grants even the wide filters, then withholds every message the ACL does not let K101
    // read: what matters is what arrives, checked below
    expect(codes.slice(0, 2)).toEqual([1, 1]);

    await k101.publishAsync('depots/K101/sensors/A-T1', '{"kind":"temperature","value":21}', { qos: 1 });
    await k101.publishAsync('depots/K102/sensors/A-T1', '{"kind":"temperature","value":99}', { qos: 1 });
    await centre.publishAsync('depots/K101/cameras/C1/snapshot/request', '{"reason":"mine"}', { qos: 1 });
    await centre.publishAsync('depots/K102/cameras/C1/snapshot/request', '{"reason":"theirs"}', { qos: 1 });
    await centre.publishAsync('depots/K102/sensors/D1', '{"kind":"door","value":1}', { qos: 1 });
    await settle();
    expect(atCentre).toContain('depots/K101/sensors/A-T1');
    expect(atCentre).not.toContain('depots/K102/sensors/A-T1'); // Mosquitto drops a denied publish
    expect(atK101).toEqual(expect.arrayContaining([{ topic: 'depots/K101/collector/config', payload: '{"v":101}' }, { topic: 'depots/K101/cameras/C1/snapshot/request', payload: '{"reason":"mine"}' }]));
    expect(atK101.filter((m) => !m.topic.startsWith('depots/K101/'))).toEqual([]);
  });

  it('keeps a collector from taking another\'s client id: the id is the username', async () => {
    const statuses: string[] = [];
    const centre = await connect('depotwatch', { centre: true, clientId: 'depotwatch-test-watch' });
    await centre.subscribeAsync('depots/+/collector/status', { qos: 1 });
    centre.on('message', (_t, p) => statuses.push(p.toString()));
    const victim = await connect('K102', { clientId: 'K102', will: { topic: 'depots/K102/collector/status', payload: Buffer.from('{"state":"offline"}'), qos: 1, retain: false } });
    let victimClosed = false;
    victim.on('close', () => { victimClosed = true; });
    const intruder = await connect('K101', { clientId: 'K102' });
    await settle();
    expect(intruder.connected).toBe(true); // connected as client id K101, not K102
    expect(victimClosed).toBe(false);
    expect(statuses).not.toContain('{"state":"offline"}');
  });
});
