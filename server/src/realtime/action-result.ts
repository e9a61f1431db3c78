import { ZodError } from 'zod';
import type { ActionResult } from '../contracts/alarms.js';
import type { Logger } from '../adapters/logger.js';
import { ActionError } from '../services/alarm-actions.js';

/** Runs a use case for a Socket.IO action and turns its outcome into the typed ack payload. */
export function toActionResult<T>(f: () => T, logger: Logger): ActionResult<T> {
  try {
    return { ok: true, data: f() };
  } catch (err) {
    if (err instanceof ActionError) return { ok: false, status: err.status, error: err.code, message: err.message };
    if (err instanceof ZodError) {
      return { ok: false, status: 400, error: 'bad_request', message: `invalid fields: ${err.issues.map((i) => i.path.join('.') || '(payload)').join(', ')}` };
    }
    logger.error({ err }, 'socket action failed');
    return { ok: false, status: 500, error: 'internal', message: 'internal error' };
  }
}
