import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role } from '../contracts/api.js';
import type { AuthService, Principal } from '../services/auth-service.js';
import { forbidden, HttpError } from './errors.js';

export const SESSION_COOKIE = 'dw_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** bearer header first (API tools, the board), then the session cookie */
export function tokenFrom(req: Pick<Request, 'headers'> & { cookies?: Record<string, string> }): { token?: string; viaCookie: boolean } {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return { token: header.slice(7).trim(), viaCookie: false };
  const cookie = req.cookies?.[SESSION_COOKIE];
  return cookie ? { token: cookie, viaCookie: true } : { viaCookie: false };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every /api route except login: a valid session or 401. A state-changing request that relies on the
 * cookie must also carry the session's CSRF token in X-CSRF-Token; bearer requests cannot be forged
 * by another site, so they need none. An account that must change its password gets 403
 * `password_change_required` everywhere but the routes mounted with `duringPasswordChange`
 * (POST /api/auth/password, GET /api/auth/me, POST /api/auth/logout).
 */
export function requireAuth(auth: AuthService, opts: { duringPasswordChange?: boolean } = {}): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const { token, viaCookie } = tokenFrom(req);
    const principal = auth.authenticate(token);
    if (!principal) return next(new HttpError(401, 'unauthorized', 'log in first'));
    if (viaCookie && !SAFE_METHODS.has(req.method) && req.get(CSRF_HEADER) !== principal.csrfToken) {
      return next(new HttpError(403, 'csrf', 'missing or wrong X-CSRF-Token for a cookie session'));
    }
    if (principal.mustChangePassword && !opts.duringPasswordChange) {
      return next(new HttpError(403, 'password_change_required', 'change your password first (POST /api/auth/password)'));
    }
    req.principal = principal;
    next();
  };
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => next(req.principal && roles.includes(req.principal.role) ? undefined : forbidden());
}

/** narrows `req.principal` for handlers mounted after requireAuth */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw new HttpError(401, 'unauthorized', 'log in first');
  return req.principal;
}
