/**
 * What changed between two configuration versions, as a list an engineer can read: one entry per
 * value added, removed or changed, at a file-less path such as `depots[K101].sensors[A-T1].intervalS`.
 * Lists of records with an `id` (or, for collector accounts, a `depot`; for the edge's points and cameras,
 * `sensor` and `camera`; for its devices, a `host` when no two share one) are matched by that key, so
 * removing one sensor is one entry, not a shift of every sensor after it. Pure.
 */
export interface ConfigChange {
  op: 'add' | 'remove' | 'change';
  path: string;
  from?: unknown;
  to?: unknown;
}

type Json = unknown;
const isRecord = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** the identifying field of a list's records, tried in this order: edge device lists name a sensor, a camera or a host */
const KEYS = ['id', 'depot', 'sensor', 'camera', 'host'] as const;

/** whether `k` identifies every element of `list`: present, a string, unique */
function keyedBy(list: readonly Json[], k: string): boolean {
  const seen = new Set<string>();
  return list.every((v) => {
    if (!isRecord(v) || typeof v[k] !== 'string' || seen.has(v[k])) return false;
    seen.add(v[k]);
    return true;
  });
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

export function diffConfig(before: Json, after: Json): ConfigChange[] {
  const out: ConfigChange[] = [];
  walk(before, after, '', out);
  return out;
}

function walk(a: Json, b: Json, path: string, out: ConfigChange[]): void {
  if (a === b) return; // equal primitives, or the same (frozen) object: nothing below can differ
  if (isRecord(a) && isRecord(b)) {
    for (const k of Object.keys(a)) {
      if (!(k in b)) out.push({ op: 'remove', path: join(path, k), from: a[k] });
      else walk(a[k], b[k], join(path, k), out);
    }
    for (const k of Object.keys(b)) if (!(k in a)) out.push({ op: 'add', path: join(path, k), to: b[k] });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const key = KEYS.find((k) => keyedBy(a, k) && keyedBy(b, k));
    if (key) {
      const byKey = (list: Json[]) => new Map(list.map((v) => [String((v as Record<string, Json>)[key]), v]));
      const am = byKey(a);
      const bm = byKey(b);
      for (const [k, v] of am) {
        const p = `${path}[${k}]`;
        if (!bm.has(k)) out.push({ op: 'remove', path: p, from: v });
        else walk(v, bm.get(k), p, out);
      }
      for (const [k, v] of bm) if (!am.has(k)) out.push({ op: 'add', path: `${path}[${k}]`, to: v });
      return;
    }
    // plain lists (door schedules, zone types) are values: any difference replaces the whole list
    if (a.length !== b.length || a.some((v, i) => !sameJson(v, b[i]))) out.push({ op: 'change', path, from: a, to: b });
    return;
  }
  // different primitives, or a value whose type changed
  out.push({ op: 'change', path, from: a, to: b });
}

/** JSON with object keys sorted at every level: equal configurations give equal text (and hash) */
export function canonicalJson(v: Json): string {
  return JSON.stringify(v, (_k, value: Json) =>
    isRecord(value) ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, value[k]])) : value);
}

const sameJson = (a: Json, b: Json) => canonicalJson(a) === canonicalJson(b);
