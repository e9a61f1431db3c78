import type { UserView } from '../contracts/alarms.js';
import type { Role } from '../contracts/api.js';
import { can, type Subject } from '../domain/permissions.js';
import type { AuditInput } from '../ports/alarm-store.js';
import type { Clock } from '../ports/clock.js';
import type { SessionRepo, UserRepo } from '../ports/users.js';
import { ActionError } from './alarm-actions.js';
import type { PasswordHasher } from './auth-service.js';

/**
 * Users, roles and depot scopes (SPEC §7), admin only. A change to someone's role, scope, password or
 * account ends their sessions and live sockets, so nobody keeps rights they no longer have.
 */
export function createUserAdmin(deps: {
  users: UserRepo; sessions: SessionRepo; hasher: PasswordHasher; clock: Clock;
  audit: (a: AuditInput) => void;
  knownDepot: (id: string) => boolean;
  dropSockets: (userId: number) => void;
}) {
  const { users, clock } = deps;
  const allow = (p: Subject & { username: string }) => {
    if (!can(p, 'users')) throw new ActionError(403, 'forbidden', 'only an administrator manages users');
  };
  const checkDepots = (role: Role, depots: string[] | null | undefined) => {
    if (role === 'guard' && (!depots || depots.length === 0)) throw new ActionError(400, 'bad_request', 'a guard needs at least one depot');
    const unknown = (depots ?? []).filter((d) => !deps.knownDepot(d));
    if (unknown.length) throw new ActionError(400, 'bad_request', `unknown depots: ${unknown.join(', ')}`);
  };
  const view = (id: number): UserView => {
    const u = users.list().find((x) => x.id === id);
    if (!u) throw new ActionError(404, 'not_found', `user ${id} not found`);
    return u;
  };

  return {
    list(p: Subject & { username: string }): UserView[] {
      allow(p);
      return users.list();
    },
    async create(p: Subject & { username: string }, req: { username: string; password: string; role: Role; depots?: string[] | null | undefined }): Promise<UserView> {
      allow(p);
      const depots = req.role === 'guard' || req.role === 'display' ? (req.depots ?? null) : null;
      checkDepots(req.role, depots);
      if (users.findByUsername(req.username)) throw new ActionError(409, 'exists', `user ${req.username} already exists`);
      const created = users.create({ username: req.username, passwordHash: await deps.hasher.hash(req.password), role: req.role, depots }, clock.now());
      deps.audit({ at: clock.now(), actor: p.username, action: 'user.create', target: `user:${created.username}`, depot: null, note: null, detail: { role: created.role, depots } });
      return view(created.id);
    },
    async update(p: Subject & { username: string; userId: number }, id: number, req: { password?: string | undefined; role?: Role | undefined; depots?: string[] | null | undefined; disabled?: boolean | undefined }): Promise<UserView> {
      allow(p);
      const before = users.findById(id);
      if (!before) throw new ActionError(404, 'not_found', `user ${id} not found`);
      if (id === p.userId && (req.disabled || (req.role && req.role !== 'admin'))) throw new ActionError(409, 'self', 'you cannot demote or disable your own account');
      const role = req.role ?? before.role;
      const depots = req.depots !== undefined ? req.depots : before.depots;
      checkDepots(role, depots);
      const changes = {
        ...(req.password ? { passwordHash: await deps.hasher.hash(req.password) } : {}),
        ...(req.role ? { role: req.role } : {}),
        ...(req.depots !== undefined ? { depots: req.depots } : {}),
        ...(req.disabled !== undefined ? { disabled: req.disabled } : {}),
      };
      users.update(id, changes, clock.now());
      deps.sessions.deleteForUser(id);
      deps.dropSockets(id);
      deps.audit({
        at: clock.now(), actor: p.username, action: 'user.update', target: `user:${before.username}`, depot: null, note: null,
        detail: { role: req.role, depots: req.depots, disabled: req.disabled, passwordChanged: req.password !== undefined },
      });
      return view(id);
    },
  };
}
export type UserAdmin = ReturnType<typeof createUserAdmin>;
