import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_FUTURE_MS } from '../../server/src/contracts/mqtt.js';
import { ID_PATTERN } from '../../server/src/contracts/ids.js';
import { SENSOR_KINDS } from '../../server/src/contracts/telemetry.js';
import { REJECT_REASONS, normalise, type NormaliseResult } from '../../server/src/ingest/normalise.js';

/**
 * Property-based fuzzing of `normalise` (fast-check): whatever topic and bytes arrive, it never throws,
 * and every answer is either messages that are valid in every field or a rejection with a named reason.
 * Valid readings come out as they went in.
 */
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const ROOT = 'depots';
const enc = new TextEncoder();

const idArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
const badIdArb = fc.oneof(fc.constantFrom('', 'a b', 'x'.repeat(65), 'é', '+', '#', 'K1/2'), fc.string({ maxLength: 8 }));
const levelArb = fc.oneof(idArb, badIdArb, fc.constantFrom('sensors', 'cameras', 'health', 'collector', 'status', 'config', 'snapshot', ROOT));
const topicArb = fc.oneof(
  fc.tuple(fc.oneof(idArb, badIdArb), fc.oneof(idArb, badIdArb)).map(([d, s]) => `${ROOT}/${d}/sensors/${s}`),
  fc.tuple(idArb, fc.oneof(idArb, badIdArb)).map(([d, c]) => `${ROOT}/${d}/cameras/${c}/health`),
  fc.tuple(idArb, fc.constantFrom('status', 'config', 'other')).map(([d, k]) => `${ROOT}/${d}/collector/${k}`),
  fc.array(levelArb, { maxLength: 7 }).map((levels) => levels.join('/')),
  fc.string({ maxLength: 80 }),
);

// mostly valid values with a share of every kind of wrong one, so both acceptance and each rejection are reached
const tsArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 6, arbitrary: fc.integer({ min: 0, max: NOW + MAX_FUTURE_MS }) },
  { weight: 1, arbitrary: fc.integer({ min: NOW + MAX_FUTURE_MS + 1, max: NOW + 10 * MAX_FUTURE_MS }) },
  { weight: 1, arbitrary: fc.double() }, // NaN, ±Infinity, fractions, negatives
  { weight: 2, arbitrary: fc.integer({ min: 0, max: NOW + 2 * MAX_FUTURE_MS }).map((t) => new Date(t).toISOString()) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);
const numberArb = fc.oneof({ weight: 8, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) }, { weight: 1, arbitrary: fc.double() }, { weight: 1, arbitrary: fc.constantFrom('1', true, null) });
const readingArb = fc.record({
  ts: tsArb,
  kind: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...SENSOR_KINDS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }),
  value: numberArb,
  unit: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
}, { requiredKeys: ['kind', 'value'] });
const cameraArb = fc.record({
  ts: tsArb, online: fc.oneof({ weight: 9, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constant('yes') }), fps: numberArb, bitrateKbps: numberArb,
  packetLossPct: fc.double({ min: -10, max: 110, noNaN: true }), recording: fc.boolean(), storageFreePct: fc.double({ min: -10, max: 110, noNaN: true }), tamper: fc.boolean(), videoLoss: fc.boolean(),
}, { requiredKeys: ['online'] });
const statusArb = fc.record({
  state: fc.oneof({ weight: 9, arbitrary: fc.constantFrom('online', 'offline') }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), ts: tsArb,
  version: fc.string({ maxLength: 70 }), spooled: fc.oneof(fc.nat(), fc.integer({ min: -5, max: -1 }), fc.double()),
}, { requiredKeys: ['state'] });

const json = (v: unknown) => enc.encode(JSON.stringify(v) ?? 'null');
const garbageArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map(json),
  fc.string({ maxLength: 100 }).map((s) => enc.encode(s)),
  fc.uint8Array({ maxLength: 100 }),
  // numbers JSON.parse turns into Infinity
  fc.constantFrom('{"kind":"temperature","value":1e999}', '[{"kind":"gas","value":-1e400}]', '{"online":true,"fps":1e309}').map((s) => enc.encode(s)),
  // just over SPEC §3's 64 KiB
  fc.constant(json({ kind: 'temperature', value: 1, unit: 'C', pad: 'x'.repeat(64 * 1024) })),
);
/** a topic and a payload: well-formed shapes with faults in them, or anything at all */
const caseArb: fc.Arbitrary<[string, Uint8Array]> = fc.oneof(
  fc.tuple(fc.tuple(idArb, fc.oneof({ weight: 9, arbitrary: idArb }, { weight: 1, arbitrary: badIdArb })).map(([d, x]) => `${ROOT}/${d}/sensors/${x}`),
    fc.oneof(readingArb.map(json), fc.array(readingArb, { minLength: 1, maxLength: 4 }).map(json), garbageArb)),
  fc.tuple(fc.tuple(idArb, idArb).map(([d, c]) => `${ROOT}/${d}/cameras/${c}/health`), fc.oneof(cameraArb.map(json), garbageArb)),
  fc.tuple(idArb.map((d) => `${ROOT}/${d}/collector/status`), fc.oneof(statusArb.map(json), garbageArb)),
  fc.tuple(topicArb, garbageArb),
);

