import type { AlarmView, AuditEntry, HandoverReport, IncidentView, TimelineEntryView } from '../contracts/alarms.js';
import { exportWord, reasonText, transitionText, type TextLang } from '../domain/reason-text.js';
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

/**
 * One row per timeline entry of each incident, then one per action: what a spreadsheet needs, in `lang`.
 * Codes (event, severity, state) stay as they are for filtering; `what` is the alarm in words, `detail` and
 * the notes the system wrote are in `lang`, people's notes verbatim.
 */
export function handoverCsv(r: HandoverReport, lang: TextLang = 'en'): string {
  const rows: (string | number | null)[][] = [['section', 'incident', 'depot', 'severity', 'state', 'time', 'event', 'actor', 'alarm', 'detail', 'note', 'what', 'equipment']];
  for (const i of r.incidents) {
    const alarms = new Map(i.alarms.map((a) => [a.id, a]));
    const first = i.alarms[0];
    for (const t of i.timeline) {
      const alarm = t.alarmId !== undefined ? alarms.get(t.alarmId) : first;
      rows.push(['incident', i.id, i.depot, i.severity, i.state, iso(t.at), t.type, t.actor, t.alarmId ?? '', t.detail ? transitionText(t.detail, lang) : '',
        systemNote(t, lang) ?? t.note ?? '', alarm ? alarmWords(alarm, lang) : '', alarm?.device.equipmentCode ?? '']);
    }
  }
  for (const a of r.actions) rows.push(['action', a.target, a.depot, '', '', iso(a.at), a.action, a.actor, '', a.detail ? JSON.stringify(a.detail) : '', a.note ?? '', '', '']);
  if (r.truncated) {
    const cut = lang === 'vi'
      ? `${r.incidents.length} / ${r.totals.incidents} sự cố, ${r.actions.length} / ${r.totals.actions} thao tác; chọn khoảng thời gian ngắn hơn để xem phần còn lại`
      : `${r.incidents.length} of ${r.totals.incidents} incidents, ${r.actions.length} of ${r.totals.actions} actions; choose a shorter period for the rest`;
    rows.push(['truncated', '', '', '', '', '', '', '', '', cut, '', '', '']);
  }
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

const alarmWords = (a: AlarmView, lang: TextLang): string =>
  reasonText(a.code, a.device.zoneName !== undefined && a.params.zone === undefined ? { ...a.params, zone: a.device.zoneName } : a.params, lang);

/** the sentences the system itself wrote on a timeline (English when stored), in `lang`; null for a person's note */
function systemNote(t: TimelineEntryView, lang: TextLang): string | null {
  if (t.type === 'assigned' && t.note === '(unassigned)') return exportWord(lang, 'timeline.unassigned');
  if (t.actor !== 'system') return null;
  switch (t.type) {
    case 'opened': return exportWord(lang, 'timeline.opened');
    case 'resolved': return exportWord(lang, 'timeline.resolved');
    case 'escalated': return exportWord(lang, 'timeline.escalated');
    case 'alarm': case 'acknowledged': case 'note': case 'assigned': case 'closed': case 'reopened': case 'snapshot': return null;
  }
}
