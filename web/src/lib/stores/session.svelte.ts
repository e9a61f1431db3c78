import { ApiRequestError, type ApiClient } from '../api/http.js';
import type { MeResponse } from '../types.js';

const TOKEN_KEY = 'depotwatch.token';
const CSRF_KEY = 'depotwatch.csrf';

export type SessionStatus = 'checking' | 'anonymous' | 'authenticated';

/**
 * Who is signed in. The token lives in localStorage so an unattended wall display survives a
 * reload or a power cut; any 401 (REST or live) clears it and shows the login page again.
 */
export class Session {
  status = $state<SessionStatus>('checking');
  user = $state<MeResponse | null>(null);
  /** why the user is looking at the login page, if not by choice */
  expired = $state(false);
  token = $state<string | null>(null);
  #csrf: string | null = null;

  readonly #storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

  constructor(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>) {
    this.#storage = storage;
    this.token = storage.getItem(TOKEN_KEY);
    this.#csrf = storage.getItem(CSRF_KEY);
  }

  get csrfToken(): string | null {
    return this.#csrf;
  }

  /** signed in, but with a password given by someone else: only the change-password form until it is replaced */
  get mustChangePassword(): boolean {
    return this.status === 'authenticated' && this.user?.mustChangePassword === true;
  }

  /** signed in and free to use the board (the live feed and every page) */
  get ready(): boolean {
    return this.status === 'authenticated' && !this.mustChangePassword;
  }

  async changePassword(api: ApiClient, currentPassword: string, newPassword: string): Promise<void> {
    this.user = await api.changePassword({ currentPassword, newPassword });
  }

  /** At start: is the saved token still good? A network error keeps it (the server may be restarting). */
  async restore(api: ApiClient): Promise<void> {
    if (!this.token) { this.status = 'anonymous'; return; }
    try {
      this.user = await api.me();
      this.status = 'authenticated';
    } catch (e) {
      if (e instanceof ApiRequestError && e.status === 401) this.expire();
      else if (this.token) this.status = 'authenticated'; // keep showing the board; the live banner tells the story
    }
  }

  async login(api: ApiClient, username: string, password: string): Promise<void> {
    const res = await api.login({ username, password });
    this.token = res.token;
    this.#csrf = res.csrfToken;
    this.#storage.setItem(TOKEN_KEY, res.token);
    this.#storage.setItem(CSRF_KEY, res.csrfToken);
    this.user = res.user;
    this.expired = false;
    this.status = 'authenticated';
  }

  async logout(api: ApiClient): Promise<void> {
    try { await api.logout(); } catch { /* signing out locally matters more than telling a server that may be gone */ }
    this.#clear();
  }

  /** the server refused us: forget the token and say why on the login page */
  expire(): void {
    if (this.status === 'anonymous') return;
    this.expired = true;
    this.#clear();
  }

  #clear(): void {
    this.token = null;
    this.#csrf = null;
    this.user = null;
    this.#storage.removeItem(TOKEN_KEY);
    this.#storage.removeItem(CSRF_KEY);
    this.status = 'anonymous';
  }
}
