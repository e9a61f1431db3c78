import type { ApproveDiscoveredRequest, CollectorsResponse, ConfigChangeResult, DiscoveredView } from '../types.js';
import type { ApiClient } from './http.js';

/** The engineer's collector health and discovered devices (server/src/http/collectors-router.ts, engineer-router.ts). */
export class CollectorsApi {
  constructor(private readonly http: ApiClient) {}

  collectors(signal?: AbortSignal): Promise<CollectorsResponse> {
    return this.http.call('GET', '/api/collectors', undefined, signal);
  }
  discovered(): Promise<DiscoveredView[]> {
    return this.http.call('GET', '/api/discovered');
  }
  ignored(): Promise<DiscoveredView[]> {
    return this.http.call('GET', '/api/discovered/ignored');
  }
  /** the running configuration's version, which an approval names as its base (409 if it moved on) */
  async configVersion(): Promise<number> {
    const [latest] = await this.http.call<{ n: number }[]>('GET', '/api/config/versions?limit=1');
    return latest?.n ?? 0;
  }
  approve(key: string, req: ApproveDiscoveredRequest): Promise<ConfigChangeResult & { device: DiscoveredView }> {
    return this.http.call('POST', `/api/discovered/${encodeURIComponent(key)}/approve`, req);
  }
  ignore(key: string, note: string): Promise<DiscoveredView> {
    return this.http.call('POST', `/api/discovered/${encodeURIComponent(key)}/ignore`, { note });
  }
  /** the depot's broker account created or given a new password; the server stores only its hash */
  setPassword(depot: string, password: string, baseVersion: number, comment: string): Promise<ConfigChangeResult & { created: boolean }> {
    return this.http.call('POST', `/api/collectors/accounts/${encodeURIComponent(depot)}/password`, { password, baseVersion, comment });
  }
  unignore(key: string): Promise<DiscoveredView> {
    return this.http.call('POST', `/api/discovered/${encodeURIComponent(key)}/unignore`, {});
  }
}
