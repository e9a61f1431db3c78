import type { MessageKey } from '../i18n/index.js';
import type { DepotScope, Role, UserView } from '../types.js';

/**
 * The user form's rules, the same as the server's (server/src/domain/depot-scope.ts) so a mistake is
 * caught before the round trip: officers, engineers and admins see all depots; a guard sees the depots
 * ticked (at least one); a display sees "all" or the depots ticked (at least one). An empty list is never sent.
 */
export const ROLE_ORDER: readonly Role[] = ['officer', 'guard', 'display', 'engineer', 'admin'];
const USERNAME = /^[A-Za-z0-9_.-]{2,64}$/;
/** the server's policy (server/src/domain/password-policy.ts); the server also refuses common passwords */
export const PASSWORD_MIN = 15;

export function scopedRole(role: Role): boolean {
  return role === 'guard' || role === 'display';
}

/** may this role be given "all depots"? (a display; officers and the rest always see all) */
export function mayHaveAll(role: Role): boolean {
  return role !== 'guard';
}

/** what to send as `depots` for this role, the "all depots" choice and the ticked depots */
export function depotsFor(role: Role, all: boolean, picked: readonly string[]): DepotScope {
  if (!scopedRole(role) || (all && mayHaveAll(role))) return 'all';
  return [...picked].sort();
}

/** a user's scope in the form's terms: "all depots" or these ticked ones */
export function scopeDraft(depots: DepotScope): { all: boolean; picked: string[] } {
  return depots === 'all' ? { all: true, picked: [] } : { all: false, picked: [...depots] };
}

export interface UserDraft { username: string; password: string; role: Role; depots: readonly string[]; all?: boolean }

/** every problem at once, each as a message key (the form shows them next to their fields) */
export function userProblems(d: UserDraft, opts: { creating: boolean }): Partial<Record<'username' | 'password' | 'depots', MessageKey>> {
  const out: Partial<Record<'username' | 'password' | 'depots', MessageKey>> = {};
  if (opts.creating && !USERNAME.test(d.username.trim())) out.username = 'users.badUsername';
  if ((opts.creating || d.password !== '') && [...d.password].length < PASSWORD_MIN) out.password = 'users.badPassword';
  if (d.role === 'guard' && d.depots.length === 0) out.depots = 'users.needDepot';
  if (d.role === 'display' && !(d.all ?? false) && d.depots.length === 0) out.depots = 'users.needDepotDisplay';
  return out;
}

/** admins and officers first, then by name; disabled accounts last */
export function sortUsers(users: readonly UserView[]): UserView[] {
  return [...users].sort((a, b) => Number(a.disabled) - Number(b.disabled) || ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.username.localeCompare(b.username));
}
