import type { AlarmState, AlarmView, DepotSummary, Severity } from '../types.js';
import { compareDepots } from './sort.js';

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, major: 1, minor: 2, warning: 3 };

/** the states a wall ticker shows: alive or waiting for a person; shelved and suppressed live on the officer desk */
const TICKER_STATES: ReadonlySet<AlarmState> = new Set<AlarmState>(['unack', 'acked', 'rtn_unack']);

const raised = (a: AlarmView): number => a.raisedAt ?? a.updatedAt;

/** Most severe first; within a severity the newest first, so a new alarm lands at the top of its band. */
export function compareAlarms(a: AlarmView, b: AlarmView): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || raised(b) - raised(a) || a.id.localeCompare(b.id);
}

export function tickerAlarms(alarms: Iterable<AlarmView>): AlarmView[] {
  return [...alarms].filter((a) => TICKER_STATES.has(a.state)).sort(compareAlarms);
}

/** a depot that needs eyes now: how many critical alarms wait for acknowledgement, and when the newest was raised */
export interface Attention { count: number; latest: number }

/**
 * Depots with an unacknowledged critical alarm (unack, or rtn_unack: gone but nobody has seen it).
 * The wall brings these to the front and rings them on the map.
 */
export function attentionDepots(alarms: Iterable<AlarmView>): Map<string, Attention> {
  const out = new Map<string, Attention>();
  for (const a of alarms) {
    if (a.severity !== 'critical' || (a.state !== 'unack' && a.state !== 'rtn_unack')) continue;
    const prev = out.get(a.depot);
    out.set(a.depot, { count: (prev?.count ?? 0) + 1, latest: Math.max(prev?.latest ?? -Infinity, raised(a)) });
  }
  return out;
}

/**
 * The wall's tile order: depots with an unacknowledged critical alarm first, the most recent one
 * leading (a new fire is the first tile even when other depots were already not ready), then the
 * usual worst-readiness-first order.
 */
export function wallOrder<T extends Pick<DepotSummary, 'id' | 'readiness'>>(depots: readonly T[], attention: ReadonlyMap<string, Attention>): T[] {
  return [...depots].sort((a, b) => {
    const ta = attention.get(a.id)?.latest;
    const tb = attention.get(b.id)?.latest;
    if (ta !== undefined || tb !== undefined) {
      if (ta === undefined) return 1;
      if (tb === undefined) return -1;
      if (ta !== tb) return tb - ta;
    }
    return compareDepots(a, b);
  });
}
