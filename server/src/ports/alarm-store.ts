import type { AuditEntry, MaintenanceView } from '../contracts/alarms.js';
import type { Alarm } from '../domain/alarm-engine.js';
import type { ChainRow } from '../domain/audit-chain.js';
import type { Incident, IncidentState, TimelineEntry } from '../domain/incidents.js';

export type AuditInput = Omit<AuditEntry, 'id'>;
export type NewMaintenance = Omit<MaintenanceView, 'id' | 'endedAt'>;

/** One atomic change: everything an alarm transition or an operator action writes. */
export interface AlarmChange {
  alarms?: readonly Alarm[];
  /** incidents to insert or update; a new one takes the next sequence number after `lastIncidentSeq` */
  incidents?: readonly Incident[];
  timeline?: readonly TimelineEntry[];
  audit?: readonly AuditInput[];
  /** a maintenance window to open; its audit entry gets the new window's id as target */
  startMaintenance?: { window: NewMaintenance; audit: AuditInput };
  /**
   * maintenance windows to end; with `mustBeOpen` (a person ending it) the transaction fails with
   * MaintenanceEndedError if the window has ended already; expiry just ends what is still open
   */
  endMaintenance?: readonly { id: number; at: number; mustBeOpen?: boolean }[];
}

export class MaintenanceEndedError extends Error {
  constructor(readonly id: number) {
    super(`maintenance ${id} has already ended`);
  }
}

/** Which entries a list or report wants; every filter is applied in the query, before the limit. */
export interface AuditQuery {
  limit: number;
  before?: number;
  actor?: string;
  action?: string;
  from?: number;
  to?: number;
  /** only entries of these depots (undefined or null: every depot) */
  depots?: readonly string[] | null;
  /** also entries that concern no depot (logins, users, reads of the audit); default true */
  siteWide?: boolean;
  /** leave out these actions; one ending in "." leaves out every action it prefixes ("user.") */
  excludeActions?: readonly string[];
}

export interface IncidentQuery {
  states?: readonly IncidentState[];
  depot?: string;
  /** only incidents of these depots (undefined or null: every depot) */
  depots?: readonly string[] | null;
  severity?: string;
  from?: number;
  to?: number;
  limit: number;
}

/** A page of a list, and how many matched in all: `total > items.length` means it was cut. */
export interface Page<T> { items: T[]; total: number }

/**
 * Durable alarms, incidents, timeline, audit and maintenance windows. `commit` is one transaction:
 * when it returns the change is on disk (the caller announces only after that); when it throws,
 * nothing of it was written.
 */
export interface AlarmStore {
  commit(change: AlarmChange): { started?: MaintenanceView };
  /** the highest incident number committed; a new incident takes the next one */
  lastIncidentSeq(): number;
  /** every alarm not plainly normal, and every incident not closed, for the start-up state */
  loadActive(): { alarms: Alarm[]; incidents: Incident[] };
  incident(id: string): Incident | undefined;
  incidents(q: IncidentQuery): Page<Incident>;
  /** the handover summary's figures over every matching incident, not one page */
  incidentSummary(q: Omit<IncidentQuery, 'limit'>): { incidents: number; critical: number; stillOpen: number; acknowledged: number; escalated: number };
  alarmsOf(ids: readonly string[]): Alarm[];
  /** oldest first; with `latest`, only that many of the newest entries, and the total */
  timeline(incidentId: string, latest?: number): { entries: TimelineEntry[]; total: number };
  /** newest first */
  audit(q: AuditQuery): Page<AuditEntry>;
  /** raw chain rows with id > afterId, oldest first, for verification */
  auditChain(afterId: number, limit: number): ChainRow[];
  auditCount(): number;
  /** the newest entry's id and hash, as an anchor to keep outside the database */
  auditHead(): { id: number; hash: string } | null;
  /** the stored hash of one entry (an anchor check) */
  auditHash(id: number): string | undefined;
  maintenance(id: number): MaintenanceView | undefined;
  activeMaintenance(now: number): MaintenanceView[];
}
