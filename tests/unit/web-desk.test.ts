import { describe, expect, it } from 'vitest';
import type { AlarmView, HandoverReport, IncidentView, TimelineEntryView } from '../../server/src/contracts/alarms.js';
import type { Snapshot } from '../../server/src/contracts/api.js';
import { translate } from '../../web/src/lib/i18n/index.js';
import { describeFailure } from '../../web/src/lib/transforms/errors.js';
import { ackQueue, acknowledgedList } from '../../web/src/lib/transforms/guard.js';
import { csvFileName, defaultHandoverRange, fromLocalInput, handoverRows, rangeFromInputs, toLocalInput } from '../../web/src/lib/transforms/handover.js';
import { DEFAULT_FILTER, incidentQuery, matchesFilter, mergeIncidents, type IncidentFilter } from '../../web/src/lib/transforms/incident-filter.js';
import { applyBatch, applyIncident, fromSnapshot } from '../../web/src/lib/transforms/live-state.js';
import { landing, mayOpen, navFor, resolveRoute } from '../../web/src/lib/transforms/nav.js';
import { activeMaintenance, outOfServiceList, shelvedList, suppressedList } from '../../web/src/lib/transforms/overlays.js';
import { ENGINEER_TABS, parseHash, routeHref, type Route } from '../../web/src/lib/transforms/route.js';
import { auditActionText, timelineLine, timelineLines } from '../../web/src/lib/transforms/timeline.js';
import { depotsFor, scopeDraft, sortUsers, userProblems } from '../../web/src/lib/transforms/users.js';

const H = 3_600_000;
const NOW = 100 * H;

const alarm = (id: string, o: Partial<AlarmView> = {}): AlarmView => ({
  id, depot: 'K101', code: 'state_active', severity: 'critical', device: { type: 'sensor', id: 'A-SM1', zone: 'A', zoneName: 'Nhà kho đạn A' },
  params: { kind: 'smoke', zone: 'Nhà kho đạn A' }, text: 'smoke', state: 'unack', active: true, chattering: false, raisedAt: NOW - 60_000,
  clearedAt: null, updatedAt: NOW - 60_000, ack: null, shelf: null, suppression: null, outOfService: null, incidentId: null, ...o,
});
const incident = (id: string, o: Partial<IncidentView> = {}): IncidentView => ({
  id, depot: 'K101', severity: 'critical', state: 'open', title: 'smoke', openedAt: NOW - H, updatedAt: NOW - H, assignee: null,
  escalatedAt: null, unacked: 0, alarms: [], timeline: [], timelineOmitted: 0, ...o,
});
const ackEntry = (actor: string, at: number, note: string): TimelineEntryView => ({ at, type: 'acknowledged', actor, note });

describe('the officer desk filter', () => {
  const f = (o: Partial<IncidentFilter>): IncidentFilter => ({ ...DEFAULT_FILTER, ...o });

  it('builds the REST query from the filter', () => {
    expect(incidentQuery(DEFAULT_FILTER, NOW)).toEqual({ from: String(NOW - 24 * H), limit: '200', state: 'live' });
    expect(incidentQuery(f({ state: 'all', depot: 'K102', severity: 'major', range: '7d' }), NOW))
      .toEqual({ from: String(NOW - 7 * 24 * H), limit: '200', depot: 'K102', severity: 'major' });
  });

  it('matches live incidents by state, depot, severity and range, as the server does', () => {
    const i = incident('INC-1', { updatedAt: NOW - 2 * H });
    expect(matchesFilter(i, DEFAULT_FILTER, NOW)).toBe(true);
    expect(matchesFilter({ ...i, state: 'acknowledged' }, DEFAULT_FILTER, NOW)).toBe(true);
    expect(matchesFilter({ ...i, state: 'resolved' }, DEFAULT_FILTER, NOW)).toBe(false);
    expect(matchesFilter({ ...i, state: 'resolved' }, f({ state: 'all' }), NOW)).toBe(true);
    expect(matchesFilter(i, f({ state: 'acknowledged' }), NOW)).toBe(false);
    expect(matchesFilter(i, f({ depot: 'K102' }), NOW)).toBe(false);
    expect(matchesFilter(i, f({ severity: 'major' }), NOW)).toBe(false);
    expect(matchesFilter({ ...i, updatedAt: NOW - 13 * H }, f({ range: '12h' }), NOW)).toBe(false);
  });

  it('merges the fetched page with newer live copies, adds new matches, drops what no longer matches', () => {
    const fetched = [incident('INC-1', { updatedAt: NOW - 2 * H }), incident('INC-2', { updatedAt: NOW - 3 * H, severity: 'major' })];
    const live = [
      incident('INC-1', { updatedAt: NOW - 5 * H, assignee: 'stale copy' }),
      incident('INC-2', { updatedAt: NOW - H, state: 'resolved' }),
      incident('INC-3', { updatedAt: NOW, unacked: 2, openedAt: NOW - 60_000 }),
    ];
    const out = mergeIncidents(fetched, live, DEFAULT_FILTER, NOW);
    expect(out.map((i) => i.id)).toEqual(['INC-3', 'INC-1']); // waiting first; INC-2 resolved → out of "live"
    expect(out[1]?.assignee).toBeNull(); // the older live copy did not overwrite the fetched one
  });
});

