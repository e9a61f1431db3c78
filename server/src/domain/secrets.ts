/**
 * Collector password hashes never leave the server (issue 8): every configuration the board or an export
 * receives carries `HASH_MASK` where a hash was, and a configuration sent back with the mask keeps the
 * hash stored for that depot. The mask passes the schema's argon2id pattern on purpose, so the board
 * validates a masked configuration with the server's own schema; it verifies no password, so a mask that
 * somehow got stored would lock the collector out rather than let anyone in. Pure.
 */
export const HASH_MASK = '$argon2id$hidden';

const SECRET_KEYS = new Set(['passwordHash']);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `value` with every string under a `passwordHash` key replaced by the mask, and the `from`/`to` of a
 * configuration diff entry whose path ends in `passwordHash` too (config-diff.ts). Shares whatever holds
 * no secret, so a large answer without one is returned as it is.
 */
export function maskSecrets<T>(value: T): T {
  return mask(value, false) as T;
}

function mask(v: unknown, secret: boolean): unknown {
  if (secret) return typeof v === 'string' ? HASH_MASK : mask(v, false);
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    v.forEach((x, i) => {
      const m = mask(x, false);
      if (m !== x) (out ??= [...v])[i] = m;
    });
    return out ?? v;
  }
  if (!isRecord(v)) return v;
  const diffOfSecret = typeof v.path === 'string' && typeof v.op === 'string' && /(^|\.)passwordHash$/.test(v.path);
  let out: Record<string, unknown> | undefined;
  for (const [k, x] of Object.entries(v)) {
    const m = mask(x, SECRET_KEYS.has(k) || (diffOfSecret && (k === 'from' || k === 'to')));
    if (m !== x) (out ??= { ...v })[k] = m;
  }
  return out ?? v;
}

/** `code` and `params` for the board to phrase (config/problems.ts) */
export interface MaskProblem { path: (string | number)[]; message: string; code: 'no_stored_password'; params: { depot: string } }

/**
 * A configuration coming in (PUT /api/config, config/*.yaml): each collector account whose hash is the
 * mask gets the hash `stored` holds for its depot. A mask with no stored account behind it is a problem at
 * its path (a new account needs a password: POST /api/collectors/accounts/{depot}/password).
 */
export function unmaskCollectorHashes(input: unknown, stored: readonly { depot: string; passwordHash: string }[]): { value: unknown; problems: MaskProblem[] } {
  if (!isRecord(input) || !Array.isArray(input.collectors)) return { value: input, problems: [] };
  const problems: MaskProblem[] = [];
  const byDepot = new Map(stored.map((c) => [c.depot, c.passwordHash]));
  const collectors = input.collectors.map((c: unknown, i) => {
    if (!isRecord(c) || c.passwordHash !== HASH_MASK) return c;
    const hash = typeof c.depot === 'string' ? byDepot.get(c.depot) : undefined;
    if (hash === undefined || hash === HASH_MASK) {
      problems.push({
        path: ['collectors', i, 'passwordHash'], message: `no stored password for depot "${String(c.depot)}" to keep: set one for this account`,
        code: 'no_stored_password', params: { depot: String(c.depot) },
      });
      return c;
    }
    return { ...c, passwordHash: hash };
  });
  return { value: { ...input, collectors }, problems };
}

/** depots whose broker login changed between two versions: a new hash, disabled, or the account removed */
export function changedAccounts(before: readonly { depot: string; passwordHash: string; disabled?: boolean | undefined }[], after: readonly { depot: string; passwordHash: string; disabled?: boolean | undefined }[]): string[] {
  const now = new Map(after.map((c) => [c.depot, c]));
  return before.filter((c) => {
    const n = now.get(c.depot);
    return !c.disabled && (!n || n.disabled === true || n.passwordHash !== c.passwordHash);
  }).map((c) => c.depot);
}
