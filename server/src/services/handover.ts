import type { AuditEntry, HandoverReport, IncidentView } from '../contracts/alarms.js';
import type { Page } from '../ports/alarm-store.js';

/**
 * The shift handover report: every incident alive during [from, to) and every person's action in it,
 * for the officer coming on duty. Pure; alarm-queries.ts fetches, in the caller's scope. The summary
 * counts the whole shift; when a list had to be cut, `truncated` and `totals` say by how much.
 */
export function buildHandover(input: {
  from: number; to: number; now: number; by: string;
  incidents: Page<IncidentView>; actions: Page<AuditEntry>; summary: HandoverReport['summary'];
}): HandoverReport {
  const { incidents, actions } = input;
  return {
    from: input.from, to: input.to, generatedAt: input.now, generatedBy: input.by, incidents: incidents.items, actions: actions.items,
    summary: input.summary,
    truncated: incidents.total > incidents.items.length || actions.total > actions.items.length,
    totals: { incidents: incidents.total, actions: actions.total },
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
  if (r.truncated) {
    rows.push(['truncated', '', '', '', '', '', '', '', '', `${r.incidents.length} of ${r.totals.incidents} incidents, ${r.actions.length} of ${r.totals.actions} actions; choose a shorter period for the rest`, '']);
  }
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}
