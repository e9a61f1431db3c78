/**
 * The echelon tree (SPEC §6, §7; issue 8 part 5): regions are its roots, units hang under a region or
 * another unit to any depth (military region → brigade → battalion…), and each depot sits in exactly one
 * place: under its `unit` when it names one, else directly under its `region`. A site without units is
 * the tree of its regions, one level deep, which is what it was before units existed.
 *
 * A depot names both its region and (optionally) its unit. The region is kept rather than derived so a
 * configuration written before units still reads as it did, and every consumer of `depot.region` (map,
 * region roll-up, reports) keeps working; the price is that the two must agree, which is checked here.
 *
 * Region, unit and depot ids share one namespace: a scope lists ids ("U1", "K101") and each must name
 * exactly one place.
 *
 * Pure: the schema calls `echelonProblems` to refuse a bad tree; everything else builds on a good one.
 */

import { custom, type ProblemParams } from '../../../config/problems.js';

export interface EchelonSiteInput {
  regions: readonly { id: string; name: string; nameEn?: string | undefined }[];
  units: readonly { id: string; name: string; nameEn?: string | undefined; parent: string }[];
  depots: readonly { id: string; region: string; unit?: string | undefined }[];
}

/** `params` say which rule broke for the board to phrase (config/problems.ts); `message` is the English of logs and the API */
export interface EchelonProblem { path: (string | number)[]; message: string; params: ProblemParams }

/** "BAC → LD1 → TD2" */
export const pathText = (ids: readonly string[]) => ids.join(' → ');

/**
 * Every problem of the tree at once: duplicate or clashing ids, unknown parents (with the path that
 * leads to them), cycles (each reported once, with its loop), depots whose unit is unknown or lies in
 * another region. Duplicate region and depot ids are the schema's own checks and are not repeated.
 */
export function echelonProblems(site: EchelonSiteInput): EchelonProblem[] {
  const problems: EchelonProblem[] = [];
  const regionIds = new Set(site.regions.map((r) => r.id));
  const depotIds = new Set(site.depots.map((d) => d.id));
  const units = new Map<string, { parent: string; index: number }>();
  site.units.forEach((u, i) => {
    if (units.has(u.id)) problems.push({ path: ['units', i, 'id'], message: `duplicate unit id "${u.id}"`, params: custom('duplicate_id', { what: 'unit', id: u.id }) });
    else if (regionIds.has(u.id)) problems.push({ path: ['units', i, 'id'], message: `"${u.id}" is already a region id: a scope naming it would be ambiguous`, params: custom('id_clash', { id: u.id, what: 'region' }) });
    else if (depotIds.has(u.id)) problems.push({ path: ['units', i, 'id'], message: `"${u.id}" is already a depot id: a scope naming it would be ambiguous`, params: custom('id_clash', { id: u.id, what: 'depot' }) });
    else units.set(u.id, { parent: u.parent, index: i });
  });
  site.depots.forEach((d, i) => {
    if (regionIds.has(d.id)) problems.push({ path: ['depots', i, 'id'], message: `"${d.id}" is already a region id: a scope naming it would be ambiguous`, params: custom('id_clash', { id: d.id, what: 'region' }) });
  });

  // walk each unit up to its region; a walk that meets itself is a cycle, one that falls off is an unknown parent
  const rootOf = new Map<string, { region: string; path: string[] } | null>();
  const reportedCycle = new Set<string>();
  const climb = (start: string): { region: string; path: string[] } | null => {
    const known = rootOf.get(start);
    if (known !== undefined) return known;
    const chain: string[] = [];
    const onChain = new Set<string>();
    let at = start;
    let found: { region: string; path: string[] } | null = null;
    for (;;) {
      if (regionIds.has(at)) { found = { region: at, path: [at] }; break; }
      const cached = rootOf.get(at);
      if (cached !== undefined) { found = cached; break; }
      const u = units.get(at);
      if (!u) break; // unknown parent: reported on the unit that names it
      if (onChain.has(at)) {
        const loop = [...chain.slice(chain.indexOf(at)), at];
        const key = [...new Set(loop)].sort().join(' ');
        if (!reportedCycle.has(key)) {
          reportedCycle.add(key);
          problems.push({ path: ['units', u.index, 'parent'], message: `cycle: ${pathText(loop)} (a unit cannot sit beneath itself)`, params: custom('echelon_cycle', { path: pathText(loop) }) });
        }
        break;
      }
      chain.push(at);
      onChain.add(at);
      at = u.parent;
    }
    // every unit on the chain resolves the same way; the path from the root runs down to each of them
    for (let k = chain.length - 1; k >= 0; k--) {
      const id = chain[k] as string;
      const resolved = found ? { region: found.region, path: [...found.path, id] } : null;
      rootOf.set(id, resolved);
      found = resolved;
    }
    return rootOf.get(start) ?? null;
  };

  site.units.forEach((u, i) => {
    if (units.get(u.id)?.index !== i) return;
    if (u.parent === u.id) return; // the climb below reports it as a cycle of one
    if (!regionIds.has(u.parent) && !units.has(u.parent)) {
      const isDepot = depotIds.has(u.parent);
      const what = isDepot ? `"${u.parent}" is a depot, not a region or a unit` : `unknown parent "${u.parent}"`;
      problems.push({
        path: ['units', i, 'parent'], message: `${what} (path: ${pathText([`${u.parent}?`, u.id])}; a parent is a region or a unit)`,
        params: custom(isDepot ? 'parent_is_depot' : 'unknown_parent', { id: u.parent, unit: u.id }),
      });
    }
  });
  for (const id of units.keys()) climb(id);

  site.depots.forEach((d, i) => {
    if (d.unit === undefined) return;
    if (!units.has(d.unit)) {
      const isRegion = regionIds.has(d.unit);
      const what = isRegion ? `"${d.unit}" is a region: leave unit out to place the depot directly under it` : `unknown unit "${d.unit}"`;
      problems.push({ path: ['depots', i, 'unit'], message: what, params: isRegion ? custom('unit_is_region', { id: d.unit }) : custom('unknown_ref', { what: 'unit', id: d.unit }) });
      return;
    }
    const root = rootOf.get(d.unit);
    if (!root || !regionIds.has(d.region)) return; // a broken chain is reported on the unit, an unknown region by the schema
    if (root.region !== d.region) {
      problems.push({ path: ['depots', i, 'region'], message: `unit "${d.unit}" lies in region ${root.region} (${pathText(root.path)}), not ${d.region}: set region to ${root.region} or choose a unit of ${d.region}`,
        params: custom('unit_region_mismatch', { unit: d.unit, region: d.region, path: pathText(root.path), expected: root.region }) });
    }
  });
  return problems;
}