describe('the guard console lists', () => {
  it('puts incidents with waiting alarms first, worst and newest first, using the freshest copy of each alarm', () => {
    const a1 = alarm('K101/smoke:A-SM1', { incidentId: 'INC-1', raisedAt: NOW - 5_000 });
    const a2 = alarm('K101/door:G-D1', { incidentId: 'INC-2', severity: 'major', raisedAt: NOW - 1_000 });
    const i1 = incident('INC-1', { alarms: [a1], unacked: 1 });
    const i2 = incident('INC-2', { alarms: [a2], severity: 'major', unacked: 1 });
    const acked = { ...a2, state: 'acked' as const, updatedAt: NOW };
    expect(ackQueue([i2, i1], { [a1.id]: a1, [a2.id]: a2 }).map((c) => c.id)).toEqual(['INC-1', 'INC-2']);
    expect(ackQueue([i2, i1], { [a1.id]: a1, [a2.id]: acked }).map((c) => c.id)).toEqual(['INC-1']);
  });

  it('gives an alarm outside any visible incident a card of its own', () => {
    const lone = alarm('K101/fence:P-F1', { incidentId: null });
    const cards = ackQueue([], { [lone.id]: lone, x: alarm('x', { state: 'acked' }) });
    expect(cards.map((c) => [c.kind, c.id])).toEqual([['alarm', 'K101/fence:P-F1']]);
  });

  it('lists acknowledged incidents by their latest acknowledgement', () => {
    const a = incident('INC-1', { state: 'acknowledged', timeline: [ackEntry('g', NOW - 10, 'x')] });
    const b = incident('INC-2', { state: 'resolved', timeline: [ackEntry('g', NOW - 5, 'y')] });
    const c = incident('INC-3', { state: 'acknowledged', unacked: 1, timeline: [ackEntry('g', NOW, 'z')] });
    expect(acknowledgedList([a, b, c, incident('INC-4')]).map((i) => i.id)).toEqual(['INC-2', 'INC-1']);
  });
});

