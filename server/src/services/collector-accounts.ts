import type { CollectorAccount, SiteConfig } from '../../../config/schema.js';
import type { ConfigChangeResult } from '../contracts/config.js';
import { passwordProblem } from '../domain/password-policy.js';
import type { AuditInput } from '../ports/alarm-store.js';
import type { Clock } from '../ports/clock.js';
import type { PasswordHasher } from './auth-service.js';
import type { ConfigService } from './config-service.js';

/** a password refused by the policy, or a depot the configuration does not have: 400 / 404 */
export class CollectorAccountError extends Error {
  constructor(readonly status: 400 | 404, readonly fields: { path: string; message: string }[], message: string) { super(message); }
}

/**
 * The depots' collector accounts on the embedded broker (SPEC §7, issue 8). The board sends a new
 * password; only its argon2id hash is stored, as the next configuration version, and the broker checks
 * logins against the running version, so the new password works and the old one stops at once, without a
 * restart. Removing or disabling an account is an ordinary configuration change (PUT with masked hashes).
 */
export function createCollectorAccounts(deps: {
  config: ConfigService; hasher: PasswordHasher; clock: Clock; audit: (entries: AuditInput[]) => void;
}) {
  const { config } = deps;
  return {
    /** creates the depot's account or gives it a new password (and enables it); based on version `base` */
    async setPassword(depot: string, password: string, v: { base: number | undefined; author: string; comment: string }): Promise<ConfigChangeResult & { created: boolean }> {
      const site = config.current().site;
      if (!site.depots.some((d) => d.id === depot)) throw new CollectorAccountError(404, [], `no depot ${depot}`);
      const problem = passwordProblem(password, depot);
      if (problem) throw new CollectorAccountError(400, [{ path: 'password', message: problem.message }], `invalid fields: password`);
      const passwordHash = await deps.hasher.hash(password);
      // hashing takes a while: the change goes onto whatever runs now, and `base` still guards against a lost edit
      const now = config.current().site;
      const created = !now.collectors.some((c) => c.depot === depot);
      const next: SiteConfig = { ...now, collectors: withAccount(now.collectors, { depot, passwordHash }) };
      const comment = v.comment || (created ? `collector account for depot ${depot} created` : `collector password of depot ${depot} rotated`);
      const r = config.put(next, { base: v.base, author: v.author, comment });
      deps.audit([{
        at: deps.clock.now(), actor: v.author, action: created ? 'collector.account_create' : 'collector.password_rotate', target: `collector:${depot}`, depot,
        note: comment, detail: { version: r.version.n },
      }]);
      return { ...r, created };
    },
  };
}
export type CollectorAccounts = ReturnType<typeof createCollectorAccounts>;

function withAccount(list: readonly CollectorAccount[], account: CollectorAccount): CollectorAccount[] {
  const i = list.findIndex((c) => c.depot === account.depot);
  if (i < 0) return [...list, account];
  // a new password re-enables a disabled account: that is what an engineer rotating it wants
  return list.map((c, j) => (j === i ? { depot: c.depot, passwordHash: account.passwordHash } : c));
}
