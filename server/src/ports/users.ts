import type { Role } from '../contracts/api.js';

export interface User {
  id: number;
  username: string;
  role: Role;
  /** depot ids this user may see; null = every depot */
  depots: string[] | null;
  disabled: boolean;
  /** until changed, the account may only change its password (and see who it is, and log out) */
  mustChangePassword: boolean;
}

export interface UserRepo {
  findByUsername(username: string): (User & { passwordHash: string }) | undefined;
  findById(id: number): User | undefined;
  create(u: { username: string; passwordHash: string; role: Role; depots: string[] | null; mustChangePassword?: boolean }, now: number): User;
  /** the stored hash of a user's password, to check the current one before a change */
  passwordHashOf(id: number): string | undefined;
  count(): number;
  list(): (User & { createdAt: number; updatedAt: number })[];
  update(id: number, changes: { passwordHash?: string; role?: Role; depots?: string[] | null; disabled?: boolean; mustChangePassword?: boolean }, now: number): User | undefined;
}

export interface Session {
  userId: number;
  csrfToken: string;
  /** the login: the absolute lifetime counts from here */
  createdAt: number;
  lastUsedAt: number;
  /** when the session ends unless used again (idle or absolute end, whichever is sooner); purged after */
  expiresAt: number;
}

export interface SessionRepo {
  create(tokenHash: string, s: Session): void;
  find(tokenHash: string): Session | undefined;
  touch(tokenHash: string, lastUsedAt: number, expiresAt: number): void;
  delete(tokenHash: string): void;
  deleteForUser(userId: number): void;
  /** every session of a user but one (a password change keeps the session that made it) */
  deleteForUserExcept(userId: number, keepTokenHash: string): void;
  purgeExpired(now: number): number;
}
