import type { ProblemParams } from '../../../../config/problems.js';
import { isMessageKey, translate, type MessageKey, type Params } from '../i18n/index.js';
import type { Lang } from '../types.js';

/**
 * A validation problem in the board's language (issue 9 §3): the code and params of config/problems.ts,
 * from the schema as the engineer types or from a server 400's `fields`, phrased from the board's own
 * dictionary (i18n/engineer/problems.ts). zod's English `message` is never shown in Vietnamese; in English
 * it stands in for a code the board does not know (a field a router refused by hand).
 */
export interface PhrasableProblem { code?: string | undefined; params?: ProblemParams | undefined; message?: string | undefined }

const str = (v: unknown): string => (v === undefined ? '' : String(v));

/** a phrase's key and params; `inner` names params that are phrases themselves ("kho", "cảm biến T1 của kho K101") */
export interface ProblemPhrase { key: MessageKey; params: Params; inner?: Readonly<Record<string, MessageKey>> }

/** the dictionary key and params of a problem; null when the board has no phrase for its code */
export function problemKey(p: PhrasableProblem): ProblemPhrase | null {
  const q = p.params ?? {};
  const plain: Params = Object.fromEntries(Object.entries(q).map(([k, v]) => [k, typeof v === 'boolean' ? String(v) : v]));
  const key = (k: string): ProblemPhrase | null => (isMessageKey(k) ? { key: k, params: plain } : null);
  const withInner = (k: string, name: string, innerKey: string): ProblemPhrase | null => {
    if (!isMessageKey(k)) return null;
    return isMessageKey(innerKey) ? { key: k, params: plain, inner: { [name]: innerKey } } : { key: k, params: plain };
  };
  switch (p.code) {
    case undefined: return null;
    case 'invalid_type': return key(`problem.invalid_type.${str(q.expected)}`) ?? key('problem.invalid_type');
    case 'too_small': {
      const origin = str(q.origin);
      if ((origin === 'string' || origin === 'array') && q.minimum === 1 && q.inclusive !== false) return key(`problem.too_small.${origin}.empty`);
      if (origin === 'number' && q.inclusive === false) return key('problem.too_small.number.exclusive');
      return key(`problem.too_small.${origin}`) ?? key('problem.invalid');
    }
    case 'too_big': {
      const origin = str(q.origin);
      if (origin === 'number' && q.inclusive === false) return key('problem.too_big.number.exclusive');
      return key(`problem.too_big.${origin}`) ?? key('problem.invalid');
    }
    case 'invalid_format': return key(`problem.format.${str(q.format)}`) ?? key('problem.format');
    case 'duplicate_id':
    case 'unknown_ref':
    case 'id_clash':
    case 'row_repeated':
    case 'no_device':
      return withInner(`problem.${p.code}`, 'what', `problem.what.${str(q.what)}`);
    case 'code_taken':
      return withInner('problem.code_taken', 'owner', `problem.owner.${str(q.what)}`);
    default: return key(`problem.${p.code}`);
  }
}

/** the problem as one sentence in `lang` */
export function phraseProblem(lang: Lang, p: PhrasableProblem): string {
  const k = problemKey(p);
  if (!k) return lang === 'en' && p.message ? p.message : translate(lang, 'problem.invalid');
  const params: Record<string, string | number> = { ...k.params };
  for (const [name, inner] of Object.entries(k.inner ?? {})) params[name] = translate(lang, inner, k.params);
  return translate(lang, k.key, params);
}

/** a server 400's fields as lines, each "path: phrase" */
export function fieldLines(lang: Lang, fields: readonly (PhrasableProblem & { path: string })[] | undefined): string[] {
  return (fields ?? []).map((f) => `${f.path}: ${phraseProblem(lang, f)}`);
}
