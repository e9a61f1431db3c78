import { describe, expect, it } from 'vitest';
import { canonicalJson, diffConfig } from '../../server/src/domain/config-diff.js';

describe('diffConfig', () => {
  it('matches lists of records by id, so one removal is one entry', () => {
    const before = { sensors: [{ id: 'A', zone: 'Z' }, { id: 'B', zone: 'Z' }, { id: 'C', zone: 'Z' }] };
    const after = { sensors: [{ id: 'A', zone: 'Z' }, { id: 'C', zone: 'Y' }, { id: 'D', zone: 'Z' }] };
    expect(diffConfig(before, after)).toEqual([
      { op: 'remove', path: 'sensors[B]', from: { id: 'B', zone: 'Z' } },
      { op: 'change', path: 'sensors[C].zone', from: 'Z', to: 'Y' },
      { op: 'add', path: 'sensors[D]', to: { id: 'D', zone: 'Z' } },
    ]);
  });

  it('matches collector accounts by depot, and treats plain lists as one value', () => {
    expect(diffConfig({ collectors: [{ depot: 'K1', passwordHash: 'a' }] }, { collectors: [{ depot: 'K1', passwordHash: 'b' }] }))
      .toEqual([{ op: 'change', path: 'collectors[K1].passwordHash', from: 'a', to: 'b' }]);
    expect(diffConfig({ doorSchedule: ['07:00-11:00'] }, { doorSchedule: ['07:00-11:00', '13:00-17:00'] }))
      .toEqual([{ op: 'change', path: 'doorSchedule', from: ['07:00-11:00'], to: ['07:00-11:00', '13:00-17:00'] }]);
  });

  it('falls back to whole-list changes when ids repeat, and reports keys added and removed', () => {
    expect(diffConfig({ l: [{ id: 'x' }, { id: 'x' }] }, { l: [{ id: 'x' }] })).toEqual([{ op: 'change', path: 'l', from: [{ id: 'x' }, { id: 'x' }], to: [{ id: 'x' }] }]);
    expect(diffConfig({ a: 1, b: { c: 2 } }, { b: { c: 2, d: 3 } })).toEqual([{ op: 'remove', path: 'a', from: 1 }, { op: 'add', path: 'b.d', to: 3 }]);
  });

  it('finds nothing between equal configurations, whatever their key order', () => {
    expect(diffConfig({ a: 1, b: [{ id: 'q', v: [1, 2] }] }, { b: [{ v: [1, 2], id: 'q' }], a: 1 })).toEqual([]);
    expect(canonicalJson({ b: 1, a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":1}');
  });
});
