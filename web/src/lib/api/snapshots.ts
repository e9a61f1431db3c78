import type { SnapshotTakeResult, SnapshotView } from '../types.js';
import type { ApiClient } from './http.js';

/** Camera snapshots (server/src/http/snapshots-router.ts); the JPEGs themselves are plain <img> requests with the session cookie. */
export class SnapshotsApi {
  constructor(private readonly http: ApiClient) {}

  /** the newest snapshot of every camera of a depot (the depot view's camera cards) */
  latestOfDepot(depot: string, signal?: AbortSignal): Promise<SnapshotView[]> {
    return this.http.call('GET', `/api/snapshots?depot=${encodeURIComponent(depot)}&latest=1&limit=200`, undefined, signal);
  }
  ofIncident(id: string, signal?: AbortSignal): Promise<SnapshotView[]> {
    return this.http.call('GET', `/api/snapshots?incident=${encodeURIComponent(id)}`, undefined, signal);
  }
  /** "take a snapshot now" for one camera or an alarm's zone */
  take(body: { depot: string; camera?: string; alarmId?: string }): Promise<SnapshotTakeResult> {
    return this.http.call('POST', '/api/snapshots/request', body);
  }
}