describe('pages per role', () => {
  it('lands each role on its own page', () => {
    expect(landing('guard')).toEqual({ name: 'guard' });
    expect(landing('officer')).toEqual({ name: 'desk', incident: null });
    expect(landing('admin')).toEqual({ name: 'wall' });
    expect(landing('display')).toEqual({ name: 'wall' });
    expect(landing('engineer')).toEqual({ name: 'engineer', tab: 'collectors' });
  });

  it('gives the display the wall only and keeps every role off pages it cannot use', () => {
    expect(navFor('display').map((n) => n.route.name)).toEqual(['wall']);
    expect(navFor('guard').map((n) => n.route.name)).toEqual(['guard', 'wall']);
    expect(navFor('admin').map((n) => n.route.name)).toEqual(['wall', 'engineer', 'admin-users', 'admin-audit']);
    expect(navFor('engineer').map((n) => n.route.name)).toEqual(['engineer', 'wall', 'desk-alarms']);
    expect(mayOpen('officer', { name: 'engineer', tab: 'rules' })).toBe(false);
    expect(mayOpen('guard', { name: 'engineer', tab: 'collectors' })).toBe(false);
    expect(mayOpen('display', { name: 'desk', incident: null })).toBe(false);
    expect(mayOpen('guard', { name: 'admin-users' })).toBe(false);
    expect(mayOpen('officer', { name: 'admin-audit' })).toBe(true);
    expect(mayOpen('engineer', { name: 'desk-alarms' })).toBe(true);
    expect(resolveRoute('display', { name: 'guard' })).toEqual({ name: 'wall' });
    const depot: Route = { name: 'depot', id: 'K101' };
    expect(resolveRoute('guard', depot)).toBe(depot);
    expect(resolveRoute('officer', { name: 'home' })).toEqual({ name: 'desk', incident: null });
  });

  it('round-trips every route through the hash', () => {
    const routes: Route[] = [
      { name: 'wall' }, { name: 'depot', id: 'K101' }, { name: 'guard' }, { name: 'desk', incident: null }, { name: 'desk', incident: 'INC-000042' },
      { name: 'desk-alarms' }, { name: 'handover' }, { name: 'admin-users' }, { name: 'admin-audit' },
      ...ENGINEER_TABS.map((tab): Route => ({ name: 'engineer', tab })),
    ];
    for (const r of routes) expect(parseHash(routeHref(r))).toEqual(r);
    expect(parseHash('#/engineer')).toEqual({ name: 'engineer', tab: 'collectors' });
    expect(parseHash('#/engineer/nonsense')).toEqual({ name: 'engineer', tab: 'collectors' });
    expect(parseHash('#/desk/')).toEqual({ name: 'desk', incident: null });
    expect(parseHash('#/desk/incident/<script>')).toEqual({ name: 'wall' });
  });
});

describe('action errors in words', () => {
  it('names the server domain codes, the scope refusal and the network', () => {
    expect(describeFailure({ status: 409, error: 'shelve_too_long', message: 'x' })).toEqual({ key: 'error.code.shelve_too_long' });
    expect(describeFailure({ status: 403, error: 'forbidden', message: 'x' })).toEqual({ key: 'error.forbidden' });
    expect(describeFailure({ status: 0, error: 'network', message: 'x' })).toEqual({ key: 'error.network' });
    expect(describeFailure({ status: 409, error: 'new_code', message: 'why' })).toEqual({ key: 'error.conflict', params: { message: 'why' } });
    expect(describeFailure({ status: 500, error: 'internal', message: 'boom' })).toEqual({ key: 'error.server', params: { status: 500, message: 'boom' } });
  });

  it('never quotes the server\'s English into the Vietnamese board; English keeps it as detail', () => {
    const english = 'base version 12 is required (If-Match or baseVersion)';
    const say = (lang: 'vi' | 'en', f: Parameters<typeof describeFailure>[0]) => { const p = describeFailure(f); return translate(lang, p.key, p.params); };
    for (const f of [
      { status: 409, error: 'new_code', message: english }, { status: 400, error: 'bad_request', message: english },
      { status: 500, error: 'internal', message: english }, { status: 503, error: 'unknown_outage', message: english },
    ]) {
      expect(say('vi', f), f.error).not.toContain(english);
    }
    expect(say('en', { status: 409, error: 'new_code', message: english })).toContain(english);
    // the codes the server answers with have sentences of their own
    expect(say('vi', { status: 428, error: 'precondition_required', message: english })).toBe('Thiếu phiên bản cấu hình làm gốc cho thay đổi này: hãy tải lại trang rồi lưu lại.');
    for (const error of ['already_deleted', 'rate_limited', 'too_large', 'password_change_required', 'csrf', 'busy', 'telemetry_unavailable']) {
      expect(describeFailure({ status: 400, error, message: english }).key, error).toBe(`error.code.${error}`);
    }
  });
});

