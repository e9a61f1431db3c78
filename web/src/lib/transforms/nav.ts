import type { MessageKey } from '../i18n/index.js';
import type { Role } from '../types.js';
import type { Route, RouteName } from './route.js';

/**
 * Which pages each role may open and where it lands. Mirrors the server's permission table
 * (server/src/domain/permissions.ts): a page is offered only to a role that can use what it holds.
 *   wall         everyone (a guard's and a display's wall shows only their depots)
 *   guard        guard: the acknowledgement console of their depots
 *   desk         officer: incidents, their timelines and actions
 *   desk-alarms  officer (shelve) and engineer (maintenance, out of service)
 *   handover     officer: the shift handover report
 *   admin-users  admin; admin-audit admin and officer (the audit permission)
 *   depot        everyone who can view (drill-down from the wall); not in the display's menu
 *   engineer     engineer and admin: the engineer's desk (the config, discovered and alarm_health permissions)
 */
const PAGES: Readonly<Record<Role, readonly RouteName[]>> = {
  admin: ['wall', 'engineer', 'admin-users', 'admin-audit', 'depot'],
  officer: ['desk', 'wall', 'desk-alarms', 'handover', 'admin-audit', 'depot'],
  guard: ['guard', 'wall', 'depot'],
  engineer: ['engineer', 'wall', 'desk-alarms', 'depot'],
  display: ['wall', 'depot'],
};

export interface NavItem { route: Route; key: MessageKey }

const ITEM: Readonly<Partial<Record<RouteName, NavItem>>> = {
  wall: { route: { name: 'wall' }, key: 'nav.wall' },
  guard: { route: { name: 'guard' }, key: 'nav.guard' },
  desk: { route: { name: 'desk', incident: null }, key: 'nav.desk' },
  'desk-alarms': { route: { name: 'desk-alarms' }, key: 'nav.deskAlarms' },
  handover: { route: { name: 'handover' }, key: 'nav.handover' },
  'admin-users': { route: { name: 'admin-users' }, key: 'nav.users' },
  'admin-audit': { route: { name: 'admin-audit' }, key: 'nav.audit' },
  engineer: { route: { name: 'engineer', tab: 'collectors' }, key: 'nav.engineer' },
};

export function mayOpen(role: Role, route: Route): boolean {
  return route.name === 'home' || PAGES[role].includes(route.name);
}

/** the page a role starts on; also where a page the role may not open sends it */
export function landing(role: Role): Route {
  switch (role) {
    case 'guard': return { name: 'guard' };
    case 'officer': return { name: 'desk', incident: null };
    // the demo's first login is the admin: it lands on the wall the README shows, the user list is one click away
    case 'admin': return { name: 'wall' };
    case 'engineer': return { name: 'engineer', tab: 'collectors' };
    case 'display': return { name: 'wall' };
  }
}

/** the header's menu, landing page first; the display (an unattended wall) gets no menu beyond the wall */
export function navFor(role: Role): NavItem[] {
  return PAGES[role].flatMap((n) => ITEM[n] ?? []);
}

/** the page to show: the route asked for, or the role's landing page when it may not be opened */
export function resolveRoute(role: Role, route: Route): Route {
  return route.name === 'home' || !mayOpen(role, route) ? landing(role) : route;
}

/** is this nav item the current page (the desk's incident detail counts as the desk) */
export function isCurrent(item: NavItem, route: Route): boolean {
  return item.route.name === route.name;
}
