import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorRefusal, startDemoSimulator } from '../../demo/simulate.js';
import { argon2Hasher } from '../../server/src/adapters/argon2.js';
import { silentLogger } from '../../server/src/adapters/logger.js';
import { EnvError, parseEnv } from '../../server/src/settings.js';
import { startSystem, type System } from '../../server/src/system.js';
import { smallSite } from '../helpers/site.js';
import { waitFor } from '../helpers/system.js';

/**
 * MQTT_ANONYMOUS=off (SPEC §9): nobody connects anonymously, not even from this machine, and the centre
 * still works (it logs in with its internal account). And the demo's simulator stays away from a centre
 * with real collectors.
 */
describe('MQTT_ANONYMOUS=off, with a collector account', () => {
  let system: System;
  let dataDir: string;
  const password = 'd1-collector-password';
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'depotwatch-anon-off-'));
    const site = { ...smallSite(), collectors: [{ depot: 'D1', passwordHash: await argon2Hasher.hash(password) }] };
    const env = parseEnv({
      HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', MQTT_PORT: '0', MQTT_HOST: '127.0.0.1', MQTT_ANONYMOUS: 'off', DATA_DIR: dataDir,
      ADMIN_PASSWORD: 'anon-off-admin-pw', WEB_DIR: join(dataDir, 'none'), LOG_LEVEL: 'silent',
    });
    system = await startSystem(env, silentLogger, { site, tickMs: 50 });
  });
  afterAll(async () => {
    await system?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses anonymous clients on loopback, while the centre and the collector work', async () => {
    await expect(connectAsync(system.mqttUrl, { reconnectPeriod: 0, connectTimeout: 3000 })).rejects.toThrow(/Not authorized/i);
    const base = `http://127.0.0.1:${system.httpPort}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const d1 = await connectAsync(system.mqttUrl, { reconnectPeriod: 0, username: 'D1', password });
    await d1.publishAsync('depots/D1/sensors/T1', JSON.stringify({ kind: 'temperature', value: 24.5 }), { qos: 1 });
    await d1.endAsync();
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'anon-off-admin-pw' }) });
    const { token } = (await login.json()) as { token: string };
    await waitFor(async () => {
      const res = await fetch(`${base}/api/depots/D1`, { headers: { authorization: `Bearer ${token}` } });
      const depot = (await res.json()) as { sensors: { id: string; value: number | null }[] };
      return depot.sensors.find((s) => s.id === 'T1')?.value === 24.5;
    }, 10_000, 'the collector reading through the centre');
  });

  it('runs no simulator beside configured collectors, and refuses an explicit SIMULATE', async () => {
    const env = (extra: Record<string, string>) => parseEnv({ MQTT_PORT: '0', LOG_LEVEL: 'silent', ...extra });
    expect(await startDemoSimulator(system, env({}), silentLogger)).toBeUndefined();
    await expect(startDemoSimulator(system, env({ SIMULATE: '3' }), silentLogger)).rejects.toThrow(EnvError);
    await expect(startDemoSimulator(system, env({ SIMULATE: '3' }), silentLogger)).rejects.toThrow(/collector account/);
    expect(await startDemoSimulator(system, env({ SIMULATE: '0' }), silentLogger)).toBeUndefined();
  });
});

describe('where the demo simulator may run', () => {
  const env = (extra: Record<string, string>) => parseEnv(extra);
  const none = { collectors: [] };
  it.each([
    [{}, null],
    [{ MQTT_HOST: '0.0.0.0' }, /beyond this machine/],
    [{ MQTT_HOST: '10.1.1.5' }, /beyond this machine/],
    [{ MQTT_HOST: '::1' }, null],
    [{ MQTT_ANONYMOUS: 'off' }, /MQTT_ANONYMOUS=off/],
    [{ MQTT_URL: 'mqtt://127.0.0.1:1883' }, null],
    [{ MQTT_URL: 'mqtt://[::1]:1883' }, null],
    [{ MQTT_URL: 'mqtt://broker.depot.mil:1883' }, /not on this machine/],
  ] as const)('%o', (extra, expected) => {
    const r = simulatorRefusal(env(extra), none);
    if (expected === null) expect(r).toBeNull();
    else expect(r).toMatch(expected);
  });
  it('never beside collector accounts', () => {
    expect(simulatorRefusal(env({}), { collectors: [{ depot: 'K101', passwordHash: '$argon2id$x' }] })).toMatch(/collector account/);
  });
});
