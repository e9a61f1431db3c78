import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The password policy for every account, ADMIN_PASSWORD included (OWASP ASVS 5.0 V6.2):
 *   - at least 15 characters (V6.2.1 "15 strongly recommended"; NIST SP 800-63B-4 requires 15 for a
 *     password that is the only factor, as here), counted in Unicode code points, spaces allowed;
 *   - at most 128 (V6.2.9 asks for at least 64 to be allowed);
 *   - no composition rules (V6.2.5): no "one digit, one capital";
 *   - not one of the ~49,000 common passwords zxcvbn ships, compared case-insensitively (V6.2.4),
 *     and not the account's own name or the product's (V6.2.11 context-specific words).
 * Pure: the same answer for the server, the env check and the tests.
 */
export const PASSWORD_MIN_LENGTH = 15;
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordProblemCode = 'password_too_short' | 'password_too_long' | 'password_common' | 'password_username';
export interface PasswordProblem { code: PasswordProblemCode; message: string }

const CONTEXT_WORDS = ['depotwatch', 'depot-watch', 'depot watch'];
let common: ReadonlySet<string> | undefined;
const commonPasswords = () => (common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase())));

/** the first reason `password` is refused for `username`, or null when it is acceptable */
export function passwordProblem(password: string, username?: string): PasswordProblem | null {
  const length = [...password.normalize('NFC')].length;
  if (length < PASSWORD_MIN_LENGTH) return { code: 'password_too_short', message: `must be at least ${PASSWORD_MIN_LENGTH} characters (has ${length})` };
  if (length > PASSWORD_MAX_LENGTH) return { code: 'password_too_long', message: `must be at most ${PASSWORD_MAX_LENGTH} characters (has ${length})` };
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return { code: 'password_common', message: 'is one of the most common passwords' };
  const trimmed = lower.trim();
  if ((username !== undefined && trimmed === username.toLowerCase()) || CONTEXT_WORDS.includes(trimmed)) {
    return { code: 'password_username', message: 'must not be the user name or the product name' };
  }
  return null;
}
