import type { HandoverReport, IncidentView } from '../types.js';
import type { EchelonNodeView } from '../../../../server/src/contracts/echelons.js';
import { lastAck } from './guard.js';

/** The shift handover report: the range a shift covers by default, and the form's date-time fields. */
export const SHIFT_MS = 12 * 3_600_000;

export function defaultHandoverRange(now: number): { from: number; to: number } {
  return { from: now - SHIFT_MS, to: now };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** epoch ms → the value of an <input type="datetime-local"> in the browser's time zone */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** the reverse; null for an empty or malformed field */
export function fromLocalInput(v: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(v);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  return Number.isNaN(d.getTime()) ? null : d.getTime();
}

/**
 * The range the two fields mean, for the server (which wants from < to, `to` exclusive). The fields
 * show whole minutes, so "to 14:37" includes all of 14:37: otherwise the default range (to = now)
 * would cut off what happened in the current minute — often the very incident being handed over.
 */
export function rangeFromInputs(fromText: string, toText: string): { from: number; to: number } | null {
  const from = fromLocalInput(fromText);
  const to = fromLocalInput(toText);
  if (from === null || to === null) return null;
  const end = to + 60_000;
  return from < end ? { from, to: end } : null;
}

/** one line per incident for the report's table: who acknowledged it, with which note */
export interface HandoverRow { incident: IncidentView; ackBy: string | null; ackAt: number | null; ackNote: string | null; notes: number }

export function handoverRows(r: HandoverReport): HandoverRow[] {
  return r.incidents.map((i) => {
    const ack = lastAck(i);
    return { incident: i, ackBy: ack?.actor ?? null, ackAt: ack?.at ?? null, ackNote: ack?.note?.trim() || null, notes: i.timeline.filter((t) => t.type === 'note').length };
  }).sort((a, b) => a.incident.openedAt - b.incident.openedAt);
}

/** the file name the CSV is saved under: the server's own (Content-Disposition) when given */
export function csvFileName(disposition: string | null, from: number): string {
  const m = disposition ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition) : null;
  return m?.[1] ?? `handover-${new Date(from).toISOString().slice(0, 16).replace(/:/g, '')}.csv`;
}

/** one group of the report: the echelon path of a place (region › unit …) and its incidents, in tree order */
export interface HandoverGroup { key: string; path: { id: string; name: string; nameEn?: string }[]; rows: HandoverRow[] }

/**
 * The report's incidents grouped by the place their depot sits in the echelon tree (GET /api/echelons),
 * groups in tree order, rows in each as handoverRows ordered them. A depot the tree does not hold (removed
 * since) falls into one last group with an empty path.
 */
export function groupByEchelon(rows: readonly HandoverRow[], roots: readonly EchelonNodeView[]): HandoverGroup[] {
  const placeOf = new Map<string, { order: number; path: HandoverGroup['path'] }>();
  let order = 0;
  const walk = (n: EchelonNodeView, above: HandoverGroup['path']) => {
    const path = [...above, { id: n.id, name: n.name, ...(n.nameEn !== undefined ? { nameEn: n.nameEn } : {}) }];
    const here = { order: order++, path };
    for (const d of n.depots) placeOf.set(d, here);
    n.children.forEach((c) => walk(c, path));
  };
  roots.forEach((r) => walk(r, []));
  const groups = new Map<string, HandoverGroup & { order: number }>();
  for (const r of rows) {
    const place = placeOf.get(r.incident.depot);
    const key = place ? place.path.map((p) => p.id).join('/') : '';
    let g = groups.get(key);
    if (!g) { g = { key, path: place?.path ?? [], rows: [], order: place?.order ?? Number.MAX_SAFE_INTEGER }; groups.set(key, g); }
    g.rows.push(r);
  }
  return [...groups.values()].sort((a, b) => a.order - b.order).map(({ key, path, rows: rs }) => ({ key, path, rows: rs }));
}
