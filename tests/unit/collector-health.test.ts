import { describe, expect, it } from 'vitest';
import { RateWindow } from '../../server/src/domain/rate-window.js';
import { RejectionLog, rejectedSample, SAMPLE_PAYLOAD_MAX } from '../../server/src/domain/rejection-log.js';
import { buildSiteIndex } from '../../server/src/domain/site-index.js';
import { createCollectorHealth } from '../../server/src/services/collector-health.js';
import { smallSite } from '../helpers/site.js';
import { FakeClock } from '../helpers/system.js';

const T0 = Date.UTC(2026, 11, 2, 3, 0, 0);
const bytes = (s: string) => new TextEncoder().encode(s);

describe('RateWindow: messages a minute over the last few minutes', () => {
  it('is zero before anything arrives, and divides a young window by its age, never by less than a minute', () => {
    const w = new RateWindow(5 * 60_000, 10_000);
    expect(w.perMinute(T0)).toBe(0);
    w.add(T0);
    w.add(T0);
    w.add(T0);
    // three messages in the first instant are three a minute, not 180 000
    expect(w.perMinute(T0)).toBe(3);
    // 240 messages over the first two minutes: 120 a minute, not 240 / 5 min = 48
    const y = new RateWindow(5 * 60_000, 10_000);
    for (let s = 0; s < 120; s++) { y.add(T0 + s * 1000); y.add(T0 + s * 1000 + 500); }
    expect(y.perMinute(T0 + 120_000)).toBe(120);
    // a window shorter than a minute divides by itself
    const short = new RateWindow(30_000, 10_000);
    short.add(T0, 10);
    expect(short.perMinute(T0)).toBe(20);
  });

  it('holds a steady rate across the whole window and forgets what slid out of it', () => {
    const clock = new FakeClock(T0);
    const w = new RateWindow(5 * 60_000, 10_000);
    // one message every 2 s for 10 minutes: 30 a minute
    for (let i = 0; i < 300; i++) { w.add(clock.now()); clock.advance(2000); }
    expect(w.perMinute(clock.now())).toBeCloseTo(30, 0);
    // silence: the rate falls as old buckets leave the window, and is 0 once all have
    clock.advance(2.5 * 60_000);
    expect(w.perMinute(clock.now())).toBeGreaterThan(10);
    expect(w.perMinute(clock.now())).toBeLessThan(20);
    clock.advance(3 * 60_000);
    expect(w.perMinute(clock.now())).toBe(0);
  });

  it('does not count a bucket reused from an earlier lap as the current one', () => {
    const w = new RateWindow(60_000, 10_000);
    w.add(T0, 50);
    // exactly one lap later the same slot starts over
    w.add(T0 + 60_000, 1);
    expect(w.perMinute(T0 + 60_000)).toBeLessThan(10);
    expect(() => new RateWindow(1000, 10_000)).toThrow();
  });
});

describe('rejected samples: bounded, masked, newest first', () => {
  it('keeps a count for every reason but only the latest few samples', () => {
    const log = new RejectionLog(3);
    for (let i = 0; i < 10; i++) log.add(rejectedSample(T0 + i, `depots/D1/sensors/S${i}`, i % 2 ? 'not_json' : 'bad_schema', `n${i}`, bytes('{}')));
    log.add(rejectedSample(T0 + 20, 'depots/D1/sensors/X', 'future_ts', 'ts', bytes('{}')));
    expect(log.total).toBe(11);
    expect(log.reasons()).toEqual([{ reason: 'bad_schema', count: 5 }, { reason: 'not_json', count: 5 }, { reason: 'future_ts', count: 1 }]);
    expect(log.samples().map((s) => s.detail)).toEqual(['ts', 'n9', 'n8']);
  });

  it('keeps the newest first even when samples arrive in the same millisecond', () => {
    const log = new RejectionLog(2);
    log.add(rejectedSample(T0, 'a', 'bad_id', 'first', bytes('')));
    log.add(rejectedSample(T0, 'b', 'bad_id', 'second', bytes('')));
    expect(log.samples().map((s) => s.detail)).toEqual(['second', 'first']);
    expect(log.samples()[0]).not.toHaveProperty('payload');
  });

  it('never shows a secret, even one the length limit cuts in half, and truncates long payloads', () => {
    const s = rejectedSample(T0, 'depots/D1/collector/status', 'bad_schema', 'state: invalid', bytes('{"state":"up","mqttPassword":"hunter2hunter2","token": 12345,"apiKey":"abc"}'));
    expect(s.payload).not.toMatch(/hunter2|12345|abc/);
    expect(s.payload).toContain('"mqttPassword":"***"');
    const cut = `{"v":"${'x'.repeat(SAMPLE_PAYLOAD_MAX - 30)}","password":"${'s'.repeat(1000)}"}`;
    const c = rejectedSample(T0, 't', 'bad_schema', 'd', bytes(cut));
    expect(c.payload).not.toContain('sss');
    expect(c.payload).toMatch(/… \(\d+ bytes\)$/);
    const long = rejectedSample(T0, 't', 'too_large', 'd', bytes(`{"a":"${'y'.repeat(70_000)}"}`));
    expect(long.payload!.length).toBeLessThan(SAMPLE_PAYLOAD_MAX + 30);
    expect(long.payload).toContain('(70008 bytes)');
  });

  it('describes a binary payload instead of showing it, and clips topic and detail', () => {
    const jpeg = new Uint8Array(2000).map((_, i) => (i * 37) % 256);
    expect(rejectedSample(T0, 't', 'not_json', 'd', jpeg).payload).toBe('(2000 bytes, binary)');
    const s = rejectedSample(T0, `depots/${'z'.repeat(500)}`, 'bad_topic', 'q'.repeat(1000), bytes('x'));
    expect(s.topic.length).toBeLessThanOrEqual(201);
    expect(s.detail.length).toBeLessThanOrEqual(301);
  });
});

