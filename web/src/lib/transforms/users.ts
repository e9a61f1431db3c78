import type { MessageKey } from '../i18n/index.js';
import type { Role, UserView } from '../types.js';

/**
 * The user form's rules, the same as the server's (userCreateSchema) so a mistake is caught before
 * the round trip: depots only mean something for guards (required) and displays (none = all depots).
 */
export const ROLE_ORDER: readonly Role[] = ['officer', 'guard', 'display', 'engineer', 'admin'];
const USERNAME = /^[A-Za-z0-9_.-]{2,64}$/;
export const PASSWORD_MIN = 10;

export function scopedRole(role: Role): boolean {
  return role === 'guard' || role === 'display';
}

/** what to send as `depots` for this role and these ticked depots */
export function depotsFor(role: Role, picked: readonly string[]): string[] | null {
  if (!scopedRole(role)) return null;
  if (role === 'display' && picked.length === 0) return null;
  return [...picked].sort();
}

export interface UserDraft { username: string; password: string; role: Role; depots: readonly string[] }

/** every problem at once, each as a message key (the form shows them next to their fields) */
export function userProblems(d: UserDraft, opts: { creating: boolean }): Partial<Record<'username' | 'password' | 'depots', MessageKey>> {
  const out: Partial<Record<'username' | 'password' | 'depots', MessageKey>> = {};
  if (opts.creating && !USERNAME.test(d.username.trim())) out.username = 'users.badUsername';
  if ((opts.creating || d.password !== '') && d.password.length < PASSWORD_MIN) out.password = 'users.badPassword';
  if (d.role === 'guard' && d.depots.length === 0) out.depots = 'users.needDepot';
  return out;
}

/** admins and officers first, then by name; disabled accounts last */
export function sortUsers(users: readonly UserView[]): UserView[] {
  return [...users].sort((a, b) => Number(a.disabled) - Number(b.disabled) || ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.username.localeCompare(b.username));
}