describe('the handover report', () => {
  it('defaults to the last 12 h and includes the whole current minute', () => {
    const now = new Date(2026, 10, 22, 20, 38, 30).getTime();
    const d = defaultHandoverRange(now);
    expect(now - d.from).toBe(12 * H);
    const r = rangeFromInputs(toLocalInput(d.from), toLocalInput(d.to));
    expect(r!.to).toBeGreaterThan(now);
    expect(toLocalInput(now)).toBe('2026-11-22T20:38');
    expect(fromLocalInput('2026-11-22T20:38')).toBe(new Date(2026, 10, 22, 20, 38).getTime());
    expect(fromLocalInput('garbage')).toBeNull();
    expect(rangeFromInputs('2026-11-22T20:38', '2026-11-22T20:30')).toBeNull();
  });

  it('shows who acknowledged each incident, in order of opening, and uses the server file name', () => {
    const report: HandoverReport = {
      from: 0, to: NOW, generatedAt: NOW, generatedBy: 'duty', actions: [],
      summary: { incidents: 2, critical: 2, stillOpen: 1, acknowledged: 1, escalated: 0 }, truncated: false, totals: { incidents: 2, actions: 0 },
      incidents: [incident('INC-2', { openedAt: 20 }), incident('INC-1', { openedAt: 10, timeline: [ackEntry('guard101', 15, ' Báo động giả ')] })],
    };
    const rows = handoverRows(report);
    expect(rows.map((r) => [r.incident.id, r.ackBy, r.ackNote])).toEqual([['INC-1', 'guard101', 'Báo động giả'], ['INC-2', null, null]]);
    expect(csvFileName('attachment; filename="handover-2026-11-22T0838.csv"', 0)).toBe('handover-2026-11-22T0838.csv');
    expect(csvFileName(null, Date.UTC(2026, 10, 22, 8, 38))).toBe('handover-2026-11-22T0838.csv');
  });
});

describe('shelved, suppressed and out of service', () => {
  const shelf = { username: 'duty', at: 1, note: 'đang sửa', until: NOW + H };
  it('lists each overlay with who, why and expiry, soonest first', () => {
    const list = [
      alarm('a', { state: 'shelved', shelf: { ...shelf, until: NOW + 2 * H } }),
      alarm('b', { state: 'shelved', shelf }),
      alarm('c', { state: 'suppressed', suppression: { username: 'eng', at: 2, note: 'bảo trì', until: null, scope: 'depot' } }),
      alarm('d', { state: 'out_of_service', outOfService: { username: 'eng', at: 3, note: 'hỏng' } }),
      alarm('e'),
    ];
    expect(shelvedList(list).map((r) => [r.alarm.id, r.by, r.until])).toEqual([['b', 'duty', NOW + H], ['a', 'duty', NOW + 2 * H]]);
    expect(suppressedList(list).map((r) => [r.alarm.id, r.reason, r.until])).toEqual([['c', 'bảo trì', null]]);
    expect(outOfServiceList(list).map((r) => r.alarm.id)).toEqual(['d']);
  });

  it('keeps only maintenance windows still running', () => {
    const m = (id: number, until: number, endedAt: number | null = null) => ({ id, depot: 'K101', device: null, reason: 'r', by: 'e', from: 0, until, endedAt });
    expect(activeMaintenance([m(1, NOW + 2), m(2, NOW - 1), m(3, NOW + 1), m(4, NOW + 5, NOW - 3)], NOW).map((x) => x.id)).toEqual([3, 1]);
  });
});

describe('the incident timeline', () => {
  const a = alarm('K101/smoke:A-SM1');
  const alarms = new Map([[a.id, a]]);

  it('phrases system entries and alarm transitions in the board language, keeping people\'s notes', () => {
    const t = timelineLine({ at: 1, type: 'alarm', actor: 'system', alarmId: a.id, detail: 'raised: normal → unack' }, alarms, 'vi', NOW);
    expect(t).toEqual({ title: 'Báo động: Bình thường → Chưa xác nhận', note: null, what: 'Phát hiện khói · A-SM1', bySystem: true });
    expect(timelineLine({ at: 1, type: 'escalated', actor: 'system', note: 'not acknowledged within 5 min' }, alarms, 'en', NOW).note).toBeNull();
    expect(timelineLine({ at: 1, type: 'assigned', actor: 'duty', note: '(unassigned)' }, alarms, 'vi', NOW).title).toBe('Bỏ giao việc');
    expect(timelineLine({ at: 1, type: 'assigned', actor: 'duty', note: 'guard101' }, alarms, 'en', NOW).title).toBe('Assigned to: guard101');
  });

  it('shows an acknowledgement note once, not again on each alarm it acknowledged', () => {
    const lines = timelineLines([
      ackEntry('guard101', 5, 'Báo động giả'),
      { at: 5, type: 'alarm', actor: 'guard101', alarmId: a.id, detail: 'acknowledged: unack → acked', note: 'Báo động giả' },
      { at: 7, type: 'alarm', actor: 'guard101', alarmId: a.id, detail: 'acknowledged: rtn_unack → normal', note: 'Báo động giả' },
      { at: 6, type: 'alarm', actor: 'duty', alarmId: a.id, detail: 'shelved: acked → shelved', note: 'đang sửa' },
    ], alarms, 'vi', NOW);
    expect(lines.map((l) => l.note)).toEqual(['Báo động giả', null, null, 'đang sửa']);
    expect(auditActionText('incident.ack', 'vi')).toBe('Xác nhận sự cố');
    expect(auditActionText('something.new', 'vi')).toBe('something.new');
  });
});

