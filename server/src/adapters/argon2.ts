import { hash, verify } from '@node-rs/argon2';

// @node-rs/argon2 exports Algorithm as a const enum, unusable under verbatimModuleSyntax: 2 is Argon2id.
const ARGON2ID = 2;
import type { PasswordHasher } from '../services/auth-service.js';

/** argon2id with the OWASP-recommended minimum (19 MiB, 2 passes). */
export const argon2Hasher: PasswordHasher = {
  hash: (password) => hash(password, { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 }),
  verify: (stored, password) => verify(stored, password).catch(() => false),
};
