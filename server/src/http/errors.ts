import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError, type ZodType } from 'zod';
import { problemOf } from '../../../config/problems.js';
import type { ApiError } from '../contracts/api.js';
import type { Logger } from '../adapters/logger.js';
import { ActionError } from '../services/alarm-actions.js';

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly fields?: ApiError['fields'], readonly params?: ApiError['params']) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const forbidden = (message = 'not allowed for your role or depots') => new HttpError(403, 'forbidden', message);

/** Parses `value` with `schema` or throws a 400 that names every bad field. */
export function parseOr400<T>(schema: ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw badRequest(r.error);
}

function badRequest(e: ZodError): HttpError {
  const fields = e.issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message, ...problemOf(i) }));
  return new HttpError(400, 'bad_request', `invalid fields: ${fields.map((f) => f.path).join(', ')}`, fields);
}

/** One error shape for every failing call; unexpected errors are logged and answered 500 without detail. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let e: HttpError;
    if (err instanceof HttpError) e = err;
    else if (err instanceof ActionError) e = new HttpError(err.status, err.code, err.message, err.fields);
    else if (err instanceof ZodError) e = badRequest(err);
    else if (isBodyParserError(err)) e = new HttpError(err.status, err.status === 413 ? 'too_large' : 'bad_request', err.status === 413 ? 'request body too large' : 'request body is not valid JSON');
    else {
      logger.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
      e = new HttpError(500, 'internal', 'internal error');
    }
    const body: ApiError = { error: e.code, message: e.message, ...(e.fields ? { fields: e.fields } : {}), ...(e.params ? { params: e.params } : {}) };
    res.status(e.status).json(body);
  };
}

function isBodyParserError(err: unknown): err is { status: number; type: string } {
  return typeof err === 'object' && err !== null && 'type' in err && 'status' in err && typeof (err as { status: unknown }).status === 'number';
}

export const apiNotFound: RequestHandler = (req, _res, next) => next(new HttpError(404, 'not_found', `no route ${req.method} ${req.path}`));