describe('the user form', () => {
  it('sends "all" or the ticked depots, never an empty list standing for either', () => {
    expect(depotsFor('guard', false, ['K102', 'K101'])).toEqual(['K101', 'K102']);
    expect(depotsFor('guard', true, ['K101'])).toEqual(['K101']);
    expect(depotsFor('display', true, ['K101'])).toBe('all');
    expect(depotsFor('display', false, ['K101'])).toEqual(['K101']);
    expect(depotsFor('officer', false, ['K101'])).toBe('all');
    expect(scopeDraft('all')).toEqual({ all: true, picked: [] });
    expect(scopeDraft(['K101'])).toEqual({ all: false, picked: ['K101'] });
    expect(userProblems({ username: 'wall1', password: 'long-enough-password', role: 'display', depots: [], all: false }, { creating: true }))
      .toEqual({ depots: 'users.needDepotDisplay' });
    expect(userProblems({ username: 'wall1', password: 'long-enough-password', role: 'display', depots: [], all: true }, { creating: true })).toEqual({});
  });

  it('reports every problem at once, like the server', () => {
    expect(userProblems({ username: 'a', password: 'short', role: 'guard', depots: [] }, { creating: true }))
      .toEqual({ username: 'users.badUsername', password: 'users.badPassword', depots: 'users.needDepot' });
    expect(userProblems({ username: 'guard101', password: '', role: 'officer', depots: [] }, { creating: false })).toEqual({});
  });

  it('sorts active accounts by role then name', () => {
    const u = (id: number, username: string, role: 'admin' | 'guard' | 'officer', disabled = false) => ({ id, username, role, depots: 'all' as const, disabled, mustChangePassword: false, createdAt: 0, updatedAt: 0 });
    expect(sortUsers([u(1, 'z', 'guard'), u(2, 'a', 'officer', true), u(3, 'b', 'officer'), u(4, 'a', 'guard')]).map((x) => x.id)).toEqual([3, 4, 1, 2]);
  });
});

describe('incidents in the live state', () => {
  const snap: Snapshot = {
    serverTime: NOW, regions: [], depots: [], alarms: [alarm('a1', { incidentId: 'INC-1' })],
    incidents: [incident('INC-1', { unacked: 1, updatedAt: NOW })], flood: { active: false, count: 0, windowS: 600, threshold: 10, perMinute: 0 },
  };
  const s0 = fromSnapshot(snap, NOW);

  it('indexes incidents and replaces them with newer copies from batches', () => {
    expect(Object.keys(s0.incidents)).toEqual(['INC-1']);
    const s1 = applyBatch(s0, { sensors: [], cameras: [], depots: [], regions: [], incidents: [incident('INC-1', { state: 'acknowledged', updatedAt: NOW + 1 })] });
    expect(s1.incidents['INC-1']?.state).toBe('acknowledged');
    const s2 = applyBatch(s1, { sensors: [], cameras: [], depots: [], regions: [], incidents: [incident('INC-1', { updatedAt: NOW - 5 })] });
    expect(s2.incidents['INC-1']?.state).toBe('acknowledged'); // an older broadcast does not undo an action's answer
  });

  it('applies an action answer to the incident and to its alarms at once', () => {
    const acked = alarm('a1', { state: 'acked', updatedAt: NOW + 2, incidentId: 'INC-1' });
    const s1 = applyIncident(s0, incident('INC-1', { state: 'acknowledged', unacked: 0, updatedAt: NOW + 2, alarms: [acked] }));
    expect(s1.incidents['INC-1']?.unacked).toBe(0);
    expect(s1.alarms.a1?.state).toBe('acked');
    const gone = applyIncident(s0, incident('INC-1', { updatedAt: NOW + 3, alarms: [{ ...acked, state: 'normal', updatedAt: NOW + 3 }] }));
    expect(gone.alarms.a1).toBeUndefined();
  });
});
