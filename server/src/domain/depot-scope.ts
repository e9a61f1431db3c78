import type { DepotScope } from '../contracts/alarms.js';
import type { Role } from '../contracts/api.js';

/**
 * One rule for which depots a person sees (SPEC §7), so the API, the admin page and the permission check
 * cannot disagree:
 *
 *   role                          depots: "all"    depots: [K101, …]     depots: []     left out
 *   officer, engineer, admin      all              refused               refused        all
 *   guard                         refused          exactly those         refused        refused
 *   display                       all              exactly those         refused        all
 *
 * An empty list is refused rather than silently meaning "nothing" (a blank wall) or "everything".
 * A list may name units and regions as well as depots: it is stored as given and resolved against the
 * running echelon tree whenever the person's scope is checked (domain/echelons.ts expandScope), so a
 * depot later placed under a listed unit is seen without editing the account.
 * Stored as a list or null ("all"): null is what rows written before "all" existed hold.
 */
export const SEES_ALL: ReadonlySet<Role> = new Set<Role>(['officer', 'engineer', 'admin']);

export type ScopeResult = { ok: true; depots: string[] | null } | { ok: false; message: string };

/** The stored scope for `role` given the requested one (null read as "all", the older clients' spelling). */
export function resolveScope(role: Role, requested: DepotScope | null | undefined): ScopeResult {
  const all = requested === undefined || requested === null || requested === 'all';
  if (SEES_ALL.has(role)) {
    return all ? { ok: true, depots: null } : { ok: false, message: `${role}s see every depot: give "all" or leave depots out` };
  }
  if (role === 'guard') {
    if (all) return { ok: false, message: 'a guard watches listed depots: give at least one depot' };
    if (requested.length === 0) return { ok: false, message: 'an empty list would let this guard see nothing: give at least one depot' };
  }
  if (all) return { ok: true, depots: null };
  if (requested.length === 0) return { ok: false, message: 'an empty list would show nothing on the wall: give at least one depot, or "all"' };
  return { ok: true, depots: [...new Set(requested)].sort() };
}

/** What a stored scope means for its role, as the users API shows it: what this person actually sees. */
export function scopeView(role: Role, stored: readonly string[] | null): DepotScope {
  if (SEES_ALL.has(role)) return 'all';
  if (stored === null) return role === 'guard' ? [] : 'all';
  return [...stored];
}
