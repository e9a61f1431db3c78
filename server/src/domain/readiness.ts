import type { Reason, RegionSummary } from '../contracts/api.js';
import type { ReadinessLevel, RulesConfig, Severity } from '../../../config/schema.js';
import type { Condition } from './conditions.js';
import { reasonText } from './reason-text.js';

const LEVEL_RANK: Record<ReadinessLevel, number> = { ready: 0, unknown: 1, degraded: 2, not_ready: 3 };
export const SEVERITY_RANK: Record<Severity, number> = { critical: 0, major: 1, minor: 2, warning: 3 };

export const worstLevel = (levels: Iterable<ReadinessLevel>, start: ReadinessLevel = 'ready'): ReadinessLevel => {
  let worst = start;
  for (const l of levels) if (LEVEL_RANK[l] > LEVEL_RANK[worst]) worst = l;
  return worst;
};

/**
 * A depot's readiness (SPEC §6) from its active conditions: each severity maps to a level through
 * the rules; the worst wins. A depot that has never sent anything is `unknown`.
 */
export function depotReadiness(
  conditions: readonly Condition[], rules: RulesConfig, totals: { cameras: number }, hasData: boolean,
): { readiness: ReadinessLevel; reasons: Reason[] } {
  if (!hasData) return { readiness: 'unknown', reasons: [makeReason('no_data', 'warning', {})] };
  const readiness = worstLevel(conditions.map((c) => rules.readiness[c.severity]));
  return { readiness, reasons: summarise(conditions, totals) };
}

/**
 * Folds conditions into the few sentences a duty officer reads on a tile: camera faults are counted
 * ("3 of 24 cameras offline"), several silent devices become one count, the rest stay one each.
 */
export function summarise(conditions: readonly Condition[], totals: { cameras: number }): Reason[] {
  const reasons: Reason[] = [];
  const byCode = new Map<string, Condition[]>();
  for (const c of conditions) {
    const list = byCode.get(c.code) ?? [];
    list.push(c);
    byCode.set(c.code, list);
  }
  for (const list of byCode.values()) {
    const severity = list.reduce<Severity>((s, c) => (SEVERITY_RANK[c.severity] < SEVERITY_RANK[s] ? c.severity : s), 'warning');
    const first = list[0];
    if (!first) continue;
    switch (first.code) {
      case 'cameras_offline': case 'cameras_not_recording': case 'camera_tamper': case 'camera_video_loss':
        reasons.push(makeReason(first.code, severity, { n: list.length, total: totals.cameras, devices: list.map((c) => c.device.id).join(', ') }));
        break;
      case 'not_reporting':
        reasons.push(list.length === 1 ? makeReason('not_reporting', severity, first.params) : makeReason('not_reporting', severity, { n: list.length }));
        break;
      case 'threshold_high': case 'threshold_low': case 'rate_of_change': case 'state_active': case 'door_outside_schedule': case 'motion_outside_schedule':
      case 'collector_offline': case 'no_data': case 'in_maintenance':
        for (const c of list) reasons.push(makeReason(c.code, c.severity, c.params));
        break;
    }
  }
  return reasons.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
}

export function makeReason(code: Reason['code'], severity: Severity, params: Record<string, string | number>): Reason {
  return { code, severity, params, text: reasonText(code, params) };
}

/** A region is as ready as its worst depot; the counts feed the roll-up on the wall. */
export function regionSummary(
  region: { id: string; name: string; nameEn?: string | undefined }, depots: readonly { id: string; readiness: ReadinessLevel }[],
): RegionSummary {
  const counts: Record<ReadinessLevel, number> = { ready: 0, degraded: 0, not_ready: 0, unknown: 0 };
  for (const d of depots) counts[d.readiness]++;
  const summary: RegionSummary = {
    id: region.id, name: region.name, depots: depots.map((d) => d.id), counts,
    readiness: depots.length === 0 ? 'unknown' : worstLevel(depots.map((d) => d.readiness)),
  };
  if (region.nameEn) summary.nameEn = region.nameEn;
  return summary;
}
