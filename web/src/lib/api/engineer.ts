import type { AlarmHealthReport } from '../../../../server/src/contracts/alarm-health.js';
import type { RecurringMaintenanceRequest, RecurringMaintenanceView } from '../../../../server/src/contracts/maintenance.js';
import type { ApiClient } from './http.js';

export type { AlarmHealthReport, RecurringMaintenanceRequest, RecurringMaintenanceView };

/** Typed REST calls of the engineer's maintenance and alarm-health tabs. */
export class EngineerMaintenanceApi {
  constructor(private readonly http: ApiClient) {}

  recurring(signal?: AbortSignal): Promise<RecurringMaintenanceView[]> {
    return this.http.call('GET', '/api/maintenance/recurring', undefined, signal);
  }
  createRecurring(req: Omit<RecurringMaintenanceRequest, 'device' | 'until'> & Partial<Pick<RecurringMaintenanceRequest, 'device' | 'until'>>): Promise<RecurringMaintenanceView> {
    return this.http.call('POST', '/api/maintenance/recurring', req);
  }
  deleteRecurring(id: number): Promise<RecurringMaintenanceView> {
    return this.http.call('DELETE', `/api/maintenance/recurring/${id}`);
  }
  alarmHealth(days: number, operators: number, signal?: AbortSignal): Promise<AlarmHealthReport> {
    return this.http.call('GET', `/api/alarm-health?days=${days}&operators=${operators}`, undefined, signal);
  }
}
