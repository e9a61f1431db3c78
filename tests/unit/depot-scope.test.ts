import { describe, expect, it } from 'vitest';
import { resolveScope, scopeView } from '../../server/src/domain/depot-scope.js';

describe('one rule for depot scopes', () => {
  it('officers, engineers and admins see all; a list for them is refused', () => {
    for (const role of ['officer', 'engineer', 'admin'] as const) {
      expect(resolveScope(role, 'all')).toEqual({ ok: true, depots: null });
      expect(resolveScope(role, undefined)).toEqual({ ok: true, depots: null });
      expect(resolveScope(role, null)).toEqual({ ok: true, depots: null });
      expect(resolveScope(role, ['K101']).ok).toBe(false);
      expect(resolveScope(role, []).ok).toBe(false);
      expect(scopeView(role, ['K101'])).toBe('all');
    }
  });

  it('a guard needs a non-empty list', () => {
    expect(resolveScope('guard', ['K102', 'K101', 'K102'])).toEqual({ ok: true, depots: ['K101', 'K102'] });
    for (const bad of ['all' as const, null, undefined, []]) expect(resolveScope('guard', bad).ok).toBe(false);
    expect(scopeView('guard', null)).toEqual([]);
    expect(scopeView('guard', ['K101'])).toEqual(['K101']);
  });

  it('a display has "all" or a non-empty list, never an empty one', () => {
    expect(resolveScope('display', 'all')).toEqual({ ok: true, depots: null });
    expect(resolveScope('display', undefined)).toEqual({ ok: true, depots: null });
    expect(resolveScope('display', ['K101'])).toEqual({ ok: true, depots: ['K101'] });
    expect(resolveScope('display', [])).toEqual({ ok: false, message: 'an empty list would show nothing on the wall: give at least one depot, or "all"' });
    expect(scopeView('display', null)).toBe('all');
    expect(scopeView('display', ['K101'])).toEqual(['K101']);
  });
});
