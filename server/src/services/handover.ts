import type { AuditEntry, HandoverReport, IncidentView } from '../contracts/alarms.js';

/**
 * The shift handover report: every incident alive during [from, to) and every person's action in it,
 * for the officer coming on duty. Pure; the router fetches and filters by scope.
 */
export function buildHandover(input: { from: number; to: number; now: number; by: string; incidents: IncidentView[]; actions: AuditEntry[] }): HandoverReport {
  const { incidents } = input;
  return {
    from: input.from, to: input.to, generatedAt: input.now, generatedBy: input.by, incidents, actions: input.actions,
    summary: {
      incidents: incidents.length,
      critical: incidents.filter((i) => i.severity === 'critical').length,
      stillOpen: incidents.filter((i) => i.state === 'open' || i.state === 'acknowledged').length,
      acknowledged: incidents.filter((i) => i.timeline.some((t) => t.type === 'acknowledged')).length,
      escalated: incidents.filter((i) => i.escalatedAt !== null).length,
    },
  };
}

const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : '');
/** RFC 4180 field; a leading = + - @ is neutralised so a spreadsheet never runs it as a formula */
export function csvField(v: string | number | null | undefined): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per timeline entry of each incident, then one per action: what a spreadsheet needs. */
export function handoverCsv(r: HandoverReport): string {
  const rows: (string | number | null)[][] = [['section', 'incident', 'depot', 'severity', 'state', 'time', 'event', 'actor', 'alarm', 'detail', 'note']];
  for (const i of r.incidents) {
    for (const t of i.timeline) rows.push(['incident', i.id, i.depot, i.severity, i.state, iso(t.at), t.type, t.actor, t.alarmId ?? '', t.detail ?? '', t.note ?? '']);
  }
  for (const a of r.actions) rows.push(['action', a.target, a.depot, '', '', iso(a.at), a.action, a.actor, '', a.detail ? JSON.stringify(a.detail) : '', a.note ?? '']);
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}
