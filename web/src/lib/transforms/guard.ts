import type { AlarmView, IncidentView, Severity, TimelineEntryView } from '../types.js';
import { compareAlarms, SEVERITY_RANK } from './ticker.js';

/**
 * The guard console's two lists. Acknowledgement works on incidents (one tap acknowledges every
 * alarm of it that waits); an alarm that is somehow outside any incident the guard can see gets a
 * card of its own, acknowledged alone, so nothing waiting is ever left without a button.
 */
export type AckCard =
  | { kind: 'incident'; id: string; depot: string; severity: Severity; latest: number; incident: IncidentView; alarms: AlarmView[] }
  | { kind: 'alarm'; id: string; depot: string; severity: Severity; latest: number; alarm: AlarmView; alarms: AlarmView[] };

export const needsAck = (a: Pick<AlarmView, 'state'>): boolean => a.state === 'unack' || a.state === 'rtn_unack';

/** the incident carries a copy of its alarms; the live list may have a newer one (or the reverse) */
function freshest(copy: AlarmView, live: AlarmView | undefined): AlarmView {
  return live && live.updatedAt >= copy.updatedAt ? live : copy;
}

const raised = (a: AlarmView): number => a.raisedAt ?? a.updatedAt;

function worst(alarms: readonly AlarmView[]): Severity {
  return alarms.reduce<Severity>((w, a) => (SEVERITY_RANK[a.severity] < SEVERITY_RANK[w] ? a.severity : w), 'warning');
}

export function compareCards(a: AckCard, b: AckCard): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || b.latest - a.latest || a.id.localeCompare(b.id);
}

export function ackQueue(incidents: Iterable<IncidentView>, alarms: Readonly<Record<string, AlarmView>>): AckCard[] {
  const cards: AckCard[] = [];
  const covered = new Set<string>();
  for (const i of incidents) {
    if (i.state === 'closed' || i.state === 'resolved') continue;
    const waiting = i.alarms.map((a) => freshest(a, alarms[a.id])).filter(needsAck).sort(compareAlarms);
    for (const a of i.alarms) covered.add(a.id);
    if (waiting.length === 0) continue;
    cards.push({ kind: 'incident', id: i.id, depot: i.depot, severity: worst(waiting), latest: Math.max(...waiting.map(raised)), incident: i, alarms: waiting });
  }
  for (const a of Object.values(alarms)) {
    if (covered.has(a.id) || !needsAck(a)) continue;
    cards.push({ kind: 'alarm', id: a.id, depot: a.depot, severity: a.severity, latest: raised(a), alarm: a, alarms: [a] });
  }
  return cards.sort(compareCards);
}

/** the last acknowledgement of an incident: who, when, with what note */
export function lastAck(i: IncidentView): TimelineEntryView | null {
  for (let k = i.timeline.length - 1; k >= 0; k--) {
    const e = i.timeline[k];
    if (e?.type === 'acknowledged') return e;
  }
  return null;
}

/** acknowledged (and resolved) incidents with nothing waiting, most recently acknowledged first */
export function acknowledgedList(incidents: Iterable<IncidentView>, limit = 30): IncidentView[] {
  return [...incidents]
    .filter((i) => (i.state === 'acknowledged' || i.state === 'resolved') && i.unacked === 0 && lastAck(i) !== null)
    .sort((a, b) => (lastAck(b)?.at ?? 0) - (lastAck(a)?.at ?? 0) || a.id.localeCompare(b.id))
    .slice(0, limit);
}