/** what is wrong with a result, or null: plain checks, as this runs 100,000 times */
function malformation(r: NormaliseResult): string | null {
  if (!r.ok) {
    if (!(REJECT_REASONS as readonly string[]).includes(r.reason)) return `unknown reason ${r.reason}`;
    if (typeof r.detail !== 'string') return 'no detail';
    if (r.depotId !== undefined && !ID_PATTERN.test(r.depotId)) return `bad depotId ${r.depotId}`;
    return null;
  }
  for (const m of r.messages) {
    if (!ID_PATTERN.test(m.depotId)) return `bad depotId ${m.depotId}`;
    if (!(Number.isInteger(m.ts) && m.ts >= 0 && m.ts <= NOW + MAX_FUTURE_MS)) return `bad ts ${m.ts}`;
    switch (m.type) {
      case 'sensor':
        if (!ID_PATTERN.test(m.sensorId)) return `bad sensorId ${m.sensorId}`;
        if (!(SENSOR_KINDS as readonly string[]).includes(m.kind)) return `bad kind ${m.kind}`;
        if (!Number.isFinite(m.value)) return `bad value ${m.value}`;
        break;
      case 'camera':
        if (!ID_PATTERN.test(m.cameraId)) return `bad cameraId ${m.cameraId}`;
        if (typeof m.health.online !== 'boolean') return 'online not boolean';
        if (!Object.values(m.health).every((v) => typeof v === 'boolean' || Number.isFinite(v))) return `bad health ${JSON.stringify(m.health)}`;
        break;
      case 'collector':
        if (m.state !== 'online' && m.state !== 'offline') return `bad state ${String(m.state)}`;
        if (!(Number.isInteger(m.spooled) && m.spooled >= 0)) return `bad spooled ${m.spooled}`;
        break;
    }
  }
  return null;
}

describe('normalise under fuzzing', () => {
  // generous timeouts: the machine may be shared; unloaded, each test takes a few seconds
  it('never throws; answers valid messages or a named rejection (100,000 cases)', { timeout: 120_000 }, () => {
    const started = performance.now();
    const seen = new Map<string, number>();
    fc.assert(fc.property(caseArb, ([topic, payload]) => {
      const r = normalise(ROOT, topic, payload, NOW);
      const wrong = malformation(r);
      if (wrong) throw new Error(wrong);
      const key = r.ok ? ('ignored' in r ? 'ignored' : 'ok') : r.reason;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }), { numRuns: 100_000, seed: 6 });
    console.log(`normalise fuzz: 100000 cases in ${Math.round(performance.now() - started)} ms`, JSON.stringify(Object.fromEntries(seen)));
    // the generators reach acceptance and most rejection reasons, or the property proves little
    expect(seen.get('ok') ?? 0).toBeGreaterThan(10_000);
    for (const reason of ['bad_topic', 'bad_id', 'too_large', 'not_json', 'non_finite', 'bad_schema', 'bad_ts', 'future_ts']) {
      expect(seen.get(reason) ?? 0, reason).toBeGreaterThan(0);
    }
  });

  it('round-trips valid readings, single and batched', { timeout: 60_000 }, () => {
    const validReading = fc.record({
      kind: fc.constantFrom(...SENSOR_KINDS),
      value: fc.double({ noNaN: true, noDefaultInfinity: true }),
      ts: fc.integer({ min: 0, max: NOW + MAX_FUTURE_MS }),
      unit: fc.option(fc.string({ maxLength: 16 }), { nil: undefined }),
    });
    fc.assert(fc.property(idArb, idArb, fc.array(validReading, { minLength: 1, maxLength: 20 }), fc.boolean(), (depotId, sensorId, readings, single) => {
      const body = single ? readings[0] : readings;
      const r = normalise(ROOT, `${ROOT}/${depotId}/sensors/${sensorId}`, enc.encode(JSON.stringify(body)), NOW);
      if (!r.ok) throw new Error(`refused: ${r.reason} ${r.detail}`);
      const expected = (single ? readings.slice(0, 1) : readings).map((x) => ({
        type: 'sensor', depotId, sensorId, kind: x.kind, value: Object.is(x.value, -0) ? 0 : x.value, ts: x.ts, ...(x.unit !== undefined ? { unit: x.unit } : {}),
      }));
      expect(r.messages).toMatchObject(expected);
    }), { numRuns: 5_000, seed: 7 });
  });
});
