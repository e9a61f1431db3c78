import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FORMATS, problemOf } from '../../config/problems.js';
import { siteConfigSchema, thresholdRuleSchema } from '../../config/schema.js';
import { enProblems, viProblems } from '../../web/src/lib/i18n/engineer/problems.js';
import { validateSite, setIn, numberInput } from '../../web/src/lib/transforms/config-edit.js';
import { fieldLines, phraseProblem, problemKey } from '../../web/src/lib/transforms/problem-text.js';
import { smallSite } from '../helpers/site.js';

const first = (schema: z.ZodType, v: unknown) => {
  const r = schema.safeParse(v);
  if (r.success) throw new Error('expected a problem');
  return problemOf(r.error.issues[0]!);
};

describe('validation problems as codes and params (config/problems.ts)', () => {
  it('keeps the parameters of zod\'s own issue codes', () => {
    expect(first(z.number(), 'ten')).toEqual({ code: 'invalid_type', params: { expected: 'number' } });
    expect(first(z.number().int(), 1.5)).toEqual({ code: 'invalid_type', params: { expected: 'int' } });
    expect(first(z.number().min(1), 0)).toEqual({ code: 'too_small', params: { origin: 'number', minimum: 1, inclusive: true } });
    expect(first(z.number().positive(), 0)).toEqual({ code: 'too_small', params: { origin: 'number', minimum: 0, inclusive: false } });
    expect(first(z.string().max(3), 'abcd')).toEqual({ code: 'too_big', params: { origin: 'string', maximum: 3, inclusive: true } });
    expect(first(z.enum(['a', 'b']), 'c')).toEqual({ code: 'invalid_value', params: { values: 'a, b' } });
    expect(first(z.object({}).strict(), { x: 1 })).toEqual({ code: 'unrecognized_keys', params: { keys: 'x' } });
  });

  it('names the schema\'s patterns and its own rules instead of their English', () => {
    expect(first(z.string().regex(FORMATS.time_range, 'English'), '25:00-01:00')).toEqual({ code: 'invalid_format', params: { format: 'time_range' } });
    expect(first(z.string().regex(/^q$/, 'English'), 'x')).toEqual({ code: 'invalid_format', params: { format: 'regex' } });
    expect(first(thresholdRuleSchema, { id: 'r', kind: 'temperature', severity: 'major' })).toEqual({ code: 'needs_high_or_low', params: {} });
    const s = setIn(smallSite(), ['depots', 1, 'region'], 'NOWHERE');
    const r = siteConfigSchema.safeParse(s);
    expect(!r.success && r.error.issues.map(problemOf)).toEqual([{ code: 'unknown_ref', params: { what: 'region', id: 'NOWHERE' } }]);
  });
});

describe('the board phrases problems in its language (web/src/lib/transforms/problem-text.ts)', () => {
  it('phrases zod codes with their params in Vietnamese and English', () => {
    expect(phraseProblem('vi', { code: 'invalid_type', params: { expected: 'number' } })).toBe('Phải là một số');
    expect(phraseProblem('en', { code: 'invalid_type', params: { expected: 'number' } })).toBe('Must be a number');
    expect(phraseProblem('vi', { code: 'too_small', params: { origin: 'number', minimum: 1, inclusive: true } })).toBe('Phải từ 1 trở lên');
    expect(phraseProblem('vi', { code: 'too_small', params: { origin: 'number', minimum: 0, inclusive: false } })).toBe('Phải lớn hơn 0');
    expect(phraseProblem('vi', { code: 'too_small', params: { origin: 'string', minimum: 1, inclusive: true } })).toBe('Không được để trống');
    expect(phraseProblem('en', { code: 'too_small', params: { origin: 'array', minimum: 1, inclusive: true } })).toBe('Needs at least one');
    expect(phraseProblem('vi', { code: 'too_big', params: { origin: 'number', maximum: 90, inclusive: true } })).toBe('Không được lớn hơn 90');
    expect(phraseProblem('en', { code: 'too_big', params: { origin: 'string', maximum: 120, inclusive: true } })).toBe('At most 120 characters');
    expect(phraseProblem('vi', { code: 'invalid_format', params: { format: 'id' } })).toBe('Chỉ gồm chữ không dấu, chữ số, _ và - (tối đa 64 ký tự)');
    expect(phraseProblem('vi', { code: 'invalid_format', params: { format: 'email' } })).toBe('Sai định dạng');
  });

  it('phrases the schema\'s own rules, with the kind of thing named in the board\'s words', () => {
    expect(phraseProblem('vi', { code: 'duplicate_id', params: { what: 'zone', id: 'A' } })).toBe('Mã khu "A" bị trùng');
    expect(phraseProblem('en', { code: 'duplicate_id', params: { what: 'zone', id: 'A' } })).toBe('Duplicate zone id "A"');
    expect(phraseProblem('vi', { code: 'unknown_zone', params: { id: 'Z9', depot: 'D1' } })).toBe('Kho D1 không có khu "Z9"');
    expect(phraseProblem('vi', { code: 'code_taken', params: { code: 'X1', what: 'sensor', id: 'T1', depot: 'K101' } }))
      .toBe('Mã "X1" đã gắn cho cảm biến T1 của kho K101');
    expect(phraseProblem('en', { code: 'code_taken', params: { code: 'X1', what: 'collector', id: 'K101', depot: 'K101' } }))
      .toBe('Code "X1" is already used by the collector of depot K101');
    expect(phraseProblem('vi', { code: 'needs_high_or_low', params: {} })).toBe('Cần ngưỡng trên hoặc ngưỡng dưới');
  });

  it('never shows the English message in Vietnamese; in English it stands in for a code the board does not know', () => {
    expect(phraseProblem('vi', { message: 'must be a configuration version' })).toBe('Giá trị không hợp lệ');
    expect(phraseProblem('en', { message: 'must be a configuration version' })).toBe('must be a configuration version');
    expect(phraseProblem('vi', { code: 'something_new', params: {}, message: 'English' })).toBe('Giá trị không hợp lệ');
    expect(problemKey({ code: 'something_new' })).toBeNull();
    expect(fieldLines('vi', [{ path: 'depots[0].name', message: 'Too small', code: 'too_small', params: { origin: 'string', minimum: 1, inclusive: true } }]))
      .toEqual(['depots[0].name: Không được để trống']);
  });

  it('every problem a broken draft has is phrased in Vietnamese from the dictionary, none in zod\'s English', () => {
    let s = setIn(smallSite(), ['depots', 0, 'position', 'lat'], 95);
    s = setIn(s, ['depots', 0, 'sensors', 1, 'intervalS'], numberInput('ten'));
    s = setIn(s, ['depots', 1, 'name'], '');
    s = setIn(s, ['depots', 0, 'zones', 0, 'doorSchedule'], ['7-17']);
    const phrases = Object.values(validateSite(s)).map((p) => phraseProblem('vi', p));
    expect(phrases).toHaveLength(4);
    const vi = new Set(Object.values(viProblems).map((t) => t.replace(/\{\w+\}.*$/, '')));
    for (const t of phrases) {
      expect(t).not.toBe('Giá trị không hợp lệ');
      expect([...vi].some((prefix) => t.startsWith(prefix))).toBe(true);
    }
    expect(phrases).toContain('Phải là một số');
    expect(phrases).toContain('Phải có dạng 07:30-17:00');
  });

  it('the two dictionaries have the same placeholders for every key', () => {
    const holes = (t: string) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [k, t] of Object.entries(viProblems)) expect(holes(enProblems[k as keyof typeof viProblems]), k).toEqual(holes(t));
  });
});
