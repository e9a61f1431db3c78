import { describe, expect, it } from 'vitest';
import type { AcceptedMessage } from '../../server/src/contracts/telemetry.js';
import { createBackfillSummary, MAX_EVENTS } from '../../server/src/domain/backfill-summary.js';
import { normalise } from '../../server/src/ingest/normalise.js';

const T0 = Date.UTC(2026, 11, 1, 2, 14, 0);
type Reading = Extract<AcceptedMessage, { type: 'sensor' | 'camera' }>;
const door = (ts: number, value: number): Reading => ({ type: 'sensor', depotId: 'K101', sensorId: 'A-D1', kind: 'door', value, ts, hist: true });
const temp = (ts: number, value: number): Reading => ({ type: 'sensor', depotId: 'K101', sensorId: 'A-T1', kind: 'temperature', value, ts, hist: true });
const cam = (ts: number, online: boolean, tamper = false): Reading => ({ type: 'camera', depotId: 'K101', cameraId: 'CAM01', health: { online, tamper }, ts, hist: true });

describe('link backfill summary', () => {
  it('reports each state active during the gap with its span, and the extremes of measurements', () => {
    const s = createBackfillSummary('K101');
    for (const m of [door(T0 - 60_000, 0), temp(T0, 21), door(T0, 1), cam(T0 + 1000, true), door(T0 + 120_000, 0), cam(T0 + 5000, false), temp(T0 + 6000, 25.5), cam(T0 + 9000, true, true)]) s.add(m, 'A');
    const { code, params } = s.summary();
    expect(code).toBe('link.backfill');
    expect(params).toMatchObject({ depot: 'K101', from: T0 - 60_000, to: T0 + 120_000, readings: 8, devices: 3, moreEvents: 0 });
    expect(params.events).toEqual([
      { code: 'state_active', params: { device: 'A-D1', kind: 'door', zone: 'A' }, from: T0, to: T0 + 120_000 },
      { code: 'cameras_offline', params: { device: 'CAM01', kind: 'camera', zone: 'A' }, from: T0 + 5000, to: T0 + 9000 },
      { code: 'camera_tamper', params: { device: 'CAM01', kind: 'camera', zone: 'A' }, from: T0 + 9000, to: null },
    ]);
    expect(params.measurements).toEqual([{ device: 'A-T1', kind: 'temperature', zone: 'A', min: 21, max: 25.5, n: 2 }]);
  });

  it('ignores duplicates and late readings for the sequence of states, and bounds the events', () => {
    const s = createBackfillSummary('K101');
    s.add(door(T0, 1), 'A');
    s.add(door(T0, 1), 'A');
    s.add(door(T0 - 5, 0), 'A');
    expect(s.summary().params.events).toEqual([{ code: 'state_active', params: { device: 'A-D1', kind: 'door', zone: 'A' }, from: T0, to: null }]);
    const many = createBackfillSummary('K101');
    for (let i = 0; i < 2 * (MAX_EVENTS + 10); i++) many.add(door(T0 + i, i % 2 ? 0 : 1), 'A');
    expect(many.summary().params.events).toHaveLength(MAX_EVENTS);
    expect(many.summary().params.moreEvents).toBe(10);
  });
});

describe('normalise: replayed readings', () => {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v));
  it('carries hist on every object of a batch and on camera health; absent or false is live', () => {
    const r = normalise('depots', 'depots/K101/sensors/A-D1', enc([{ ts: T0, kind: 'door', value: 1, hist: true }, { ts: T0 + 1, kind: 'door', value: 0 }]), T0 + 10);
    expect(r.ok && r.messages.map((m) => 'hist' in m && m.hist)).toEqual([true, false]);
    const c = normalise('depots', 'depots/K101/cameras/CAM01/health', enc({ ts: T0, online: false, hist: true }), T0 + 10);
    expect(c.ok && c.messages[0]).toMatchObject({ type: 'camera', hist: true });
    const f = normalise('depots', 'depots/K101/sensors/A-D1', enc({ ts: T0, kind: 'door', value: 1, hist: false }), T0 + 10);
    expect(f.ok && f.messages[0] && 'hist' in f.messages[0]).toBe(false);
    expect(normalise('depots', 'depots/K101/sensors/A-D1', enc({ kind: 'door', value: 1, hist: 'yes' }), T0).ok).toBe(false);
  });

  it('reads dropped and configVersion from the collector status', () => {
    const r = normalise('depots', 'depots/K101/collector/status', enc({ state: 'online', ts: T0, version: '0.1.0', spooled: 3, dropped: 2, configVersion: 7 }), T0);
    expect(r.ok && r.messages[0]).toEqual({ type: 'collector', depotId: 'K101', state: 'online', spooled: 3, dropped: 2, configVersion: 7, version: '0.1.0', ts: T0 });
  });
});