export interface EchelonNode {
  id: string;
  name: string;
  nameEn?: string;
  kind: 'region' | 'unit';
  /** null for a region */
  parent: string | null;
  /** 0 for a region */
  depth: number;
  /** child units, in configuration order */
  children: string[];
  /** depots placed directly here, in configuration order */
  depots: string[];
}

export interface EchelonTree {
  /** region ids in configuration order */
  readonly roots: readonly string[];
  node(id: string): EchelonNode | undefined;
  /** every depot beneath a node (its own and its descendants'), in tree order; [] for an unknown id */
  depotsUnder(id: string): readonly string[];
  /** ids from the region down to the node, or to the place of a depot and the depot itself */
  pathOf(id: string): readonly string[];
  /** the node holding a depot directly (its unit, or its region) */
  placeOf(depotId: string): string | undefined;
}

/**
 * The tree of a site the schema accepted. Built once per configuration version. Should a problem slip
 * through anyway (a unit whose chain never reaches a region), that unit and what hangs beneath it are
 * left out rather than looping.
 */
export function buildEchelonTree(site: EchelonSiteInput): EchelonTree {
  const nodes = new Map<string, EchelonNode>();
  for (const r of site.regions) nodes.set(r.id, withName({ id: r.id, name: r.name, kind: 'region', parent: null, depth: 0, children: [], depots: [] }, r.nameEn));
  const pending = site.units.filter((u) => !nodes.has(u.id));
  // attach units whose parent is already placed, until a pass places nothing (the rest cannot reach a region)
  for (let placed = true; placed && pending.length > 0;) {
    placed = false;
    for (let i = 0; i < pending.length;) {
      const u = pending[i] as EchelonSiteInput['units'][number];
      const parent = nodes.get(u.parent);
      if (!parent) { i++; continue; }
      nodes.set(u.id, withName({ id: u.id, name: u.name, kind: 'unit', parent: parent.id, depth: parent.depth + 1, children: [], depots: [] }, u.nameEn));
      pending.splice(i, 1);
      placed = true;
    }
  }
  // children in configuration order, whatever order they were attached in
  for (const u of site.units) {
    const n = nodes.get(u.id);
    if (n?.kind === 'unit' && n.parent !== null) nodes.get(n.parent)?.children.push(u.id);
  }
  const place = new Map<string, string>();
  for (const d of site.depots) {
    const holder = (d.unit !== undefined ? nodes.get(d.unit) : undefined) ?? nodes.get(d.region);
    if (!holder) continue;
    holder.depots.push(d.id);
    place.set(d.id, holder.id);
  }
  const under = new Map<string, string[]>();
  const collect = (id: string): string[] => {
    const done = under.get(id);
    if (done) return done;
    const n = nodes.get(id);
    const out = n ? [...n.depots, ...n.children.flatMap(collect)] : [];
    under.set(id, out);
    return out;
  };
  const pathOfNode = (id: string): string[] => {
    const out: string[] = [];
    for (let n = nodes.get(id); n; n = n.parent === null ? undefined : nodes.get(n.parent)) out.unshift(n.id);
    return out;
  };
  const roots = site.regions.map((r) => r.id);
  return {
    roots,
    node: (id) => nodes.get(id),
    depotsUnder: (id) => collect(id),
    pathOf: (id) => {
      const holder = place.get(id);
      return holder !== undefined ? [...pathOfNode(holder), id] : pathOfNode(id);
    },
    placeOf: (id) => place.get(id),
  };
}

function withName(n: EchelonNode, nameEn: string | undefined): EchelonNode {
  if (nameEn !== undefined) n.nameEn = nameEn;
  return n;
}

/**
 * A stored scope as the depots it covers now (resolved at check time, not when the account was made):
 * a node stands for every depot beneath it in the running configuration, so a depot added or moved
 * under a guard's unit is theirs at once, and one moved away is no longer. A depot id stands for itself,
 * configured or not (a depot removed and later re-added is seen again, as before units existed). Null
 * ("all") stays null.
 */
export function expandScope(tree: EchelonTree, stored: readonly string[] | null): string[] | null {
  if (stored === null) return null;
  const out = new Set<string>();
  for (const id of stored) {
    if (tree.node(id)) for (const d of tree.depotsUnder(id)) out.add(d);
    else out.add(id);
  }
  return [...out].sort();
}
