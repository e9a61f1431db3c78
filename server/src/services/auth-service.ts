import { createHash, randomBytes } from 'node:crypto';
import type { MeResponse, Role } from '../contracts/api.js';
import type { Clock } from '../ports/clock.js';
import type { SessionRepo, User, UserRepo } from '../ports/users.js';
import { passwordProblem } from '../domain/password-policy.js';
import { ActionError } from './alarm-actions.js';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(stored: string, password: string): Promise<boolean>;
}

/** Who is asking, as every route and socket sees it after authentication. */
export interface Principal {
  userId: number;
  username: string;
  role: Role;
  depots: string[] | null;
  tokenHash: string;
  csrfToken: string;
  /** the account must change its password before anything else */
  mustChangePassword: boolean;
}

export { canSeeDepot } from '../domain/permissions.js';

export const toMe = (p: Pick<Principal, 'username' | 'role' | 'depots' | 'mustChangePassword'>): MeResponse => ({ username: p.username, role: p.role, depots: p.depots, mustChangePassword: p.mustChangePassword });

/** refuses a password the policy does not accept, with the field and the reason */
export function checkPassword(password: string, username: string, field = 'password'): void {
  const problem = passwordProblem(password, username);
  if (problem) throw new ActionError(400, problem.code, `${field}: ${problem.message}`);
}

/**
 * How long a session lives (OWASP ASVS 5.0 V7.3; NIST SP 800-63B-4 AAL2 asks for reauthentication
 * within 24 h). Idle: no authenticated request and no socket action for that long. Absolute: from the
 * login, however busy. People are signed out after 12 h idle or 24 h in all: a session belongs to one
 * person on one shift, and a guard console watched without a touch for half a day is an abandoned one.
 * A `display` is a wall that stays on: its open live socket counts as use (the screen is on), so it
 * ends 24 h after the screen went dark, and in any case 30 days after its login.
 */
export const SESSION_LIMITS: Readonly<Record<'person' | 'display', { idleMs: number; absoluteMs: number }>> = {
  person: { idleMs: 12 * 3600_000, absoluteMs: 24 * 3600_000 },
  display: { idleMs: 24 * 3600_000, absoluteMs: 30 * 24 * 3600_000 },
};
const limitsOf = (role: Role) => SESSION_LIMITS[role === 'display' ? 'display' : 'person'];
/** last use is written at most this often (a write per request would be a write per request) */
const TOUCH_EVERY_MS = 60_000;

/**
 * `depots` is what the person sees now: a stored scope may name units or regions (domain/echelons.ts),
 * resolved against the running configuration each time a principal is made (every request, every socket
 * recheck), so a depot placed under a guard's unit later is theirs without touching the account.
 */
