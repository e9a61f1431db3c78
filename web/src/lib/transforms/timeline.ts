import { isMessageKey, translate } from '../i18n/index.js';
import type { AlarmView, Lang, TimelineEntryView } from '../types.js';
import { alarmWhat } from './alarm-text.js';

/**
 * A timeline entry in the board's language. People's notes are shown as written; the system's own
 * sentences (English, for the API) are replaced by phrases built from the entry's type and the
 * alarm it concerns, and alarm transitions ("raised: normal → unack") become localised state words.
 */
export const SYSTEM_ACTOR = 'system';

export interface TimelineLine {
  /** the event as a short localised title */
  title: string;
  /** a person's note, verbatim, or null */
  note: string | null;
  /** for alarm entries: which alarm, localised */
  what: string | null;
  bySystem: boolean;
}

const TRANSITION = /^(\w+): (\w+) → (\w+)$/;
const SAME_ACTION_MS = 2_000;

function stateWord(state: string, lang: Lang): string {
  const key = `alarmState.${state}`;
  return isMessageKey(key) ? translate(lang, key) : state;
}

export function timelineLine(e: TimelineEntryView, alarms: ReadonlyMap<string, AlarmView>, lang: Lang, now: number): TimelineLine {
  const bySystem = e.actor === SYSTEM_ACTOR;
  const alarm = e.alarmId === undefined ? undefined : alarms.get(e.alarmId);
  // two detectors saying the same thing are told apart by their ids
  const what = alarm ? `${alarmWhat(alarm, lang, now)} · ${alarm.device.id}` : null;
  let title = translate(lang, `timeline.${e.type}`);
  if (e.type === 'alarm' && e.detail) {
    const m = TRANSITION.exec(e.detail);
    if (m) {
      const evKey = `alarmEvent.${m[1] ?? ''}`;
      const ev = translate(lang, isMessageKey(evKey) ? evKey : 'timeline.alarm');
      title = `${ev}: ${stateWord(m[2] ?? '', lang)} → ${stateWord(m[3] ?? '', lang)}`;
    }
    // a detail in another form is the server's English for tools: the localised type says it
  }
  // the server records the assignee as the note, "(unassigned)" when the incident was handed back
  if (e.type === 'assigned') title = !e.note || e.note === '(unassigned)' ? translate(lang, 'timeline.unassigned') : `${title}: ${e.note}`;
  // the system writes English sentences for the API; the title already says it in the board's language
  const note = bySystem || e.type === 'assigned' ? null : e.note?.trim() || null;
  return { title, note, what, bySystem };
}

/**
 * The whole timeline, oldest first. Acknowledging an incident writes one "acknowledged" entry and one
 * transition per alarm, all carrying the same note: the note is shown once, on the incident's entry.
 */
export function timelineLines(timeline: readonly TimelineEntryView[], alarms: ReadonlyMap<string, AlarmView>, lang: Lang, now: number): (TimelineLine & { entry: TimelineEntryView })[] {
  const said = timeline.filter((e) => e.type !== 'alarm' && e.note);
  // the server stamps the incident entry and each alarm's transition separately, a few ms apart
  const echoes = (e: TimelineEntryView): boolean => said.some((s) => s.actor === e.actor && s.note === e.note && Math.abs(s.at - e.at) <= SAME_ACTION_MS);
  return timeline.map((e) => {
    const line = timelineLine(e, alarms, lang, now);
    const repeated = e.type === 'alarm' && line.note !== null && echoes(e);
    return { ...line, note: repeated ? null : line.note, entry: e };
  });
}

/** the actions the audit filter offers by name (the server's audit actions) */
export const AUDIT_ACTIONS: readonly string[] = [
  'incident.ack', 'incident.note', 'incident.assign', 'incident.resolve', 'incident.close', 'incident.escalated',
  'alarm.ack', 'alarm.shelve', 'alarm.unshelve', 'alarm.out_of_service', 'alarm.return_to_service',
  'maintenance.start', 'maintenance.end', 'maintenance.expired', 'login', 'login.failed', 'login.rate_limited', 'logout', 'user.create', 'user.update',
  'incident.auto_closed', 'audit.read', 'audit.verify', 'report.handover',
];

/** an audit action ("incident.ack") in words; an action this board does not know stays as the server wrote it */
export function auditActionText(action: string, lang: Lang): string {
  const key = `auditAction.${action}`;
  return isMessageKey(key) ? translate(lang, key) : action;
}
