/**
 * Reads a camera's or NVR's own JSON status with a path from the configuration. Pure.
 * Paths are dotted keys with optional list indexes: `status.tamper`, `channels[0].recording`, `disk.free_pct`.
 */

export function getPath(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const seg of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(seg);
    if (!m) return undefined;
    if (m[1]) {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
      cur = (cur as Record<string, unknown>)[m[1]];
    }
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[Number(idx[1])];
    }
  }
  return cur;
}

/** A status flag: a path whose value is boolean-like, or a path and the value that means "true". */
export type FlagRef = string | { path: string; equals: string | number | boolean };

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1', 'active', 'alarm']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0', 'inactive', 'normal', 'none']);

/** true / false, or undefined when the document does not say (missing, or a value we cannot read as a flag) */
export function readFlag(doc: unknown, ref: FlagRef): boolean | undefined {
  const path = typeof ref === 'string' ? ref : ref.path;
  const v = getPath(doc, path);
  if (v === undefined || v === null) return undefined;
  if (typeof ref !== 'string') return String(v).toLowerCase() === String(ref.equals).toLowerCase();
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 0 ? false : v === 1 ? true : undefined;
  if (typeof v === 'string') {
    const w = v.trim().toLowerCase();
    return TRUE_WORDS.has(w) ? true : FALSE_WORDS.has(w) ? false : undefined;
  }
  return undefined;
}

/** a percentage 0–100, or undefined */
export function readPercent(doc: unknown, path: string): number | undefined {
  const v = getPath(doc, path);
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 && n <= 100 ? n : undefined;
}