const principalOf = (user: User, tokenHash: string, csrfToken: string, expand: ScopeExpander): Principal => ({
  userId: user.id, username: user.username, role: user.role, depots: expand(user.depots), tokenHash, csrfToken, mustChangePassword: user.mustChangePassword,
});
/** a stored scope (depot, unit or region ids; null = all) → the depot ids it covers in the running configuration */
export type ScopeExpander = (stored: string[] | null) => string[] | null;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function createAuthService(deps: { users: UserRepo; sessions: SessionRepo; hasher: PasswordHasher; clock: Clock; expandScope?: ScopeExpander }) {
  const { users, sessions, hasher, clock } = deps;
  const expand: ScopeExpander = deps.expandScope ?? ((stored) => stored);
  // verifying against a real hash even for unknown users keeps login timing from revealing usernames
  let dummyHash: Promise<string> | undefined;

  /** when a session ends if nothing happens from `lastUsedAt` on: idleness or its absolute end, whichever comes first */
  const endOf = (role: Role, createdAt: number, lastUsedAt: number) => {
    const l = limitsOf(role);
    return Math.min(lastUsedAt + l.idleMs, createdAt + l.absoluteMs);
  };

  /** the session behind a token hash if it is still alive; `touch` counts this as use (idle clock restarts) */
  function sessionPrincipal(tokenHash: string, touch: boolean): Principal | null {
    const session = sessions.find(tokenHash);
    if (!session) return null;
    const now = clock.now();
    const user = users.findById(session.userId);
    if (!user || user.disabled) return null;
    if (session.expiresAt <= now || endOf(user.role, session.createdAt, session.lastUsedAt) <= now) {
      sessions.delete(tokenHash);
      return null;
    }
    if (touch && now - session.lastUsedAt > TOUCH_EVERY_MS) sessions.touch(tokenHash, now, endOf(user.role, session.createdAt, now));
    return principalOf(user, tokenHash, session.csrfToken, expand);
  }

  return {
    async login(username: string, password: string): Promise<{ token: string; principal: Principal } | null> {
      const user = users.findByUsername(username);
      if (!user || user.disabled) {
        await hasher.verify(await (dummyHash ??= hasher.hash('not-a-real-password')), password);
        return null;
      }
      if (!(await hasher.verify(user.passwordHash, password))) return null;
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      const now = clock.now();
      const tokenHash = hashToken(token);
      sessions.create(tokenHash, { userId: user.id, csrfToken, createdAt: now, lastUsedAt: now, expiresAt: endOf(user.role, now, now) });
      return { token, principal: principalOf(user, tokenHash, csrfToken, expand) };
    },

    /** the principal behind a bearer token (or the session cookie), or null if unknown, expired or disabled; counts as use */
    authenticate(token: string | undefined): Principal | null {
      if (!token || token.length > 200) return null;
      return sessionPrincipal(hashToken(token), true);
    },

    /**
     * Is the session behind an open socket still alive? `touch`: the socket itself counts as use (a
     * display's screen is on; an operator's action on a socket). Null once it has ended.
     */
    recheck: (tokenHash: string, touch: boolean): Principal | null => sessionPrincipal(tokenHash, touch),

    logout(p: Principal): void {
      sessions.delete(p.tokenHash);
    },

    /** a new account, its password held to the policy; `mustChangePassword` for a password someone else chose */
    async createUser(u: { username: string; password: string; role: Role; depots: string[] | null; mustChangePassword?: boolean }): Promise<User> {
      checkPassword(u.password, u.username);
      return users.create({ username: u.username, passwordHash: await hasher.hash(u.password), role: u.role, depots: u.depots, mustChangePassword: u.mustChangePassword ?? false }, clock.now());
    },

    /**
     * A person changes their own password: the current one again, a new one the policy accepts. The
     * flag to change it goes, and every other session of the account ends (the caller drops their
     * sockets); the session that made the change stays.
     */
    async changePassword(p: Principal, currentPassword: string, newPassword: string): Promise<Principal> {
      const stored = users.passwordHashOf(p.userId);
      if (!stored || !(await hasher.verify(stored, currentPassword))) throw new ActionError(400, 'wrong_password', 'currentPassword: not your current password');
      checkPassword(newPassword, p.username, 'newPassword');
      if (newPassword === currentPassword) throw new ActionError(400, 'password_unchanged', 'newPassword: must differ from the current password');
      users.update(p.userId, { passwordHash: await hasher.hash(newPassword), mustChangePassword: false }, clock.now());
      sessions.deleteForUserExcept(p.userId, p.tokenHash);
      return { ...p, mustChangePassword: false };
    },

    /**
     * On first start, create `admin` with ADMIN_PASSWORD or a random password that the caller prints
     * once and that must be changed at the first login. Returns the generated password, if any.
     */
    async ensureFirstAdmin(password: string | undefined): Promise<{ created: boolean; generatedPassword: string | null }> {
      if (users.count() > 0) return { created: false, generatedPassword: null };
      const generated = password ? null : randomBytes(18).toString('base64url');
      await this.createUser({ username: 'admin', password: password ?? (generated as string), role: 'admin', depots: null, mustChangePassword: generated !== null });
      return { created: true, generatedPassword: generated };
    },

    purgeExpired: () => sessions.purgeExpired(clock.now()),
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
