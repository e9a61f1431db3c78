import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyScale, decodeBit, decodeRaw, registerCount } from '../../collectors/src/edge/sources/modbus-decode.js';
import { modbusPointSchema, type ModbusPointConfig } from '../../collectors/src/edge/config-schema.js';
import { planReads } from '../../collectors/src/edge/sources/modbus-plan.js';

/** the words a device sends for the 4 bytes [A, B, C, D] of a 32-bit value in each byte order */
function wordsFor(bytes: readonly [number, number, number, number], order: 'ABCD' | 'CDAB' | 'BADC' | 'DCBA'): number[] {
  const [a, b, c, d] = bytes;
  const w = (hi: number, lo: number) => (hi << 8) | lo;
  switch (order) {
    case 'ABCD': return [w(a, b), w(c, d)];
    case 'CDAB': return [w(c, d), w(a, b)];
    case 'BADC': return [w(b, a), w(d, c)];
    case 'DCBA': return [w(d, c), w(b, a)];
  }
}

const ORDERS = ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const;

describe('Modbus register decoding', () => {
  it('reads 16-bit values as sent for ABCD/CDAB and byte-swapped for BADC/DCBA', () => {
    expect(decodeRaw([0x00eb], 'int16')).toBe(235);
    expect(decodeRaw([0xfff6], 'int16', 'ABCD')).toBe(-10);
    expect(decodeRaw([0xfff6], 'int16', 'CDAB')).toBe(-10);
    expect(decodeRaw([0xfff6], 'uint16')).toBe(65526);
    expect(decodeRaw([0xf6ff], 'int16', 'BADC')).toBe(-10);
    expect(decodeRaw([0xf6ff], 'int16', 'DCBA')).toBe(-10);
    expect(decodeRaw([0x3412], 'uint16', 'DCBA')).toBe(0x1234);
  });

  it.each(ORDERS)('reads int32, uint32 and float32 in %s order', (order) => {
    // -123456 = 0xFFFE1DC0
    expect(decodeRaw(wordsFor([0xff, 0xfe, 0x1d, 0xc0], order), 'int32', order)).toBe(-123456);
    expect(decodeRaw(wordsFor([0xff, 0xfe, 0x1d, 0xc0], order), 'uint32', order)).toBe(0xfffe1dc0);
    // 23.5 = 0x41BC0000; -0.15625 = 0xBE200000
    expect(decodeRaw(wordsFor([0x41, 0xbc, 0x00, 0x00], order), 'float32', order)).toBe(23.5);
    expect(decodeRaw(wordsFor([0xbe, 0x20, 0x00, 0x00], order), 'float32', order)).toBe(-0.15625);
  });

  it('round-trips any float32 in every order', () => {
    fc.assert(fc.property(fc.float({ noNaN: true }), fc.constantFrom(...ORDERS), (f, order) => {
      const buf = Buffer.alloc(4);
      buf.writeFloatBE(f, 0);
      const bytes = [buf[0] ?? 0, buf[1] ?? 0, buf[2] ?? 0, buf[3] ?? 0] as const;
      expect(Object.is(decodeRaw(wordsFor(bytes, order), 'float32', order), buf.readFloatBE(0))).toBe(true);
    }));
  });

  it('refuses too few registers and counts registers per type', () => {
    expect(() => decodeRaw([1], 'float32')).toThrow(RangeError);
    expect(registerCount('int16')).toBe(1);
    expect(registerCount('uint32')).toBe(2);
  });

  it('applies scale and offset without floating-point noise', () => {
    expect(applyScale(235, 0.1, 0)).toBe(23.5);
    expect(applyScale(4000, 0.01, -20)).toBe(20);
    expect(applyScale(-10, 0.1, 0)).toBe(-1);
  });

  it('reads bits as 0/1, inverted for normally-closed contacts', () => {
    expect(decodeBit(true)).toBe(1);
    expect(decodeBit(false)).toBe(0);
    expect(decodeBit(true, true)).toBe(0);
    expect(decodeBit(false, true)).toBe(1);
  });
});

const point = (p: Record<string, unknown>): ModbusPointConfig => modbusPointSchema.parse({ sensor: 'S', kind: 'temperature', ...p });

describe('Modbus read planning', () => {
  it('joins nearby points of one table into one request and keeps tables apart', () => {
    const plan = planReads([
      point({ sensor: 'T1', register: 10, type: 'int16' }),
      point({ sensor: 'T2', register: 0, type: 'float32' }),
      point({ sensor: 'I1', register: 0, table: 'input' }),
      point({ sensor: 'D1', kind: 'door', coil: 3 }),
      point({ sensor: 'D2', kind: 'door', coil: 0 }),
      point({ sensor: 'X1', kind: 'smoke', discreteInput: 7 }),
    ], 16);
    expect(plan.map((r) => [r.table, r.address, r.length])).toEqual([
      ['holding', 0, 11], ['input', 0, 1], ['coil', 0, 4], ['discrete', 7, 1],
    ]);
    expect(plan[0]?.points.map((p) => [p.point.sensor, p.at])).toEqual([['T2', 0], ['T1', 10]]);
  });

  it('splits on a gap wider than maxGap and at the 125-register limit', () => {
    const far = planReads([point({ sensor: 'A', register: 0 }), point({ sensor: 'B', register: 20 })], 16);
    expect(far.map((r) => [r.address, r.length])).toEqual([[0, 1], [20, 1]]);
    const strict = planReads([point({ sensor: 'A', register: 0 }), point({ sensor: 'B', register: 2 })], 0);
    expect(strict).toHaveLength(2);
    const adjacent = planReads([point({ sensor: 'A', register: 0 }), point({ sensor: 'B', register: 1 })], 0);
    expect(adjacent).toHaveLength(1);
    const long = planReads(Array.from({ length: 130 }, (_, i) => point({ sensor: `R${i}`, register: i })), 16);
    expect(long.map((r) => [r.address, r.length])).toEqual([[0, 125], [125, 5]]);
  });

  it('keeps a 32-bit value whole inside one request', () => {
    const plan = planReads([point({ sensor: 'A', register: 0 }), point({ sensor: 'B', register: 123, type: 'float32' }), point({ sensor: 'C', register: 124 })], 125);
    // B occupies 123–124, C overlaps it (a device may expose both views); the request covers 0–124
    expect(plan.map((r) => [r.address, r.length])).toEqual([[0, 125]]);
    const over = planReads([point({ sensor: 'A', register: 0 }), point({ sensor: 'B', register: 124, type: 'float32' })], 200);
    expect(over.map((r) => [r.address, r.length])).toEqual([[0, 1], [124, 2]]);
  });
});
