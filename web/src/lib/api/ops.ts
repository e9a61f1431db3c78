import type { AlarmView, AuditEntry, AuditVerifyResult, HandoverReport, IncidentAckResult, IncidentView, Lang, MaintenanceView, SeenAlarm } from '../types.js';
import type { ApiClient } from './http.js';

const enc = encodeURIComponent;
const qs = (q: Record<string, string | number | undefined>): string => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

/**
 * Typed REST calls for alarms, incidents, maintenance, audit and the handover report
 * (server/src/http/alarms-router.ts). Alarm ids contain "/" and ":" and are always encoded.
 */
export class OpsApi {
  constructor(private readonly http: ApiClient) {}

  incidents(query: Record<string, string>, signal?: AbortSignal): Promise<IncidentView[]> {
    return this.http.call('GET', `/api/incidents${qs(query)}`, undefined, signal);
  }
  incident(id: string, signal?: AbortSignal): Promise<IncidentView> {
    return this.http.call('GET', `/api/incidents/${enc(id)}`, undefined, signal);
  }
  /** `alarms`: what the operator saw; alarms raised since stay unacknowledged (the answer lists them) */
  ackIncident(id: string, note: string, alarms: readonly SeenAlarm[]): Promise<IncidentAckResult> {
    return this.http.call('POST', `/api/incidents/${enc(id)}/ack`, { note, alarms });
  }
  addNote(id: string, note: string): Promise<IncidentView> {
    return this.http.call('POST', `/api/incidents/${enc(id)}/notes`, { note });
  }
  assign(id: string, assignee: string | null): Promise<IncidentView> {
    return this.http.call('POST', `/api/incidents/${enc(id)}/assign`, { assignee });
  }
  resolve(id: string, note: string): Promise<IncidentView> {
    return this.http.call('POST', `/api/incidents/${enc(id)}/resolve`, { note });
  }
  close(id: string, note: string): Promise<IncidentView> {
    return this.http.call('POST', `/api/incidents/${enc(id)}/close`, { note });
  }

  alarms(): Promise<AlarmView[]> {
    return this.http.call('GET', '/api/alarms');
  }
  ackAlarm(id: string, note: string): Promise<AlarmView> {
    return this.http.call('POST', `/api/alarms/${enc(id)}/ack`, { note });
  }
  shelve(id: string, reason: string, minutes: number): Promise<AlarmView> {
    return this.http.call('POST', `/api/alarms/${enc(id)}/shelve`, { reason, minutes });
  }
  unshelve(id: string, note = ''): Promise<AlarmView> {
    return this.http.call('POST', `/api/alarms/${enc(id)}/unshelve`, { note });
  }
  outOfService(id: string, reason: string): Promise<AlarmView> {
    return this.http.call('POST', `/api/alarms/${enc(id)}/out-of-service`, { reason });
  }
  returnToService(id: string, note = ''): Promise<AlarmView> {
    return this.http.call('POST', `/api/alarms/${enc(id)}/return-to-service`, { note });
  }

  maintenance(): Promise<MaintenanceView[]> {
    return this.http.call('GET', '/api/maintenance');
  }
  startMaintenance(req: { depot: string; device: MaintenanceView['device']; reason: string; minutes: number }): Promise<MaintenanceView> {
    return this.http.call('POST', '/api/maintenance', req);
  }
  endMaintenance(id: number): Promise<MaintenanceView> {
    return this.http.call('DELETE', `/api/maintenance/${id}`);
  }

  audit(q: { limit?: number; before?: number; actor?: string; action?: string }, signal?: AbortSignal): Promise<AuditEntry[]> {
    return this.http.call('GET', `/api/audit${qs(q)}`, undefined, signal);
  }
  /** whether the audit log's hash chain holds (SPEC §8) */
  verifyAudit(signal?: AbortSignal): Promise<AuditVerifyResult> {
    return this.http.call('GET', '/api/audit/verify', undefined, signal);
  }

  handover(from: number, to: number, signal?: AbortSignal): Promise<HandoverReport> {
    return this.http.call('GET', `/api/reports/handover${qs({ from, to, format: 'json' })}`, undefined, signal);
  }
  handoverCsv(from: number, to: number, lang: Lang): Promise<{ blob: Blob; disposition: string | null }> {
    return this.http.download(`/api/reports/handover${qs({ from, to, format: 'csv', lang })}`);
  }
}
