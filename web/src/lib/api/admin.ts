import type { DepotScope, Role, UserView } from '../types.js';
import type { ApiClient } from './http.js';

export interface UserCreate { username: string; password: string; role: Role; depots: DepotScope }
export interface UserUpdate { password?: string; role?: Role; depots?: DepotScope; disabled?: boolean }

/** User management (server/src/http/users-router.ts), administrators only. */
export class AdminApi {
  constructor(private readonly http: ApiClient) {}

  users(): Promise<UserView[]> {
    return this.http.call('GET', '/api/users');
  }
  createUser(u: UserCreate): Promise<UserView> {
    return this.http.call('POST', '/api/users', u);
  }
  updateUser(id: number, patch: UserUpdate): Promise<UserView> {
    return this.http.call('PATCH', `/api/users/${id}`, patch);
  }
}
