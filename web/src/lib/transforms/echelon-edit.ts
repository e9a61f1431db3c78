import type { SiteConfig } from '../../../../config/schema.js';
import type { EchelonNodeView } from '../../../../server/src/contracts/echelons.js';

/**
 * The Echelons tab's edits, each a new whole configuration (PUT /api/config takes the whole of it):
 * pure, so the tab only sends what these return and the server's schema stays the one judge (a cycle
 * or an unknown parent comes back as a 400 naming the path). The input is never changed.
 */
type Site = SiteConfig;
type Unit = NonNullable<Site['units']>[number];

const clone = (s: Site): Site => structuredClone(s) as Site;

/** the region at the top of `nodeId`'s chain in `site` (itself for a region); undefined if it does not reach one */
export function regionOf(site: Site, nodeId: string): string | undefined {
  const units = new Map((site.units ?? []).map((u) => [u.id, u]));
  const seen = new Set<string>();
  for (let at = nodeId; !seen.has(at); ) {
    if (site.regions.some((r) => r.id === at)) return at;
    seen.add(at);
    const u = units.get(at);
    if (!u) return undefined;
    at = u.parent;
  }
  return undefined;
}

export function addUnit(site: Site, u: { id: string; name: string; nameEn?: string; parent: string }): Site {
  const next = clone(site);
  const unit: Unit = { id: u.id.trim(), name: u.name.trim(), parent: u.parent };
  if (u.nameEn?.trim()) unit.nameEn = u.nameEn.trim();
  next.units = [...(next.units ?? []), unit];
  return next;
}

/** a region, unit or depot gets a new name (Vietnamese) and English name (blank: none) */
export function renameNode(site: Site, id: string, name: string, nameEn: string): Site {
  const next = clone(site) as { regions: { id: string; name: string; nameEn?: string }[]; units?: { id: string; name: string; nameEn?: string }[]; depots: { id: string; name: string; nameEn?: string }[] };
  for (const item of [...next.regions, ...(next.units ?? []), ...next.depots]) {
    if (item.id !== id) continue;
    item.name = name.trim();
    if (nameEn.trim()) item.nameEn = nameEn.trim();
    else delete item.nameEn;
  }
  return next as unknown as Site;
}

/**
 * A unit moves under another region or unit. Its depots follow it (their `region` becomes the new
 * region at the top), so the depots beneath keep their unit and the tree stays consistent.
 */
export function moveUnit(site: Site, id: string, parent: string): Site {
  const next = clone(site);
  for (const u of next.units ?? []) if (u.id === id) u.parent = parent;
  const region = regionOf(next, parent);
  if (region === undefined) return next; // the server names the problem
  const beneath = new Set<string>([id]);
  for (let grew = true; grew;) {
    grew = false;
    for (const u of next.units ?? []) if (!beneath.has(u.id) && beneath.has(u.parent)) { beneath.add(u.id); grew = true; }
  }
  for (const d of next.depots) if (d.unit !== undefined && beneath.has(d.unit)) d.region = region;
  return next;
}

/** a depot moves to a unit (its region becomes that unit's) or directly under a region (no unit) */
export function moveDepot(site: Site, depotId: string, target: string): Site {
  const next = clone(site);
  const region = regionOf(next, target);
  for (const d of next.depots) {
    if (d.id !== depotId) continue;
    if (region !== undefined) d.region = region;
    if (next.regions.some((r) => r.id === target)) delete d.unit;
    else d.unit = target;
  }
  return next;
}

/** where something may move: every node but itself and (for a unit) what lies beneath it */
export function moveTargets(roots: readonly EchelonNodeView[], moving: string): EchelonNodeView[] {
  const out: EchelonNodeView[] = [];
  const walk = (n: EchelonNodeView) => {
    if (n.id === moving) return; // neither itself nor its descendants
    out.push(n);
    n.children.forEach(walk);
  };
  roots.forEach(walk);
  return out;
}

/** an id the schema will take (contracts/ids.ts) that no region, unit or depot has yet */
export function idProblem(site: Site, id: string): 'empty' | 'format' | 'taken' | null {
  const v = id.trim();
  if (v === '') return 'empty';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(v)) return 'format';
  const taken = [...site.regions, ...(site.units ?? []), ...site.depots].some((x) => x.id === v);
  return taken ? 'taken' : null;
}
