import { isMessageKey, type MessageKey, type Params } from '../i18n/index.js';
import type { ActionFailure } from '../types.js';

/**
 * A failure as a message key + params, so the text follows a language switch; a refused request's fields
 * (code and params, config/problems.ts) are phrased by the board too (problem-text.ts).
 */
export interface Problem { key: MessageKey; params?: Params; fields?: NonNullable<ActionFailure['fields']> }

/**
 * Why an operator action failed, in words a guard understands: "out of your depots" rather than
 * "403 forbidden". The server's domain codes (409: not_ackable, shelve_too_long…) get their own
 * sentence; anything unknown keeps the server's message, which is better than nothing.
 */
export function describeFailure(f: ActionFailure): Problem {
  if (f.status === 0 || f.error === 'network') return { key: 'error.network' };
  if (f.error === 'timeout') return { key: 'error.timeout' };
  const byCode = `error.code.${f.error}`;
  if (isMessageKey(byCode)) return { key: byCode };
  switch (f.status) {
    case 400: return f.fields?.length ? { key: 'error.invalidFields', fields: f.fields } : { key: 'error.invalid', params: { message: f.message } };
    case 401: return { key: 'login.expired' };
    case 403: return { key: 'error.forbidden' };
    case 404: return { key: 'error.notFound' };
    case 409: return { key: 'error.conflict', params: { message: f.message } };
    default: return { key: 'error.server', params: { status: f.status, message: f.message } };
  }
}

export function isActionFailure(e: unknown): e is ActionFailure {
  return typeof e === 'object' && e !== null && typeof (e as { status?: unknown }).status === 'number'
    && typeof (e as { error?: unknown }).error === 'string' && typeof (e as { message?: unknown }).message === 'string';
}

/** any thrown value as a Problem: an ApiRequestError has the failure's shape, anything else is a network fault */
export function problemOf(e: unknown): Problem {
  return isActionFailure(e) ? describeFailure(e) : { key: 'error.network' };
}
