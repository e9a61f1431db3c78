import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { HttpError } from './errors.js';

/**
 * REST actions (POST, PATCH, DELETE under /api) per signed-in user: 120 a minute. Far above what a
 * person clicks, low enough that a runaway script or a stolen token cannot flood the alarm store and
 * the audit log. Over budget: 429 `rate_limited` with RateLimit and Retry-After headers. Reads are
 * not counted; logins have their own throttle (login-throttle.ts).
 */
export const REST_ACTION_LIMIT = { limit: 120, windowMs: 60_000 } as const;

export function restActionLimit(opts: { limit: number; windowMs: number } = REST_ACTION_LIMIT): RequestHandler {
  return rateLimit({
    windowMs: opts.windowMs,
    limit: opts.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skip: (req) => req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS',
    // mounted after requireAuth: every counted request has a principal
    keyGenerator: (req) => `user:${req.principal?.userId ?? 'none'}`,
    handler: (_req, _res, next) => next(new HttpError(429, 'rate_limited', 'too many changes in a short time; try again in a minute')),
  });
}
