import type { Reason } from '../contracts/api.js';
import { MAX_ECHELON_REASONS, type EchelonNodeView, type EchelonReason } from '../contracts/echelons.js';
import type { ReadinessLevel } from '../../../config/schema.js';
import type { EchelonTree } from './echelons.js';
import { SEVERITY_RANK, worstLevel } from './readiness.js';

export interface DepotState { readiness: ReadinessLevel; reasons: readonly Pick<Reason, 'code' | 'severity'>[] }

/**
 * Every node of the tree rolled up from its children (SPEC §6): as ready as the worst depot beneath
 * it, with the counts per level and the kinds of trouble summarised (each reason code once, with its
 * worst severity and the number of depots showing it). A depot without live state is `unknown`.
 *
 * `visible` (a scoped caller) keeps only the depots it accepts and prunes every branch left empty, so
 * neither a count nor a reason tells a guard about a depot of another unit. Without it (callers who see
 * everything) empty nodes stay, `unknown` with zero counts: a unit just added shows before its depots.
 */
export function rollUpEchelons(
  tree: EchelonTree, state: (depotId: string) => DepotState | undefined, visible?: (depotId: string) => boolean,
): EchelonNodeView[] {
  // the full reason tallies, by node: a view keeps only the first few, a parent needs them all
  const tallies = new WeakMap<EchelonNodeView, Map<EchelonReason['code'], EchelonReason>>();
  const build = (id: string): EchelonNodeView | null => {
    const n = tree.node(id);
    if (!n) return null;
    const depots = visible ? n.depots.filter(visible) : [...n.depots];
    const children = n.children.map(build).filter((c): c is EchelonNodeView => c !== null);
    if (visible && depots.length === 0 && children.length === 0) return null;
    const counts: Record<ReadinessLevel, number> = { ready: 0, degraded: 0, not_ready: 0, unknown: 0 };
    const reasons = new Map<EchelonReason['code'], EchelonReason>();
    for (const d of depots) {
      const s = state(d);
      counts[s?.readiness ?? 'unknown']++;
      const seen = new Set<EchelonReason['code']>();
      for (const r of s?.reasons ?? []) {
        const acc = reasons.get(r.code);
        if (!acc) reasons.set(r.code, { code: r.code, severity: r.severity, depots: 1 });
        else {
          if (SEVERITY_RANK[r.severity] < SEVERITY_RANK[acc.severity]) acc.severity = r.severity;
          if (!seen.has(r.code)) acc.depots++;
        }
        seen.add(r.code);
      }
    }
    for (const c of children) {
      for (const level of Object.keys(counts) as ReadinessLevel[]) counts[level] += c.counts[level];
      for (const r of tallies.get(c)?.values() ?? []) {
        const acc = reasons.get(r.code);
        if (!acc) reasons.set(r.code, { ...r });
        else {
          if (SEVERITY_RANK[r.severity] < SEVERITY_RANK[acc.severity]) acc.severity = r.severity;
          acc.depots += r.depots;
        }
      }
    }
    const total = counts.ready + counts.degraded + counts.not_ready + counts.unknown;
    const readiness: ReadinessLevel = total === 0 ? 'unknown' : worstLevel((Object.keys(counts) as ReadinessLevel[]).filter((l) => counts[l] > 0));
    const view: EchelonNodeView = {
      id: n.id, name: n.name, kind: n.kind, parent: n.parent, depth: n.depth, readiness, counts,
      reasons: [...reasons.values()].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || b.depots - a.depots).slice(0, MAX_ECHELON_REASONS),
      depots, children,
    };
    if (n.nameEn !== undefined) view.nameEn = n.nameEn;
    tallies.set(view, reasons);
    return view;
  };
  return tree.roots.map(build).filter((r): r is EchelonNodeView => r !== null);
}

/** depth-first, parents before children: the tree as rows (the engineer's table, the report's groups) */
export function flattenEchelons(roots: readonly EchelonNodeView[]): EchelonNodeView[] {
  const out: EchelonNodeView[] = [];
  const walk = (n: EchelonNodeView) => { out.push(n); n.children.forEach(walk); };
  roots.forEach(walk);
  return out;
}
