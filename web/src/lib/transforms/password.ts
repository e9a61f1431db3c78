import type { MessageKey, Params } from '../i18n/index.js';
import { PASSWORD_MIN } from './users.js';

/** the server's upper bound (server/src/domain/password-policy.ts) */
export const PASSWORD_MAX = 128;

/**
 * Why a password change failed, in the board's words: the server's policy codes, the wrong current
 * password, the throttle; the two new entries not matching is caught before the round trip.
 */
export function passwordChangeProblem(draft: { current: string; next: string; confirm: string }): { key: MessageKey; params?: Params } | null {
  if (draft.current === '') return { key: 'password.wrongCurrent' };
  const length = [...draft.next].length;
  if (length < PASSWORD_MIN) return { key: 'password.tooShort', params: { min: PASSWORD_MIN } };
  if (length > PASSWORD_MAX) return { key: 'password.tooLong', params: { max: PASSWORD_MAX } };
  if (draft.next !== draft.confirm) return { key: 'password.mismatch' };
  return null;
}

export function passwordChangeFailure(e: { status: number; error: string; message: string }): { key: MessageKey; params?: Params } {
  switch (e.error) {
    case 'password_too_short': return { key: 'password.tooShort', params: { min: PASSWORD_MIN } };
    case 'password_too_long': return { key: 'password.tooLong', params: { max: PASSWORD_MAX } };
    case 'password_common': return { key: 'password.common' };
    case 'password_username': return { key: 'password.username' };
    case 'password_unchanged': return { key: 'password.unchanged' };
    case 'wrong_password': return { key: 'password.wrongCurrent' };
    case 'rate_limited': return { key: 'password.rateLimited' };
    default: return e.status === 0 ? { key: 'error.network' } : { key: 'error.server', params: { status: e.status, message: e.message } };
  }
}
