import { DEFAULT_LANG, isLang, translate, type MessageKey, type Params } from '../i18n/index.js';
import type { Lang } from '../types.js';

const KEY = 'depotwatch.lang';

/** The board's language: Vietnamese unless the user chose otherwise on this screen. */
export class I18n {
  lang = $state<Lang>(DEFAULT_LANG);

  readonly #storage: Pick<Storage, 'getItem' | 'setItem'> | null;

  constructor(storage: Pick<Storage, 'getItem' | 'setItem'> | null) {
    this.#storage = storage;
    const saved = storage?.getItem(KEY);
    if (isLang(saved)) this.lang = saved;
  }

  t = (key: MessageKey, params?: Params): string => translate(this.lang, key, params);

  set(lang: Lang): void {
    this.lang = lang;
    this.#storage?.setItem(KEY, lang);
  }

  toggle(): void {
    this.set(this.lang === 'vi' ? 'en' : 'vi');
  }
}
