import type { MaintenanceView } from '../contracts/alarms.js';
import type { RecurringMaintenanceRequest, RecurringMaintenanceView } from '../contracts/maintenance.js';
import type { Logger } from '../adapters/logger.js';
import type { RecurringMaintenanceRepo, RecurringRow } from '../adapters/sqlite/recurring-maintenance-repo.js';
import { SYSTEM } from '../domain/incidents.js';
import { can, canSeeDepot } from '../domain/permissions.js';
import { isTimeZone, occurrencesAt, type RecurringRule } from '../domain/recurrence.js';
import type { AlarmStore, AuditInput } from '../ports/alarm-store.js';
import type { Clock } from '../ports/clock.js';
import { ActionError, type Operator } from './alarm-actions.js';
import type { AlarmService } from './alarm-service.js';

const RECENT_OCCURRENCES = 5;

const ruleOf = (r: RecurringRow): RecurringRule => ({ recurrence: r.recurrence, timeZone: r.timeZone, from: r.from, until: r.until });

/**
 * Recurring maintenance windows (issue 8). The rule is stored; each occurrence, when it falls due, is
 * opened as an ordinary maintenance window (with `recurringId`) through the alarm service, so the
 * engine suppresses, readiness says "in maintenance", expiry ends it and the audit log records its start
 * and end exactly as for a one-off window. An occurrence is opened once: one ended early stays ended.
 */
export function createRecurringMaintenance(deps: {
  repo: RecurringMaintenanceRepo; alarms: AlarmService; store: Pick<AlarmStore, 'commit'>; clock: Clock; logger: Logger;
  knownDevice: (depot: string, device: MaintenanceView['device']) => boolean;
  /** the depot's zone (domain/recurrence.ts depotTimeZone): a window's wall-clock times default to it */
  depotTimeZone: (depot: string) => string;
}) {
  const { repo, alarms, clock, logger } = deps;
  let rules = repo.live();
  /** the start of the latest occurrence opened per rule (from the store, so a restart does not reopen one) */
  const opened = repo.latestOccurrenceStarts();

  function allow(p: Operator, depot: string): void {
    if (!can(p, 'maintenance', depot)) throw new ActionError(403, 'forbidden', `${p.role} ${p.username} may not plan maintenance at depot ${depot}`);
  }

  /** opens the rule's occurrence covering `now`, unless it was opened already */
  function openDue(r: RecurringRow, now: number): void {
    const { active } = occurrencesAt(ruleOf(r), now);
    if (!active || (opened.get(r.id) ?? -Infinity) >= active.start) return;
    const audit: AuditInput = {
      at: now, actor: SYSTEM, action: 'maintenance.occurrence_start', target: '', depot: r.depot, note: r.reason,
      detail: { recurring: r.id, device: r.device, from: active.start, until: active.end },
    };
    alarms.startMaintenance({ depot: r.depot, device: r.device, reason: r.reason, by: r.by, from: active.start, until: active.end, recurringId: r.id },
      { username: SYSTEM, at: now, note: r.reason }, audit);
    opened.set(r.id, active.start);
  }

  function view(r: RecurringRow, now: number): RecurringMaintenanceView {
    const { active, next } = occurrencesAt(ruleOf(r), now);
    return { ...r, active, next, recent: repo.recentOccurrences(r.id, RECENT_OCCURRENCES) };
  }

  return {
    /** once a second, beside the alarm tick: occurrences that fell due are opened */
    tick(): void {
      const now = clock.now();
      for (const r of rules) {
        try {
          openDue(r, now);
        } catch (err) {
          // one rule that cannot open (its depot was removed from the configuration) must not stop the others
          logger.error({ err, recurring: r.id }, 'could not open a maintenance occurrence');
        }
      }
    },
    list(p: Operator): RecurringMaintenanceView[] {
      const now = clock.now();
      return rules.filter((r) => canSeeDepot(p, r.depot)).map((r) => view(r, now));
    },
    create(p: Operator, req: RecurringMaintenanceRequest): RecurringMaintenanceView {
      allow(p, req.depot);
      const timeZone = req.timeZone ?? deps.depotTimeZone(req.depot);
      const now = clock.now();
      const from = req.from ?? now;
      const fields: { path: string; message: string }[] = [];
      if (!isTimeZone(timeZone)) fields.push({ path: 'timeZone', message: `not a known IANA time zone: ${timeZone}` });
      if (req.until !== null && req.until <= from) fields.push({ path: 'until', message: 'must be after from' });
      if (fields.length) throw new ActionError(400, 'bad_request', `invalid fields: ${fields.map((f) => f.path).join(', ')}`, fields);
      if (!deps.knownDevice(req.depot, req.device)) throw new ActionError(404, 'not_found', `no ${req.device ? `${req.device.type} ${req.device.id} at ` : ''}depot ${req.depot}`);
      const row = repo.create({ depot: req.depot, device: req.device, reason: req.reason, by: p.username, createdAt: now, recurrence: req.recurrence, timeZone, from, until: req.until },
        (id) => deps.store.commit({ audit: [{
          at: now, actor: p.username, action: 'maintenance.recurring_create', target: `maintenance_recurring:${id}`, depot: req.depot, note: req.reason,
          detail: { device: req.device, recurrence: req.recurrence, timeZone, from, until: req.until },
        }] }));
      rules = [...rules, row];
      // a window planned to cover now starts now, not at the next tick
      openDue(row, now);
      return view(row, now);
    },
    /** deletes the rule; its occurrence running now ends with it (audited as any ended window) */
    remove(p: Operator, id: number): RecurringMaintenanceView {
      const r = repo.get(id);
      if (!r || !canSeeDepot(p, r.depot)) throw new ActionError(404, 'not_found', `recurring maintenance ${id} not found`);
      allow(p, r.depot);
      const now = clock.now();
      const removed = repo.remove(id, now, () => deps.store.commit({ audit: [{
        at: now, actor: p.username, action: 'maintenance.recurring_delete', target: `maintenance_recurring:${id}`, depot: r.depot, note: r.reason, detail: { device: r.device },
      }] }));
      if (!removed) throw new ActionError(409, 'already_deleted', `recurring maintenance ${id} was deleted already`);
      rules = rules.filter((x) => x.id !== id);
      for (const m of alarms.maintenanceList((d) => d === r.depot)) {
        if (m.recurringId !== id) continue;
        alarms.endMaintenance(m.id, { username: p.username, at: now, note: 'recurring maintenance deleted' }, {
          at: now, actor: p.username, action: 'maintenance.end', target: `maintenance:${m.id}`, depot: m.depot, note: m.reason, detail: { recurring: id },
        });
      }
      return { ...view({ ...r, deletedAt: now }, now), active: null, next: null };
    },
  };
}
export type RecurringMaintenance = ReturnType<typeof createRecurringMaintenance>;
