import { describe, expect, it } from 'vitest';
import { normalise, resolveTs } from '../../server/src/ingest/normalise.js';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const enc = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const run = (topic: string, payload: unknown) => normalise('depots', topic, enc(payload), NOW);

describe('normalise', () => {
  it('accepts a sensor reading and keeps its ts', () => {
    const r = run('depots/K101/sensors/A-T1', { ts: NOW - 1000, kind: 'temperature', value: 23.4, unit: 'C' });
    expect(r).toEqual({ ok: true, messages: [{ type: 'sensor', depotId: 'K101', sensorId: 'A-T1', kind: 'temperature', value: 23.4, unit: 'C', ts: NOW - 1000 }] });
  });

  it('uses the time of receipt when ts is absent and parses ISO-8601', () => {
    const a = run('depots/K101/sensors/A-T1', { kind: 'humidity', value: 60 });
    expect(a.ok && a.messages[0]?.ts).toBe(NOW);
    const b = run('depots/K101/sensors/A-T1', { ts: '2026-11-22T11:59:00Z', kind: 'humidity', value: 60 });
    expect(b.ok && b.messages[0]?.ts).toBe(NOW - 60_000);
  });

  it('accepts an array of readings', () => {
    const r = run('depots/K101/sensors/A-T1', [{ kind: 'temperature', value: 1 }, { kind: 'temperature', value: 2, ts: NOW - 5 }]);
    expect(r.ok && r.messages.map((m) => m.type === 'sensor' && m.value)).toEqual([1, 2]);
  });

  it('accepts camera health with only online and maps the optional fields', () => {
    const r = run('depots/K101/cameras/CAM01/health', { online: false });
    expect(r).toMatchObject({ ok: true, messages: [{ type: 'camera', cameraId: 'CAM01', health: { online: false } }] });
    const full = run('depots/K101/cameras/CAM01/health', { online: true, fps: 25, bitrateKbps: 4096, packetLossPct: 0.2, recording: true, storageFreePct: 61, tamper: false, videoLoss: false, extra: 'dropped' });
    expect(full.ok && full.messages[0]).toMatchObject({ health: { online: true, fps: 25, bitrateKbps: 4096, packetLossPct: 0.2, recording: true, storageFreePct: 61, tamper: false, videoLoss: false } });
    expect(full.ok && full.messages[0] && 'health' in full.messages[0] && 'extra' in full.messages[0].health).toBe(false);
  });

  it('accepts collector status and defaults spooled to 0', () => {
    const r = run('depots/K101/collector/status', { state: 'offline', version: '1.2' });
    expect(r).toMatchObject({ ok: true, messages: [{ type: 'collector', state: 'offline', spooled: 0, version: '1.2', ts: NOW }] });
  });

  it('ignores the centre-to-edge config topic', () => {
    expect(run('depots/K101/collector/config', { anything: 1 })).toEqual({ ok: true, ignored: true, messages: [] });
  });

  it.each([
    ['bad_topic', 'other/K101/sensors/A', { kind: 'smoke', value: 0 }],
    ['bad_topic', 'depots/K101/sensors', { kind: 'smoke', value: 0 }],
    ['bad_topic', 'depots/K101/sensors/A/extra', { kind: 'smoke', value: 0 }],
    ['bad_id', 'depots/K 101/sensors/A', { kind: 'smoke', value: 0 }],
    ['bad_id', `depots/${'x'.repeat(65)}/sensors/A`, { kind: 'smoke', value: 0 }],
    ['bad_id', 'depots/K101/sensors/a.b', { kind: 'smoke', value: 0 }],
    ['not_json', 'depots/K101/sensors/A', 'not json {'],
    ['not_json', 'depots/K101/sensors/A', ''],
    ['non_finite', 'depots/K101/sensors/A', '{"kind":"temperature","value":1e999}'],
    ['bad_schema', 'depots/K101/sensors/A', { kind: 'temperature', value: 'hot' }],
    ['bad_schema', 'depots/K101/sensors/A', { kind: 'plasma', value: 1 }],
    ['bad_schema', 'depots/K101/sensors/A', { value: 1 }],
    ['bad_schema', 'depots/K101/sensors/A', []],
    ['bad_schema', 'depots/K101/sensors/A', null],
    ['bad_schema', 'depots/K101/cameras/C1/health', { fps: 25 }],
    ['bad_schema', 'depots/K101/collector/status', { state: 'sleepy' }],
    ['future_ts', 'depots/K101/sensors/A', { ts: NOW + 5 * 60_000 + 1, kind: 'smoke', value: 0 }],
    ['bad_ts', 'depots/K101/sensors/A', { ts: 'yesterday', kind: 'smoke', value: 0 }],
    ['bad_ts', 'depots/K101/sensors/A', { ts: -5, kind: 'smoke', value: 0 }],
  ])('rejects %s: %s', (reason, topic, payload) => {
    const r = run(topic, payload);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toBe(reason);
  });

  it('rejects a payload over 64 KiB before parsing it', () => {
    const r = normalise('depots', 'depots/K101/sensors/A', Buffer.alloc(64 * 1024 + 1, 32), NOW);
    expect(r).toMatchObject({ ok: false, reason: 'too_large', depotId: 'K101' });
  });

  it('does not let __proto__ in a payload reach the result', () => {
    const r = run('depots/K101/sensors/A', '{"kind":"smoke","value":1,"__proto__":{"polluted":true}}');
    expect(r.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.ok && r.messages[0] && Object.getPrototypeOf(r.messages[0])).toBe(Object.prototype);
  });

  it('names the depot of a rejected message when its id is valid', () => {
    expect(run('depots/K101/sensors/A', 'nope')).toMatchObject({ reason: 'not_json', depotId: 'K101' });
  });
});

describe('resolveTs', () => {
  it('accepts exactly 5 minutes ahead, refuses one ms more', () => {
    expect(resolveTs(NOW + 300_000, NOW)).toBe(NOW + 300_000);
    expect(resolveTs(NOW + 300_001, NOW)).toBe('future_ts');
  });
  it('refuses ISO-looking strings that do not parse and non-ISO strings Date.parse would take', () => {
    expect(resolveTs('2026-13-45T99:99Z', NOW)).toBe('bad_ts');
    expect(resolveTs('March 7, 2026', NOW)).toBe('bad_ts');
    expect(resolveTs('2026-11-22T11:00:00+07:00', NOW)).toBe(Date.UTC(2026, 10, 22, 4));
  });
});
