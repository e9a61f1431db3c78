import { Router, type CookieOptions, type Request, type Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { changePasswordRequestSchema, loginRequestSchema, type LoginResponse } from '../contracts/api.js';
import type { Logger } from '../adapters/logger.js';
import type { AuditInput } from '../ports/alarm-store.js';
import type { Clock } from '../ports/clock.js';
import { toMe, type AuthService } from '../services/auth-service.js';
import type { LoginAttempt, LoginThrottle } from '../services/login-throttle.js';
import { ActionError } from '../services/alarm-actions.js';
import { principalOf, requireAuth, SESSION_COOKIE } from './auth-middleware.js';
import { HttpError, parseOr400 } from './errors.js';

export function createAuthRouter(deps: {
  auth: AuthService; logger: Logger; secureCookies: boolean; clock: Clock;
  throttle: LoginThrottle;
  audit: (a: AuditInput) => void;
  onLogout: (tokenHash: string) => void;
  /** a password changed: the account's other sessions are gone, their sockets must go too */
  onPasswordChanged: (userId: number, keepTokenHash: string) => void;
}): Router {
  const { auth, logger } = deps;
  const router = Router();
  const cookie: CookieOptions = { httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, path: '/' };

  const refuse = (req: Request, res: Response, account: string, verdict: Extract<LoginAttempt, { allowed: false }>): never => {
    // one audit row and one log line when a window first shuts, then silence: a flood writes nothing
    if (verdict.firstRefusal) {
      const detail = { ip: req.ip, scope: verdict.scope, retryAfterS: Math.ceil(verdict.retryAfterMs / 1000) };
      deps.audit({ at: deps.clock.now(), actor: account, action: 'login.rate_limited', target: `user:${account}`, depot: null, note: null, detail });
      logger.warn({ username: account, ...detail }, 'login throttled');
    }
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(verdict.retryAfterMs / 1000))));
    throw new HttpError(429, 'rate_limited', 'too many failed logins, try again later');
  };
  const addressOf = (req: Request) => ipKeyGenerator(req.ip ?? '');

  router.post('/login', async (req, res) => {
    const body = parseOr400(loginRequestSchema, req.body);
    const account = body.username.toLowerCase();
    const attempt = await deps.throttle.attempt(account, addressOf(req));
    if (!attempt.allowed) refuse(req, res, account, attempt);
    const result = await auth.login(body.username, body.password);
    if (!result) {
      logger.warn({ username: body.username, ip: req.ip }, 'failed login');
      deps.audit({ at: deps.clock.now(), actor: body.username, action: 'login.failed', target: `user:${body.username}`, depot: null, note: null, detail: { ip: req.ip } });
      throw new HttpError(401, 'bad_credentials', 'wrong username or password');
    }
    if (attempt.allowed) await attempt.succeeded();
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
    // the current password is a login in disguise: a stolen session must not guess it unthrottled
    const account = p.username.toLowerCase();
    const attempt = await deps.throttle.attempt(account, addressOf(req));
    if (!attempt.allowed) refuse(req, res, account, attempt);
    let changed;
    try {
      changed = await auth.changePassword(p, body.currentPassword, body.newPassword);
    } catch (err) {
      if (!(err instanceof ActionError && err.code === 'wrong_password') && attempt.allowed) await attempt.succeeded();
      throw err;
    }
    if (attempt.allowed) await attempt.succeeded();
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
