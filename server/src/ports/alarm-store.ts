import type { AuditEntry, MaintenanceView } from '../contracts/alarms.js';
import type { Alarm } from '../domain/alarm-engine.js';
import type { Incident, IncidentState, TimelineEntry } from '../domain/incidents.js';

export type AuditInput = Omit<AuditEntry, 'id'>;

/** One atomic change: everything an alarm transition or an operator action writes. */
export interface AlarmChange {
  alarms?: readonly Alarm[];
  /** incidents to insert or update; a new one gets its id from `nextIncidentId` first */
  incidents?: readonly Incident[];
  timeline?: readonly TimelineEntry[];
  audit?: readonly AuditInput[];
}

/**
 * Durable alarms, incidents, timeline, audit and maintenance windows. `commit` is one transaction:
 * when it returns the change is on disk (the caller announces only after that).
 */
export interface AlarmStore {
  commit(change: AlarmChange): void;
  nextIncidentId(): string;
  /** every alarm not plainly normal, and every incident not closed, for the start-up state */
  loadActive(): { alarms: Alarm[]; incidents: Incident[] };
  incident(id: string): Incident | undefined;
  incidents(q: { states?: readonly IncidentState[]; depot?: string; severity?: string; from?: number; to?: number; limit: number }): Incident[];
  alarmsOf(ids: readonly string[]): Alarm[];
  /** oldest first; with `latest`, only that many of the newest entries, and the total */
  timeline(incidentId: string, latest?: number): { entries: TimelineEntry[]; total: number };
  audit(q: { limit: number; before?: number; actor?: string; action?: string; from?: number; to?: number }): AuditEntry[];
  addMaintenance(m: Omit<MaintenanceView, 'id' | 'endedAt'>, audit: AuditInput): MaintenanceView;
  endMaintenance(id: number, at: number, audit: AuditInput): MaintenanceView | undefined;
  maintenance(id: number): MaintenanceView | undefined;
  activeMaintenance(now: number): MaintenanceView[];
}
