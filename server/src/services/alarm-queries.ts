import type { AuditEntry, AuditVerifyResult, HandoverReport, IncidentView, LinkOutage } from '../contracts/alarms.js';
import { formatAnchor } from '../domain/audit-chain.js';
import type { IncidentState } from '../domain/incidents.js';
import { can, visibleDepots, type Subject } from '../domain/permissions.js';
import type { Logger } from '../adapters/logger.js';
import type { AlarmStore, AuditInput, AuditQuery, IncidentQuery, Page } from '../ports/alarm-store.js';
import type { Clock } from '../ports/clock.js';
import type { AlarmService } from './alarm-service.js';
import { verifyAuditChain } from './audit-verify.js';
import { buildHandover } from './handover.js';
import { BACKFILL_ACTION } from './backfill-journal.js';
import type { BackfillSummary } from '../domain/backfill-summary.js';

type Reader = Subject & { username: string };

/** The handover's incidents and actions are each cut here; the report says so when they are. */
export const HANDOVER_LIMIT = 1000;
/** alarm transitions are in each incident's timeline; logins, user changes and reads of the log are not shift work */
const NOT_SHIFT_ACTIONS = ['alarm.transition', 'login', 'login.', 'user.', 'audit.', 'report.'];

/**
 * Lists and reports over the alarm store (STYLE: queries and scope filters belong in a service, in
 * SQL, before the limit). Every filter, the caller's depot scope included, is part of the query;
 * each answer says how many matched in all, so a cut list is never mistaken for a whole one.
 */
export function createAlarmQueries(deps: { store: AlarmStore; alarms: AlarmService; clock: Clock; logger: Logger }) {
  const { store, alarms, clock } = deps;
  const audit = (a: AuditInput) => store.commit({ audit: [a] });

  function incidents(p: Reader, q: Omit<IncidentQuery, 'depots'>, fullTimelines = false): Page<IncidentView> {
    const page = store.incidents({ ...q, depots: visibleDepots(p) });
    return { items: page.items.map((i) => alarms.incidentView(alarms.incident(i.id) ?? i, fullTimelines)), total: page.total };
  }

  return {
    incidents,

    /**
     * GET /api/depots/{id}/link-outages: what a depot's replayed history revealed about the times its link was
     * down (the journal's `link.backfill` entries), newest first. A view of the depot, not a read of the audit log:
     * whoever may see the depot may read it, and it is not itself audited.
     */
    linkOutages(depot: string, limit: number): Page<LinkOutage> {
      const page = store.audit({ limit, action: BACKFILL_ACTION, depots: [depot], siteWide: false });
      const items = page.items.flatMap((e): LinkOutage[] => {
        const params = (e.detail as Partial<BackfillSummary> | null)?.params;
        return params && params.depot === depot ? [{ ...params, at: e.at }] : [];
      });
      return { items, total: page.total };
    },
    /** GET /api/audit; reading the log is itself an entry in it */
    audit(p: Reader, q: Omit<AuditQuery, 'depots' | 'siteWide' | 'excludeActions'> & { depot?: string }): Page<AuditEntry> {
      const { depot, ...rest } = q;
      // the log's readers see every depot (permissions: audit is admin and officer); a depot filter is one depot's entries only
      const page = store.audit({ ...rest, ...(depot ? { depots: [depot], siteWide: false } : {}) });
      audit({ at: clock.now(), actor: p.username, action: 'audit.read', target: 'audit', depot: null, note: null, detail: { ...q, returned: page.items.length, total: page.total } });
      return page;
    },

    async verify(p: Reader): Promise<AuditVerifyResult> {
      const v = await verifyAuditChain(store);
      // the head goes to the log, which is kept apart from the database: an anchor for a later check
      if (v.ok && v.head) deps.logger.info({ entries: v.entries, anchor: formatAnchor(v.head) }, 'audit chain holds');
      else if (!v.ok) deps.logger.error({ entries: v.entries, firstBroken: v.firstBroken }, 'audit chain is broken');
      audit({ at: clock.now(), actor: p.username, action: 'audit.verify', target: 'audit', depot: null, note: null, detail: { ok: v.ok, entries: v.entries, ...(v.ok ? {} : { firstBroken: v.firstBroken.id }) } });
      return v;
    },

    /** the shift handover report over [from, to) in the caller's scope; exporting it is audited */
    handover(p: Reader, range: { from: number; to: number; format: 'json' | 'csv' }): HandoverReport {
      const scope = visibleDepots(p);
      const inRange = { from: range.from, to: range.to };
      const list = incidents(p, { ...inRange, limit: HANDOVER_LIMIT }, true);
      const actions = store.audit({ ...inRange, limit: HANDOVER_LIMIT, depots: scope, siteWide: can(p, 'audit'), excludeActions: NOT_SHIFT_ACTIONS });
      const summary = store.incidentSummary({ ...inRange, depots: scope });
      const report = buildHandover({ ...inRange, now: clock.now(), by: p.username, incidents: list, actions, summary });
      audit({
        at: clock.now(), actor: p.username, action: 'report.handover', target: 'report:handover', depot: null, note: null,
        detail: { ...inRange, format: range.format, incidents: list.items.length, actions: actions.items.length, truncated: report.truncated },
      });
      return report;
    },
  };
}
export type AlarmQueries = ReturnType<typeof createAlarmQueries>;

export const LIVE_STATES: IncidentState[] = ['open', 'acknowledged'];
