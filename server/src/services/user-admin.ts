import type { DepotScope, UserView } from '../contracts/alarms.js';
import type { Role } from '../contracts/api.js';
import { resolveScope, scopeView, SEES_ALL } from '../domain/depot-scope.js';
import { can, type Subject } from '../domain/permissions.js';
import type { AuditInput } from '../ports/alarm-store.js';
import type { Clock } from '../ports/clock.js';
import type { SessionRepo, UserRepo } from '../ports/users.js';
import { ActionError } from './alarm-actions.js';
import { checkPassword, type PasswordHasher } from './auth-service.js';

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
  /** the one scope rule (domain/depot-scope.ts), then every listed depot must exist; a 400 names `depots` */
  const scopeFor = (role: Role, requested: DepotScope | null | undefined): string[] | null => {
    const r = resolveScope(role, requested);
    if (!r.ok) throw new ActionError(400, 'bad_request', `invalid fields: depots`, [{ path: 'depots', message: r.message }]);
    const unknown = (r.depots ?? []).filter((d) => !deps.knownDepot(d));
    if (unknown.length) throw new ActionError(400, 'bad_request', `unknown depots or units: ${unknown.join(', ')}`, [{ path: 'depots', message: `unknown depots or units: ${unknown.join(', ')}` }]);
    return r.depots;
  };
  const toView = (u: ReturnType<UserRepo['list']>[number]): UserView => ({ ...u, depots: scopeView(u.role, u.depots) });
  const view = (id: number): UserView => {
    const u = users.list().find((x) => x.id === id);
    if (!u) throw new ActionError(404, 'not_found', `user ${id} not found`);
    return toView(u);
  };

  return {
    list(p: Subject & { username: string }): UserView[] {
      allow(p);
      return users.list().map(toView);
    },
    async create(p: Subject & { username: string }, req: { username: string; password: string; role: Role; depots?: DepotScope | null | undefined; mustChangePassword?: boolean | undefined }): Promise<UserView> {
      allow(p);
      const depots = scopeFor(req.role, req.depots);
      checkPassword(req.password, req.username);
      if (users.findByUsername(req.username)) throw new ActionError(409, 'exists', `user ${req.username} already exists`);
      // the admin knows the password they typed: by default its owner replaces it at first login
      const mustChangePassword = req.mustChangePassword ?? true;
      const created = users.create({ username: req.username, passwordHash: await deps.hasher.hash(req.password), role: req.role, depots, mustChangePassword }, clock.now());
      deps.audit({ at: clock.now(), actor: p.username, action: 'user.create', target: `user:${created.username}`, depot: null, note: null, detail: { role: created.role, depots, mustChangePassword } });
      return view(created.id);
    },
    async update(p: Subject & { username: string; userId: number }, id: number, req: { password?: string | undefined; role?: Role | undefined; depots?: DepotScope | null | undefined; disabled?: boolean | undefined; mustChangePassword?: boolean | undefined }): Promise<UserView> {
      allow(p);
      const before = users.findById(id);
      if (!before) throw new ActionError(404, 'not_found', `user ${id} not found`);
      if (id === p.userId && (req.disabled || (req.role && req.role !== 'admin'))) throw new ActionError(409, 'self', 'you cannot demote or disable your own account');
      const role = req.role ?? before.role;
      // the scope is checked when it or the role changes (a password change leaves an old row as it is);
      // a new role without new depots keeps the old list where it still means something (guard ↔ display)
      // and drops it for a role that sees every depot
      const rescoped = req.depots !== undefined || req.role !== undefined;
      const requested = req.depots !== undefined ? req.depots : SEES_ALL.has(role) ? undefined : (before.depots ?? undefined);
      const depots = rescoped ? scopeFor(role, requested) : before.depots;
      if (req.password !== undefined) checkPassword(req.password, before.username);
      // a reset by an admin is changed by its owner at the next login, unless the admin says otherwise
      const mustChangePassword = req.mustChangePassword ?? (req.password !== undefined && id !== p.userId ? true : undefined);
      const changes = {
        ...(req.password ? { passwordHash: await deps.hasher.hash(req.password) } : {}),
        ...(mustChangePassword !== undefined ? { mustChangePassword } : {}),
        ...(req.role ? { role: req.role } : {}),
        ...(rescoped ? { depots } : {}),
        ...(req.disabled !== undefined ? { disabled: req.disabled } : {}),
      };
      users.update(id, changes, clock.now());
      deps.sessions.deleteForUser(id);
      deps.dropSockets(id);
      deps.audit({
        at: clock.now(), actor: p.username, action: 'user.update', target: `user:${before.username}`, depot: null, note: null,
        detail: { role: req.role, depots: req.depots, disabled: req.disabled, passwordChanged: req.password !== undefined, mustChangePassword },
      });
      return view(id);
    },
  };
}
export type UserAdmin = ReturnType<typeof createUserAdmin>;
