import type {
  ApiError, ChangePasswordRequest, DepotDetail, DepotSummary, HistoryRange, HistoryResponse, LinkOutage, LoginRequest, LoginResponse, MeResponse, RegionSummary,
} from '../types.js';

/**
 * One error shape for every failed call, whatever went wrong: the server's `{error, message,
 * fields}`, a proxy's HTML page, or no answer at all (status 0, error "network").
 */
export class ApiRequestError extends Error implements ApiError {
  readonly error: string;
  readonly fields?: ApiError['fields'];
  readonly params?: ApiError['params'];
  constructor(readonly status: number, body: ApiError) {
    super(body.message);
    this.name = 'ApiRequestError';
    this.error = body.error;
    if (body.fields) this.fields = body.fields;
    if (body.params) this.params = body.params;
  }
}

export interface ApiClientOptions {
  getToken: () => string | null;
  getCsrfToken: () => string | null;
  /** any 401 outside the login call itself: the session is gone */
  onUnauthorized: () => void;
  fetch?: typeof fetch;
  baseUrl?: string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type HistorySource = { sensor: string } | { camera: string; field: 'fps' | 'bitrate_kbps' | 'packet_loss_pct' | 'storage_free_pct' };

function isApiError(v: unknown): v is ApiError {
  return typeof v === 'object' && v !== null && typeof (v as { error?: unknown }).error === 'string'
    && typeof (v as { message?: unknown }).message === 'string';
}

export class ApiClient {
  readonly #opts: ApiClientOptions;
  readonly #fetch: typeof fetch;

  constructor(opts: ApiClientOptions) {
    this.#opts = opts;
    // bound: calling window.fetch detached from window throws "Illegal invocation"
    this.#fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  }

  login(req: LoginRequest): Promise<LoginResponse> {
    return this.#request('POST', '/api/auth/login', req, { anonymous: true });
  }
  logout(): Promise<void> {
    return this.#request('POST', '/api/auth/logout', {});
  }
  /** the signed-in person's own password; answers who they are now (mustChangePassword cleared) */
  changePassword(req: ChangePasswordRequest): Promise<MeResponse> {
    return this.#request('POST', '/api/auth/password', req);
  }
  me(): Promise<MeResponse> {
    return this.#request('GET', '/api/auth/me');
  }
  regions(): Promise<RegionSummary[]> {
    return this.#request('GET', '/api/regions');
  }
  depots(): Promise<DepotSummary[]> {
    return this.#request('GET', '/api/depots');
  }
  depot(id: string): Promise<DepotDetail> {
    return this.#request('GET', `/api/depots/${encodeURIComponent(id)}`);
  }
  /** what the depot's replayed history revealed about the times its link was down, newest first */
  linkOutages(depotId: string, signal?: AbortSignal): Promise<{ items: LinkOutage[]; total: number }> {
    return this.#request('GET', `/api/depots/${encodeURIComponent(depotId)}/link-outages`, undefined, { signal });
  }
  history(depotId: string, src: HistorySource, range: HistoryRange, signal?: AbortSignal): Promise<HistoryResponse> {
    const q = new URLSearchParams('sensor' in src ? { sensor: src.sensor } : { camera: src.camera, field: src.field });
    q.set('range', range);
    return this.#request('GET', `/api/depots/${encodeURIComponent(depotId)}/history?${q.toString()}`, undefined, { signal });
  }

  /** any JSON call with the session's credentials; the domain clients (ops.ts, admin.ts) are built on it */
  call<T>(method: HttpMethod, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return this.#request(method, path, body, { signal });
  }

  /**
   * A file the server generates (the handover CSV): fetched with the Bearer token like any call —
   * a plain link would carry no token — and returned as a Blob with the server's file name.
   */
  async download(path: string): Promise<{ blob: Blob; disposition: string | null }> {
    const headers: Record<string, string> = {};
    const token = this.#opts.getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await this.#fetch(`${this.#opts.baseUrl ?? ''}${path}`, { method: 'GET', headers, credentials: 'same-origin' });
    } catch (e) {
      throw new ApiRequestError(0, { error: 'network', message: e instanceof Error ? e.message : String(e) });
    }
    if (!res.ok) {
      if (res.status === 401) this.#opts.onUnauthorized();
      const text = await res.text();
      let parsed: unknown = null;
      try { parsed = JSON.parse(text); } catch { /* reported generically below */ }
      throw new ApiRequestError(res.status, isApiError(parsed) ? parsed : { error: `http_${res.status}`, message: res.statusText });
    }
    return { blob: await res.blob(), disposition: res.headers.get('Content-Disposition') };
  }

  async #request<T>(method: HttpMethod, path: string, body?: unknown, o: { anonymous?: boolean; signal?: AbortSignal | undefined } = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = o.anonymous ? null : this.#opts.getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const csrf = this.#opts.getCsrfToken();
    // the server also sets a session cookie; a state-changing call carries the CSRF token in case it is cookie-checked
    if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;

    let res: Response;
    try {
      res = await this.#fetch(`${this.#opts.baseUrl ?? ''}${path}`, {
        method, headers, credentials: 'same-origin', body: body === undefined ? null : JSON.stringify(body), signal: o.signal ?? null,
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiRequestError(0, { error: 'network', message: e instanceof Error ? e.message : String(e) });
    }
    const text = await res.text();
    let parsed: unknown = null;
    try { parsed = text === '' ? null : JSON.parse(text); } catch { /* not JSON: reported below as a generic error */ }
    if (!res.ok) {
      if (res.status === 401 && !o.anonymous) this.#opts.onUnauthorized();
      throw new ApiRequestError(res.status, isApiError(parsed) ? parsed : { error: `http_${res.status}`, message: res.statusText || text.slice(0, 200) });
    }
    return parsed as T;
  }
}
