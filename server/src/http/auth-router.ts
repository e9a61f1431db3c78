import { Router, type CookieOptions } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { changePasswordRequestSchema, loginRequestSchema, type LoginResponse } from '../contracts/api.js';
import type { Logger } from '../adapters/logger.js';
import type { AuditInput } from '../ports/alarm-store.js';
import type { Clock } from '../ports/clock.js';
import { toMe, type AuthService } from '../services/auth-service.js';
import { principalOf, requireAuth, SESSION_COOKIE } from './auth-middleware.js';
import { HttpError, parseOr400 } from './errors.js';

export function createAuthRouter(deps: {
  auth: AuthService; logger: Logger; secureCookies: boolean; loginLimit?: number; clock: Clock;
  audit: (a: AuditInput) => void;
  onLogout: (tokenHash: string) => void;
  /** a password changed: the account's other sessions are gone, their sockets must go too */
  onPasswordChanged: (userId: number, keepTokenHash: string) => void;
}): Router {
  const { auth, logger } = deps;
  const router = Router();
  const cookie: CookieOptions = { httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, path: '/' };

  // Failed logins only count: 10 per 15 minutes per address and username, then 429.
  const limiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: deps.loginLimit ?? 10,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${String((req.body as { username?: unknown } | undefined)?.username ?? '').toLowerCase().slice(0, 64)}`,
    handler: (req, _res, next) => {
      deps.audit({ at: deps.clock.now(), actor: usernameOf(req.body), action: 'login.rate_limited', target: `user:${usernameOf(req.body)}`, depot: null, note: null, detail: { ip: req.ip } });
      next(new HttpError(429, 'rate_limited', 'too many failed logins, try again later'));
    },
  });

  router.post('/login', limiter, async (req, res) => {
    const body = parseOr400(loginRequestSchema, req.body);
    const result = await auth.login(body.username, body.password);
    if (!result) {
      logger.warn({ username: body.username.slice(0, 64), ip: req.ip }, 'failed login');
      deps.audit({ at: deps.clock.now(), actor: body.username.slice(0, 64), action: 'login.failed', target: `user:${body.username.slice(0, 64)}`, depot: null, note: null, detail: { ip: req.ip } });
      throw new HttpError(401, 'bad_credentials', 'wrong username or password');
    }
    logger.info({ username: result.principal.username, role: result.principal.role, ip: req.ip }, 'login');
    deps.audit({ at: deps.clock.now(), actor: result.principal.username, action: 'login', target: `user:${result.principal.username}`, depot: null, note: null, detail: { ip: req.ip, role: result.principal.role } });
    res.cookie(SESSION_COOKIE, result.token, cookie);
    const response: LoginResponse = { token: result.token, csrfToken: result.principal.csrfToken, user: toMe(result.principal) };
    res.json(response);
  });

  // the one thing an account with a password to change may do (besides /me and /logout)
  const signedIn = requireAuth(auth, { duringPasswordChange: true });
  router.post('/password', signedIn, async (req, res) => {
    const p = principalOf(req);
    const body = parseOr400(changePasswordRequestSchema, req.body);
    const changed = await auth.changePassword(p, body.currentPassword, body.newPassword);
    deps.audit({ at: deps.clock.now(), actor: p.username, action: 'user.password_changed', target: `user:${p.username}`, depot: null, note: null, detail: { ip: req.ip, required: p.mustChangePassword } });
    logger.info({ username: p.username }, 'password changed');
    deps.onPasswordChanged(p.userId, p.tokenHash);
    res.json(toMe(changed));
  });

  router.post('/logout', signedIn, (req, res) => {
    const p = principalOf(req);
    auth.logout(p);
    deps.audit({ at: deps.clock.now(), actor: p.username, action: 'logout', target: `user:${p.username}`, depot: null, note: null, detail: null });
    deps.onLogout(p.tokenHash);
    res.clearCookie(SESSION_COOKIE, cookie);
    res.status(204).end();
  });

  router.get('/me', signedIn, (req, res) => {
    res.json(toMe(principalOf(req)));
  });
  return router;
}

const usernameOf = (body: unknown) => String((body as { username?: unknown } | undefined)?.username ?? '').slice(0, 64);
