import type { Reason } from '../contracts/api.js';
import type { ReadinessLevel, RulesConfig } from '../../../config/schema.js';
import type { Condition } from './conditions.js';
import { depotReadiness, makeReason } from './readiness.js';

/** Why a device is set aside: a maintenance window covers it, or an operator took one of its alarms out of service. */
export type SidelineWhy = 'maintenance' | 'out_of_service';

/** What the alarm service knows about one depot: the whole depot in maintenance, or some of its devices set aside. */
export interface DepotSideline {
  depot: boolean;
  devices: readonly { type: Condition['device']['type']; id: string; why: SidelineWhy }[];
}

export const NOTHING_SIDELINED: DepotSideline = { depot: false, devices: [] };

const keyOf = (d: { type: string; id: string }) => `${d.type}:${d.id}`;

/**
 * A depot's readiness when some of it is in maintenance or out of service (issue 8, item 6): a device
 * being worked on is expected to misbehave, so its conditions no longer degrade the depot; the depot says
 * "in maintenance" instead. A whole depot in maintenance is not assessed at all: `unknown`, with that one
 * reason, so the wall shows it as in maintenance rather than as ready or broken. Pure.
 */
export function readinessWithSideline(
  conditions: readonly Condition[], rules: RulesConfig, totals: { cameras: number }, hasData: boolean, sideline: DepotSideline,
): { readiness: ReadinessLevel; reasons: Reason[] } {
  if (sideline.depot) return { readiness: 'unknown', reasons: [makeReason('in_maintenance', 'warning', { scope: 'depot' })] };
  const aside = new Map(sideline.devices.map((d) => [keyOf(d), d.why]));
  const counted = conditions.filter((c) => !aside.has(keyOf(c.device)));
  const result = depotReadiness(counted, rules, totals, hasData);
  if (aside.size === 0) return result;
  const maintenance = sideline.devices.filter((d) => d.why === 'maintenance').length;
  const reason = makeReason('in_maintenance', 'warning', {
    scope: 'devices', n: aside.size, maintenance, outOfService: aside.size - maintenance,
    devices: [...new Set(sideline.devices.map((d) => d.id))].join(', '),
  });
  // "no data" says more than "in maintenance": keep it alone when the depot has never spoken
  return hasData ? { readiness: result.readiness, reasons: [...result.reasons, reason] } : result;
}
