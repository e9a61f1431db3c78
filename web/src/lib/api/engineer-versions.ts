import type { ConfigChangeResult, ConfigVersionView, EquipmentResponse, VersionDigest } from '../types.js';
import type { ApiClient } from './http.js';

/** The engineer's versions and equipment register (server/src/http/config-router.ts, equipment-router.ts); the editors use engineer-config.ts. */
export class VersionsApi {
  constructor(private readonly http: ApiClient) {}

  digest(limit = 50): Promise<VersionDigest[]> {
    return this.http.call('GET', `/api/config/digest?limit=${limit}`);
  }
  version(n: number): Promise<ConfigVersionView> {
    return this.http.call('GET', `/api/config/versions/${n}`);
  }
  /** version n again, as a new version; based on the version the engineer was looking at (409 if it moved on) */
  rollback(n: number, comment: string, baseVersion: number): Promise<ConfigChangeResult> {
    return this.http.call('POST', `/api/config/rollback/${n}`, { comment, baseVersion });
  }
  exportYaml(n?: number): Promise<{ blob: Blob; disposition: string | null }> {
    return this.http.download(`/api/config/export${n === undefined ? '' : `?version=${n}`}`);
  }
  equipment(q: { code?: string; due?: boolean } = {}, signal?: AbortSignal): Promise<EquipmentResponse> {
    const p = new URLSearchParams();
    if (q.code) p.set('code', q.code);
    if (q.due) p.set('due', '1');
    const s = p.toString();
    return this.http.call('GET', `/api/equipment${s ? `?${s}` : ''}`, undefined, signal);
  }
  exportCsv(): Promise<{ blob: Blob; disposition: string | null }> {
    return this.http.download('/api/config/equipment');
  }
  importCsv(csv: string, comment: string): Promise<ConfigChangeResult> {
    return this.http.call('POST', '/api/config/equipment', { csv, comment });
  }
}

/** saves a downloaded file under the server's name */
export function saveBlob(file: { blob: Blob; disposition: string | null }, fallback: string): void {
  const m = file.disposition ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(file.disposition) : null;
  const url = URL.createObjectURL(file.blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = m?.[1] ?? fallback;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
