import type { Role } from '../../contracts/api.js';
import type { Session, SessionRepo, User, UserRepo } from '../../ports/users.js';
import type { StateDb } from './state-db.js';

interface UserRow { id: number; username: string; password_hash: string; role: Role; depots: string | null; disabled: number; must_change_password: number; created_at: number; updated_at: number }

const toUser = (r: UserRow): User => ({ id: r.id, username: r.username, role: r.role, depots: r.depots === null ? null : (JSON.parse(r.depots) as string[]), disabled: r.disabled === 1, mustChangePassword: r.must_change_password === 1 });

export function createUserRepo(db: StateDb): UserRepo {
  const byName = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?');
  const byId = db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?');
  const insert = db.prepare('INSERT INTO users (username, password_hash, role, depots, must_change_password, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const countAll = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users');
  return {
    findByUsername(username) {
      const r = byName.get(username);
      return r && { ...toUser(r), passwordHash: r.password_hash };
    },
    findById(id) {
      const r = byId.get(id);
      return r && toUser(r);
    },
    create(u, now) {
      const info = insert.run(u.username, u.passwordHash, u.role, u.depots === null ? null : JSON.stringify(u.depots), u.mustChangePassword ? 1 : 0, now, now);
      return { id: Number(info.lastInsertRowid), username: u.username, role: u.role, depots: u.depots, disabled: false, mustChangePassword: u.mustChangePassword ?? false };
    },
    passwordHashOf: (id) => byId.get(id)?.password_hash,
    count: () => countAll.get()?.n ?? 0,
    list: () => db.prepare<[], UserRow>('SELECT * FROM users ORDER BY username').all().map((r) => ({ ...toUser(r), createdAt: r.created_at, updatedAt: r.updated_at })),
    update(id, c, now) {
      const sets: string[] = [];
      const args: (string | number | null)[] = [];
      if (c.passwordHash !== undefined) { sets.push('password_hash = ?'); args.push(c.passwordHash); }
      if (c.role !== undefined) { sets.push('role = ?'); args.push(c.role); }
      if (c.depots !== undefined) { sets.push('depots = ?'); args.push(c.depots === null ? null : JSON.stringify(c.depots)); }
      if (c.disabled !== undefined) { sets.push('disabled = ?'); args.push(c.disabled ? 1 : 0); }
      if (c.mustChangePassword !== undefined) { sets.push('must_change_password = ?'); args.push(c.mustChangePassword ? 1 : 0); }
      if (sets.length === 0) return this.findById(id);
      db.prepare(`UPDATE users SET ${sets.join(', ')}, updated_at = ? WHERE id = ?`).run(...args, now, id);
      return this.findById(id);
    },
  };
}

interface SessionRow { user_id: number; csrf_token: string; created_at: number; expires_at: number; last_used_at: number }

export function createSessionRepo(db: StateDb): SessionRepo {
  const insert = db.prepare('INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)');
  const find = db.prepare<[string], SessionRow>('SELECT user_id, csrf_token, created_at, expires_at, last_used_at FROM sessions WHERE token_hash = ?');
  const touch = db.prepare('UPDATE sessions SET last_used_at = ?, expires_at = ? WHERE token_hash = ?');
  const del = db.prepare('DELETE FROM sessions WHERE token_hash = ?');
  const delUser = db.prepare('DELETE FROM sessions WHERE user_id = ?');
  const delUserExcept = db.prepare('DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?');
  const purge = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
  return {
    create: (h, s: Session) => void insert.run(h, s.userId, s.csrfToken, s.createdAt, s.lastUsedAt, s.expiresAt),
    find(h) {
      const r = find.get(h);
      return r && { userId: r.user_id, csrfToken: r.csrf_token, createdAt: r.created_at, expiresAt: r.expires_at, lastUsedAt: r.last_used_at };
    },
    touch: (h, lastUsedAt, expiresAt) => void touch.run(lastUsedAt, expiresAt, h),
    delete: (h) => void del.run(h),
    deleteForUser: (id) => void delUser.run(id),
    deleteForUserExcept: (id, keep) => void delUserExcept.run(id, keep),
    purgeExpired: (now) => purge.run(now).changes,
  };
}