describe('collector health per depot', () => {
  const setup = () => {
    const clock = new FakeClock(T0);
    let version = 3;
    const index = buildSiteIndex(smallSite());
    const h = createCollectorHealth({ index: () => index, clock, configVersion: () => version, keepSamples: 2 });
    return { clock, h, bump: () => { version++; } };
  };

  it('shows every configured depot, unknown until its collector speaks', () => {
    const { h } = setup();
    const s = h.snapshot(() => true);
    expect(s.configVersion).toBe(3);
    expect(s.collectors.map((c) => [c.depot, c.state, c.lastSeen, c.ratePerMin])).toEqual([['D1', 'unknown', null, 0], ['D2', 'unknown', null, 0]]);
  });

  it('keeps version and configuration version through a Last Will that carries neither', () => {
    const { h, clock } = setup();
    h.status({ type: 'collector', depotId: 'D1', state: 'online', ts: T0, spooled: 4, version: '1.2.0', dropped: 7, configVersion: 2 }, T0);
    clock.advance(60_000);
    h.status({ type: 'collector', depotId: 'D1', state: 'offline', ts: T0 + 60_000, spooled: 0 }, T0 + 60_000);
    // an older status arriving late changes nothing
    h.status({ type: 'collector', depotId: 'D1', state: 'online', ts: T0 + 1, spooled: 9, version: '0.9' }, T0 + 61_000);
    const d1 = h.snapshot(() => true).collectors.find((c) => c.depot === 'D1');
    expect(d1).toMatchObject({ state: 'offline', since: T0 + 60_000, version: '1.2.0', configVersion: 2, dropped: 7, spooled: 0 });
  });

  it('counts the rate and the rejections of configured depots; the rest go to one unattributed log', () => {
    const { h, clock } = setup();
    for (let i = 0; i < 60; i++) { h.received('D2', clock.now()); clock.advance(1000); }
    h.received('NOWHERE', clock.now());
    h.rejected('D2', rejectedSample(clock.now(), 'depots/D2/sensors/G1', 'not_json', 'payload is not JSON', bytes('nope')));
    h.rejected('NOWHERE', rejectedSample(clock.now(), 'depots/NOWHERE/sensors/x', 'bad_schema', 'd', bytes('{}')));
    h.rejected(undefined, rejectedSample(clock.now(), 'garbage', 'bad_topic', 'd', bytes('{}')));
    const s = h.snapshot(() => true);
    const d2 = s.collectors.find((c) => c.depot === 'D2')!;
    expect(d2.ratePerMin).toBe(60);
    expect(d2.lastSeen).toBe(T0 + 59_000);
    expect(d2.rejections).toEqual([{ reason: 'not_json', count: 1 }]);
    expect(d2.samples[0]).toMatchObject({ topic: 'depots/D2/sensors/G1', reason: 'not_json', payload: 'nope' });
    expect(s.unattributed.rejected).toBe(2);
    expect(s.collectors.map((c) => c.depot)).not.toContain('NOWHERE');
    // scope: a filter leaves other depots out
    expect(h.snapshot((id) => id === 'D1').collectors.map((c) => c.depot)).toEqual(['D1']);
  });
});
