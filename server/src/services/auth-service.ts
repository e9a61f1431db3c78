import { createHash, randomBytes } from 'node:crypto';
import type { MeResponse, Role } from '../contracts/api.js';
import type { Clock } from '../ports/clock.js';
import type { SessionRepo, User, UserRepo } from '../ports/users.js';

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
}

export { canSeeDepot } from '../domain/permissions.js';

export const toMe = (p: Pick<Principal, 'username' | 'role' | 'depots'>): MeResponse => ({ username: p.username, role: p.role, depots: p.depots });

const SESSION_MS = 12 * 3600_000;
/** a wall display stays signed in while the screen is on: its session slides for 30 days */
const DISPLAY_SESSION_MS = 30 * 24 * 3600_000;
const TOUCH_EVERY_MS = 60_000;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function createAuthService(deps: { users: UserRepo; sessions: SessionRepo; hasher: PasswordHasher; clock: Clock }) {
  const { users, sessions, hasher, clock } = deps;
  // verifying against a real hash even for unknown users keeps login timing from revealing usernames
  let dummyHash: Promise<string> | undefined;

  const lifetime = (role: Role) => (role === 'display' ? DISPLAY_SESSION_MS : SESSION_MS);

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
      sessions.create(tokenHash, { userId: user.id, csrfToken, lastUsedAt: now, expiresAt: now + lifetime(user.role) }, now);
      return { token, principal: { userId: user.id, username: user.username, role: user.role, depots: user.depots, tokenHash, csrfToken } };
    },

    /** the principal behind a bearer or cookie token, or null if unknown, expired or disabled */
    authenticate(token: string | undefined): Principal | null {
      if (!token || token.length > 200) return null;
      const tokenHash = hashToken(token);
      const session = sessions.find(tokenHash);
      const now = clock.now();
      if (!session) return null;
      if (session.expiresAt <= now) {
        sessions.delete(tokenHash);
        return null;
      }
      const user = users.findById(session.userId);
      if (!user || user.disabled) return null;
      if (now - session.lastUsedAt > TOUCH_EVERY_MS) sessions.touch(tokenHash, now, now + lifetime(user.role));
      return { userId: user.id, username: user.username, role: user.role, depots: user.depots, tokenHash, csrfToken: session.csrfToken };
    },

    logout(p: Principal): void {
      sessions.delete(p.tokenHash);
    },

    async createUser(u: { username: string; password: string; role: Role; depots: string[] | null }): Promise<User> {
      return users.create({ username: u.username, passwordHash: await hasher.hash(u.password), role: u.role, depots: u.depots }, clock.now());
    },

    /**
     * On first start, create `admin` with ADMIN_PASSWORD or a random password that the caller prints
     * once. Returns the generated password, or null when nothing was generated.
     */
    async ensureFirstAdmin(password: string | undefined): Promise<{ created: boolean; generatedPassword: string | null }> {
      if (users.count() > 0) return { created: false, generatedPassword: null };
      const generated = password ? null : randomBytes(12).toString('base64url');
      await this.createUser({ username: 'admin', password: password ?? (generated as string), role: 'admin', depots: null });
      return { created: true, generatedPassword: generated };
    },

    purgeExpired: () => sessions.purgeExpired(clock.now()),
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
