import type { CollectorConfigMessage } from '../contracts/edge-devices.js';
import type { DepotConfig, SiteConfig } from '../../../config/schema.js';
import { canonicalJson } from './config-diff.js';

/**
 * Each depot's part of the configuration for its edge collector (SPEC §3/§11 `collector/config`), and the
 * version that part last changed in. The edge applies a retained collector/config only when its version is
 * newer than the one it runs and ignores an equal one; so a depot's message carries the version its own part
 * last changed in, not the site's latest: a change elsewhere (a threshold, another depot) republishes nothing
 * and restarts no edge, while a change to the part always comes with a newer version. Pure.
 */

/** the part as comparable text: the edge lists, or none (the edge runs its file's) */
export function edgePart(depot: Pick<DepotConfig, 'edge'> | undefined): string {
  return depot?.edge === undefined ? 'none' : canonicalJson(depot.edge);
}

/** depot id → its part, for a validated site or a stored version's raw JSON alike */
export function edgeParts(site: unknown): Map<string, string> {
  const depots = (site as Partial<SiteConfig> | undefined)?.depots;
  const out = new Map<string, string>();
  if (!Array.isArray(depots)) return out;
  for (const d of depots as Partial<DepotConfig>[]) if (typeof d.id === 'string') out.set(d.id, edgePart(d));
  return out;
}

/**
 * The version each depot's part last changed in, walking back from the running version `n` through the
 * stored ones (`history(k)` → that version's configuration, undefined when it is not stored). A part that
 * stayed the same back to the oldest version looked at takes that version; `maxBack` bounds the walk at start.
 */
export function partVersions(current: SiteConfig, n: number, history: (k: number) => unknown, maxBack = 1000): Map<string, number> {
  const parts = edgeParts(current);
  const versions = new Map([...parts.keys()].map((id) => [id, n]));
  let pending = new Set(parts.keys());
  for (let k = n - 1; k >= 1 && k >= n - maxBack && pending.size > 0; k--) {
    const old = history(k);
    if (old === undefined) break;
    const oldParts = edgeParts(old);
    const still = new Set<string>();
    for (const id of pending) {
      if (oldParts.get(id) !== parts.get(id)) continue;
      versions.set(id, k);
      still.add(id);
    }
    pending = still;
  }
  return versions;
}

/** what the depot's retained collector/config says: `{version}` alone when the site gives it no edge lists */
export function collectorConfigMessage(depot: Pick<DepotConfig, 'edge'>, version: number): CollectorConfigMessage {
  if (!depot.edge) return { version };
  return { version, modbus: depot.edge.modbus, snmp: depot.edge.snmp, cameras: depot.edge.cameras };
}
