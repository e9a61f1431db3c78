/**
 * Which stored snapshots go (SNAPSHOT_RETENTION_DAYS, SNAPSHOT_MAX_BYTES). Pure: rows and the time in, ids out.
 *
 *   1. every snapshot older than the age limit goes, oldest first;
 *   2. while the rest take more than the byte cap, the oldest goes next;
 *   3. a snapshot attached to an incident that is not closed stays, whatever its age and the cap: it is the
 *      evidence someone is still working with (it goes at the first pass after the incident closes).
 *
 * The cap can therefore be exceeded by kept pictures alone; `overCapBy` says by how much, for the log.
 */
export interface RetentionRow { id: number; ts: number; bytes: number }
export interface RetentionPolicy { maxAgeMs: number; maxBytes: number }

export function chooseExpired(rows: readonly RetentionRow[], now: number, policy: RetentionPolicy, keep: ReadonlySet<number>): { remove: number[]; overCapBy: number } {
  const oldestFirst = [...rows].sort((a, b) => a.ts - b.ts || a.id - b.id);
  const cutoff = now - policy.maxAgeMs;
  const remove: number[] = [];
  let total = 0;
  const left: RetentionRow[] = [];
  for (const r of oldestFirst) {
    if (r.ts < cutoff && !keep.has(r.id)) remove.push(r.id);
    else {
      left.push(r);
      total += r.bytes;
    }
  }
  for (const r of left) {
    if (total <= policy.maxBytes) break;
    if (keep.has(r.id)) continue;
    remove.push(r.id);
    total -= r.bytes;
  }
  return { remove, overCapBy: Math.max(0, total - policy.maxBytes) };
}
