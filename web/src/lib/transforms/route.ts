/**
 * The engineer's desk, one tab per job (web/src/views/engineer/): collectors' health, discovered devices,
 * device and depot editors, the edge collectors' device lists, rules with backtest, configuration versions, the equipment register,
 * recurring maintenance, alarm health and the echelon tree.
 */
export type EngineerTab = 'collectors' | 'discovered' | 'devices' | 'edge' | 'rules' | 'versions' | 'equipment' | 'maintenance' | 'health' | 'units';
export const ENGINEER_TABS: readonly EngineerTab[] = ['collectors', 'discovered', 'devices', 'edge', 'rules', 'versions', 'equipment', 'maintenance', 'health', 'units'];

function isEngineerTab(s: string): s is EngineerTab {
  return (ENGINEER_TABS as readonly string[]).includes(s);
}

/** The board's routes; hash-based so the server serves one index.html and a refresh keeps the view. */
export type Route =
  /** no hash at all: the signed-in role's own landing page (nav.ts) */
  | { name: 'home' }
  | { name: 'wall' }
  | { name: 'depot'; id: string }
  | { name: 'guard' }
  | { name: 'desk'; incident: string | null }
  | { name: 'desk-alarms' }
  | { name: 'handover' }
  | { name: 'admin-users' }
  | { name: 'admin-audit' }
  | { name: 'engineer'; tab: EngineerTab };
export type RouteName = Route['name'];

const DEPOT = /^#\/depot\/([A-Za-z0-9_-]{1,64})\/?$/;
const INCIDENT = /^#\/desk\/incident\/([A-Za-z0-9_-]{1,64})\/?$/;
const ENGINEER = /^#\/engineer(?:\/([a-z-]+))?\/?$/;
const FIXED: Readonly<Record<string, Route>> = {
  '#/': { name: 'wall' },
  '#/guard': { name: 'guard' },
  '#/desk': { name: 'desk', incident: null },
  '#/desk/alarms': { name: 'desk-alarms' },
  '#/desk/handover': { name: 'handover' },
  '#/admin/users': { name: 'admin-users' },
  '#/admin/audit': { name: 'admin-audit' },
};

export function parseHash(hash: string): Route {
  if (hash === '' || hash === '#') return { name: 'home' };
  const fixed = FIXED[hash.length > 2 ? hash.replace(/\/$/, '') : hash];
  if (fixed) return fixed;
  const d = DEPOT.exec(hash);
  if (d?.[1] !== undefined) return { name: 'depot', id: d[1] };
  const i = INCIDENT.exec(hash);
  if (i?.[1] !== undefined) return { name: 'desk', incident: i[1] };
  const e = ENGINEER.exec(hash);
  if (e) return { name: 'engineer', tab: e[1] !== undefined && isEngineerTab(e[1]) ? e[1] : 'collectors' };
  return { name: 'wall' };
}

export function routeHref(r: Route): string {
  switch (r.name) {
    case 'home': return '#';
    case 'wall': return '#/';
    case 'depot': return `#/depot/${encodeURIComponent(r.id)}`;
    case 'guard': return '#/guard';
    case 'desk': return r.incident === null ? '#/desk' : `#/desk/incident/${encodeURIComponent(r.incident)}`;
    case 'desk-alarms': return '#/desk/alarms';
    case 'handover': return '#/desk/handover';
    case 'admin-users': return '#/admin/users';
    case 'admin-audit': return '#/admin/audit';
    case 'engineer': return `#/engineer/${r.tab}`;
  }
}
