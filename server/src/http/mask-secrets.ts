import type { RequestHandler } from 'express';
import { maskSecrets } from '../domain/secrets.js';

/**
 * The last guard for collector password hashes (domain/secrets.ts): every JSON answer of the API goes
 * out with them masked, whichever route built it (the running configuration, a version, its diff, the
 * result of a change, an approved device). Routes that send YAML mask before they stringify.
 */
export function maskSecretsInJson(): RequestHandler {
  return (_req, res, next) => {
    const json = res.json.bind(res);
    res.json = (body: unknown) => json(maskSecrets(body));
    next();
  };
}
