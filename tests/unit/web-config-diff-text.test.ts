import { describe, expect, it } from 'vitest';
import { translate, isMessageKey } from '../../web/src/lib/i18n/index.js';
import { changeText, digestLine, parsePath } from '../../web/src/lib/transforms/config-diff-text.js';

const en = (k: string) => (isMessageKey(k) ? translate('en', k) : undefined);
const vi = (k: string) => (isMessageKey(k) ? translate('vi', k) : undefined);

describe('configuration changes in words', () => {
  it('splits a path into collections with their keys and fields', () => {
    expect(parsePath('depots[K101].sensors[A-T1].intervalS')).toEqual([{ name: 'depots', key: 'K101' }, { name: 'sensors', key: 'A-T1' }, { name: 'intervalS' }]);
  });
  it('names the device and the field, with old → new', () => {
    expect(changeText({ op: 'change', path: 'depots[K101].sensors[A-T1].high', from: 30, to: 32 }, en)).toBe('sensor A-T1 · threshold high 30 → 32');
    expect(changeText({ op: 'change', path: 'rules.thresholds[ammo-temp-high].high', from: 30, to: 28 }, vi)).toBe('quy tắc ngưỡng ammo-temp-high · ngưỡng cao 30 → 28');
    expect(changeText({ op: 'change', path: 'rules.staleFactor', from: 3, to: 4 }, en)).toBe('rules · staleFactor 3 → 4');
  });
  it('says added and removed devices and fields', () => {
    expect(changeText({ op: 'add', path: 'depots[D1].sensors[T9]', to: { id: 'T9', zone: 'A' } }, en)).toBe('Added sensor T9');
    expect(changeText({ op: 'remove', path: 'depots[D1].cameras[C1]', from: { id: 'C1' } }, vi)).toBe('Bỏ camera C1');
    expect(changeText({ op: 'add', path: 'depots[D1].cameras[C1].code', to: 'DW-1' }, en)).toBe('camera C1 · identification code set to DW-1');
    expect(changeText({ op: 'remove', path: 'depots[D1].sensors[T1].serial', from: 'S-1' }, en)).toBe('sensor T1 · serial number cleared (S-1)');
  });
  it('gives a version one line: two changes and how many more', () => {
    const head = [
      { op: 'change' as const, path: 'depots[D1].sensors[T1].intervalS', from: 10, to: 30 },
      { op: 'add' as const, path: 'depots[D1].sensors[T9]', to: { id: 'T9' } },
      { op: 'add' as const, path: 'depots[D1].sensors[T8]', to: { id: 'T8' } },
    ];
    expect(digestLine(head, 5, en)).toBe('sensor T1 · report interval (s) 10 → 30; Added sensor T9; and 3 more');
    expect(digestLine([], 0, vi)).toBe('không có thay đổi');
  });
});
