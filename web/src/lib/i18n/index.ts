import type { Lang } from '../types.js';
import { en } from './en.js';
import { vi, type Dictionary, type MessageKey } from './vi.js';

export type { Dictionary, MessageKey };
export type Params = Readonly<Record<string, string | number>>;

export const LANGS: readonly Lang[] = ['vi', 'en'];
export const DEFAULT_LANG: Lang = 'vi';
const dictionaries: Readonly<Record<Lang, Dictionary>> = { vi, en };

/** BCP 47 tags for Intl: Vietnamese formats 23,4 and dd/MM/yyyy, English 23.4 and 22 Nov 2025. */
export const LOCALES: Readonly<Record<Lang, string>> = { vi: 'vi-VN', en: 'en-GB' };

/** Pure lookup with `{name}` interpolation; an unknown placeholder is left visible rather than blanked. */
export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const template = dictionaries[lang][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}

export function isLang(v: unknown): v is Lang {
  return v === 'vi' || v === 'en';
}

/** Keys are built from server enums in a few places; this narrows them without a cast at each call site. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(vi, key);
}
