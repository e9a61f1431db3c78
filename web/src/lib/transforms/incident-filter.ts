import type { IncidentState, IncidentView, Severity } from '../types.js';
import { SEVERITY_RANK } from './ticker.js';

/**
 * The officer desk's incident filter. The same filter builds the REST query (history beyond what the
 * live feed holds) and tests incidents arriving live, so a new incident appears in the list without
 * a reload only when it belongs there.
 */
export type StateFilter = 'live' | 'all' | IncidentState;
export const STATE_FILTERS: readonly StateFilter[] = ['live', 'open', 'acknowledged', 'resolved', 'closed', 'all'];
export type RangePreset = '12h' | '24h' | '7d' | '30d';
export const RANGE_PRESETS: readonly RangePreset[] = ['12h', '24h', '7d', '30d'];
const RANGE_MS: Readonly<Record<RangePreset, number>> = { '12h': 12 * 3_600_000, '24h': 24 * 3_600_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };

export interface IncidentFilter { state: StateFilter; depot: string | null; severity: Severity | null; range: RangePreset }
export const DEFAULT_FILTER: IncidentFilter = { state: 'live', depot: null, severity: null, range: '24h' };

/** the server's `limit` for one page of the list */
export const INCIDENT_PAGE = 200;

export function rangeStart(f: Pick<IncidentFilter, 'range'>, now: number): number {
  return now - RANGE_MS[f.range];
}

const LIVE: ReadonlySet<IncidentState> = new Set<IncidentState>(['open', 'acknowledged']);

/** query string of GET /api/incidents for this filter */
export function incidentQuery(f: IncidentFilter, now: number): Record<string, string> {
  const q: Record<string, string> = { from: String(rangeStart(f, now)), limit: String(INCIDENT_PAGE) };
  if (f.state !== 'all') q.state = f.state;
  if (f.depot) q.depot = f.depot;
  if (f.severity) q.severity = f.severity;
  return q;
}

/** the server's rule too: an incident belongs to a range when it was still changing inside it */
export function matchesFilter(i: IncidentView, f: IncidentFilter, now: number): boolean {
  if (f.state === 'live' ? !LIVE.has(i.state) : f.state !== 'all' && i.state !== f.state) return false;
  if (f.depot !== null && i.depot !== f.depot) return false;
  if (f.severity !== null && i.severity !== f.severity) return false;
  return i.updatedAt >= rangeStart(f, now);
}

const STATE_RANK: Readonly<Record<IncidentState, number>> = { open: 0, acknowledged: 1, resolved: 2, closed: 3 };

/** what needs a person first: waiting alarms, then by state and severity, newest first */
export function compareIncidents(a: IncidentView, b: IncidentView): number {
  return Number(b.unacked > 0) - Number(a.unacked > 0)
    || STATE_RANK[a.state] - STATE_RANK[b.state]
    || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]
    || b.openedAt - a.openedAt
    || a.id.localeCompare(b.id);
}

/**
 * The list on screen: what the last query returned, updated by anything newer from the live feed,
 * plus live incidents that now match; an incident that changed so it no longer matches (acknowledged
 * while the filter shows "open") drops out.
 */
export function mergeIncidents(fetched: readonly IncidentView[], live: Iterable<IncidentView>, f: IncidentFilter, now: number): IncidentView[] {
  const byId = new Map(fetched.map((i) => [i.id, i]));
  for (const i of live) {
    const prev = byId.get(i.id);
    if (!prev || prev.updatedAt <= i.updatedAt) byId.set(i.id, i);
  }
  return [...byId.values()].filter((i) => matchesFilter(i, f, now)).sort(compareIncidents);
}
