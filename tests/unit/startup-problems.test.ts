import { describe, expect, it } from 'vitest';
import { brokerUrl, logFormat, parseEnvWith, sharedEnvSchema } from '../../lib/env.js';
import { unreachableReason } from '../../lib/net-errors.js';
import { demoUsersText, randomPassword } from '../../server/src/services/demo-users.js';
import { parseEnv } from '../../server/src/settings.js';
import { startupProblem } from '../../server/src/startup-problems.js';

const sys = (code: string, extra: Record<string, unknown>) => Object.assign(new Error(code), { code, ...extra });

describe('startupProblem', () => {
  const env = parseEnv({ MQTT_PORT: '1883', HTTP_PORT: '8080' });
  const ctx = { env, command: 'npm start' };

  it('tells the broker\'s port from the board\'s', () => {
    expect(startupProblem(sys('EADDRINUSE', { syscall: 'listen', port: 1883 }), ctx)).toBe(
      'port 1883 is in use (another MQTT broker?): start with MQTT_PORT=1884 npm start, or MQTT_URL=mqtt://localhost:1883 npm start to use the broker already there');
    expect(startupProblem(sys('EADDRINUSE', { syscall: 'listen', port: 8080 }), ctx)).toMatch(/^port 8080 is in use .*HTTP_PORT=8081 npm start/);
    // with an external broker DepotWatch listens on no MQTT port: 1883 taken is the board's
    expect(startupProblem(sys('EADDRINUSE', { syscall: 'listen', port: 1883 }), { env: parseEnv({ HTTP_PORT: '1883', MQTT_URL: 'mqtt://b:1883' }), command: 'x' })).toMatch(/HTTP_PORT=1884 x/);
  });

  it('privileged ports and foreign addresses', () => {
    expect(startupProblem(sys('EACCES', { syscall: 'listen', port: 80 }), { env: parseEnv({ HTTP_PORT: '80' }), command: 'npm start' })).toBe(
      'port 80 needs administrator rights on this machine: start with HTTP_PORT=8080 npm start');
    expect(startupProblem(sys('EADDRNOTAVAIL', { syscall: 'listen', port: 8080, address: '10.9.9.9' }), ctx)).toMatch(/^HTTP_HOST 10.9.9.9 is not an address of this machine/);
  });

  it('an external broker that refuses or is not there', () => {
    const ext = { env: parseEnv({ MQTT_URL: 'mqtt://broker:1883' }), command: 'npm start' };
    expect(startupProblem(sys('ENOTFOUND', {}), ext)).toMatch(/^the MQTT broker at mqtt:\/\/broker:1883 cannot be reached \(no such host\)/);
    expect(startupProblem(Object.assign(new Error('Connection refused: Not authorized'), { code: 5 }), ext)).toBe(
      'the MQTT broker at mqtt://broker:1883 refused DepotWatch\'s login (not authorized): check MQTT_USERNAME and MQTT_PASSWORD');
  });

  it('directories, and null for what is a bug', () => {
    expect(startupProblem(sys('ENOENT', { path: './config' }), ctx)).toMatch(/^CONFIG_DIR \.\/config does not exist/);
    expect(startupProblem(sys('EROFS', { path: './data/depotwatch.db' }), ctx)).toMatch(/^DATA_DIR \.\/data is on a read-only file system/);
    expect(startupProblem(new TypeError('x is not a function'), ctx)).toBeNull();
    expect(startupProblem('a string', ctx)).toBeNull();
  });
});

describe('shared settings', () => {
  it('the simulator and the server agree on the broker', () => {
    expect(brokerUrl(parseEnvWith(sharedEnvSchema, {}))).toBe('mqtt://127.0.0.1:1883');
    expect(brokerUrl(parseEnvWith(sharedEnvSchema, { MQTT_PORT: '1884', MQTT_HOST: '0.0.0.0' }))).toBe('mqtt://127.0.0.1:1884');
    expect(brokerUrl(parseEnvWith(sharedEnvSchema, { MQTT_HOST: '::1' }))).toBe('mqtt://[::1]:1883');
    expect(brokerUrl(parseEnvWith(sharedEnvSchema, { MQTT_URL: 'mqtt://b:1' }))).toBe('mqtt://b:1');
    expect(() => parseEnvWith(sharedEnvSchema, { MQTT_PORT: 'x', LOG_FORMAT: 'xml' })).toThrow(/MQTT_PORT[\s\S]*LOG_FORMAT/);
  });

  it('logs are pretty on a terminal, JSON otherwise or when asked', () => {
    expect(logFormat(undefined, true)).toBe('pretty');
    expect(logFormat(undefined, false)).toBe('json');
    expect(logFormat(undefined, undefined)).toBe('json');
    expect(logFormat('json', true)).toBe('json');
    expect(logFormat('pretty', false)).toBe('pretty');
    expect(parseEnv({ LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
  });

  it('names why a connection failed, through causes', () => {
    expect(unreachableReason(new TypeError('fetch failed', { cause: sys('ECONNREFUSED', {}) }))).toBe('connection refused');
    expect(unreachableReason(new Error('other'))).toBeUndefined();
  });
});

describe('demo users', () => {
  it('printed once with their roles, or how to make them', () => {
    const text = demoUsersText([
      { username: 'officer', role: 'officer', depots: null, password: 'p1' },
      { username: 'guard', role: 'guard', depots: ['K101'], password: 'p2' },
    ], 'http://localhost:8080/');
    expect(text).toContain('    officer  p1   officer, all depots');
    expect(text).toContain('    guard    p2   guard of K101');
    expect(demoUsersText(null, 'http://localhost:8080/')).toContain('http://localhost:8080/#/admin/users');
    expect(randomPassword()).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(randomPassword()).not.toBe(randomPassword());
  });
});
