import type { Role } from '../contracts/api.js';

/**
 * SPEC §7 who may do what, checked on the server for every REST call and Socket.IO action.
 *
 *   action          admin officer guard engineer display
 *   view              ✓     ✓      ✓¹     ✓       ✓¹
 *   ack / note        ·     ✓      ✓¹     ·       ·      (engineers may add notes)
 *   resolve           ·     ✓      ✓¹     ·       ·
 *   close / assign    ·     ✓      ·      ·       ·
 *   shelve            ·     ✓      ·      ·       ·
 *   maintenance       ·     ✓      ·      ✓       ·      (also out of service)
 *   users             ✓     ·      ·      ·       ·
 *   audit             ✓     ✓      ·      ·       ·
 *   discovered        ✓     ·      ·      ✓       ·
 *   alarm_health      ✓     ✓      ·      ✓       ·      (ISA-18.2 KPIs, read only)
 *   config            ✓     ·      ·      ✓       ·      (read, change, roll back the site configuration)
 *   snapshot          ·     ✓      ✓¹     ·       ·      (ask a camera for a picture now; seeing them is `view`)
 *   equipment         ✓     ✓      ✓¹     ✓       ·      (read the equipment register: look a tag's code up; changing it is `config`)
 *   ¹ only the depots listed for the user; a display may instead have "all" (domain/depot-scope.ts)
 */
export type Action = 'view' | 'ack' | 'note' | 'resolve' | 'close' | 'assign' | 'shelve' | 'maintenance' | 'users' | 'audit' | 'discovered' | 'alarm_health' | 'config' | 'snapshot' | 'equipment';
export const ACTIONS: readonly Action[] = ['view', 'ack', 'note', 'resolve', 'close', 'assign', 'shelve', 'maintenance', 'users', 'audit', 'discovered', 'alarm_health', 'config', 'snapshot', 'equipment'];

const ALLOWED: Record<Role, ReadonlySet<Action>> = {
  admin: new Set(['view', 'users', 'audit', 'discovered', 'alarm_health', 'config', 'equipment']),
  officer: new Set(['view', 'ack', 'note', 'resolve', 'close', 'assign', 'shelve', 'maintenance', 'audit', 'alarm_health', 'snapshot', 'equipment']),
  guard: new Set(['view', 'ack', 'note', 'resolve', 'snapshot', 'equipment']),
  engineer: new Set(['view', 'note', 'maintenance', 'discovered', 'alarm_health', 'config', 'equipment']),
  display: new Set(['view']),
};

export interface Subject { role: Role; depots: readonly string[] | null }

/** Which depots a person may see. Officers, engineers and admins see all. */
export function canSeeDepot(p: Subject, depotId: string): boolean {
  switch (p.role) {
    case 'admin': case 'officer': case 'engineer': return true;
    case 'guard': return p.depots?.includes(depotId) ?? false;
    case 'display': return p.depots === null || p.depots.includes(depotId);
  }
}

/**
 * The same scope as canSeeDepot, as a list for a query's WHERE clause: null is every depot. Kept
 * beside canSeeDepot so the two cannot drift apart.
 */
export function visibleDepots(p: Subject): readonly string[] | null {
  switch (p.role) {
    case 'admin': case 'officer': case 'engineer': return null;
    case 'guard': return p.depots ?? [];
    case 'display': return p.depots;
  }
}

/** Whether `p`'s scope is the whole site (site-wide roll-ups are theirs as they are). */
export function seesEveryDepot(p: Subject): boolean {
  return visibleDepots(p) === null;
}

/** May `p` do `action`, at `depot` when the action concerns one? */
export function can(p: Subject, action: Action, depot?: string): boolean {
  return ALLOWED[p.role].has(action) && (depot === undefined || canSeeDepot(p, depot));
}
