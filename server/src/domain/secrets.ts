import { EDGE_SECRET_MASK } from '../contracts/edge-devices.js';
import { maskUrlPassword } from './edge-secrets.js';

/**
 * Collector password hashes never leave the server (issue 8): every configuration the board or an export
 * receives carries `HASH_MASK` where a hash was, and a configuration sent back with the mask keeps the
 * hash stored for that depot. The mask passes the schema's argon2id pattern on purpose, so the board
 * validates a masked configuration with the server's own schema; it verifies no password, so a mask that
 * somehow got stored would lock the collector out rather than let anyone in. Pure.
 *
 * The edge's credentials the same way (`depots[].edge`): an SNMP `community`, an SNMPv3 `authKey`/`privKey`
 * become `EDGE_SECRET_MASK`, and the password of a URL under `rtsp`, `snapshot` or `url` (a camera's stream,
 * picture or status document, which may embed `user:pass@`) becomes the mask inside the URL; the rest of the
 * URL stays readable. edge-secrets.ts puts the stored values back. The retained `collector/config` the centre
 * publishes is built from the running site, never from a masked answer, so the edge gets the real values.
 */
export const HASH_MASK = '$argon2id$hidden';
export { EDGE_SECRET_MASK };

const SECRET_KEYS = new Set(['passwordHash']);
const EDGE_SECRET_KEYS = new Set(['community', 'authKey', 'privKey']);
const URL_KEYS = new Set(['rtsp', 'snapshot', 'url']);
type Secret = 'hash' | 'edge' | 'url' | undefined;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const kindOfKey = (k: string): Secret => (SECRET_KEYS.has(k) ? 'hash' : EDGE_SECRET_KEYS.has(k) ? 'edge' : URL_KEYS.has(k) ? 'url' : undefined);

/**
 * `value` with every string under a `passwordHash` key replaced by the mask (and under an edge secret's key by
 * the edge mask, a URL's password by it), and the `from`/`to` of a configuration diff entry whose path ends in
 * one of those keys too (config-diff.ts). Shares whatever holds no secret, so a large answer without one is
 * returned as it is.
 */
export function maskSecrets<T>(value: T): T {
  return mask(value, undefined) as T;
}

function mask(v: unknown, secret: Secret): unknown {
  if (secret && typeof v === 'string') return secret === 'hash' ? HASH_MASK : secret === 'edge' ? EDGE_SECRET_MASK : maskUrlPassword(v);
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    v.forEach((x, i) => {
      const m = mask(x, undefined);
      if (m !== x) (out ??= [...v])[i] = m;
    });
    return out ?? v;
  }
  if (!isRecord(v)) return v;
  if (isVersionMeta(v)) {
    // A version's digest is SHA-256 of the whole configuration, secrets included: with everything else in
    // view, a weak SNMP community could be guessed offline against it. The board never needs it.
    const { hash: _digest, ...rest } = v;
    return mask(rest, undefined);
  }
  // a diff entry about a secret: `…passwordHash`, `…snmp[10.0.0.9].community`, `…cameras[C1].rtsp`
  const diffOf = typeof v.path === 'string' && typeof v.op === 'string' ? kindOfKey(/(?:^|\.)(\w+)$/.exec(v.path)?.[1] ?? '') : undefined;
  let out: Record<string, unknown> | undefined;
  for (const [k, x] of Object.entries(v)) {
    const m = mask(x, kindOfKey(k) ?? (k === 'from' || k === 'to' ? diffOf : undefined));
    if (m !== x) (out ??= { ...v })[k] = m;
  }
  return out ?? v;
}

/** a configuration version's metadata (ports/config-store.ts ConfigVersionMeta), as the config routes send it */
function isVersionMeta(v: Record<string, unknown>): boolean {
  return typeof v.n === 'number' && typeof v.hash === 'string' && typeof v.author === 'string'
    && (v.source === 'provisioned' || v.source === 'api' || v.source === 'rollback');
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
