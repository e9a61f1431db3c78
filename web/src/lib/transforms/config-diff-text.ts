import type { ConfigChange } from '../types.js';

/**
 * A configuration change in words an engineer reads at a glance: "cảm biến A-T1 · ngưỡng cao 30 → 32"
 * from `depots[K101].sensors[A-T1].high`. Pure: the words come from `word` (the tab's dictionary), so
 * the same function speaks Vietnamese and English. Unknown collections and fields keep their own name.
 */
export type Words = (key: string) => string | undefined;

interface Segment { name: string; key?: string }

export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  for (const m of path.matchAll(/([^.[\]]+)(?:\[([^\]]*)\])?/g)) {
    const seg: Segment = { name: m[1] ?? '' };
    if (m[2] !== undefined) seg.key = m[2];
    out.push(seg);
  }
  return out;
}

function value(v: unknown): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) return v.join(', ');
  if (typeof v === 'object' && 'id' in v && typeof (v as { id: unknown }).id === 'string') return (v as { id: string }).id;
  return '{…}';
}

/** the thing changed ("cảm biến A-T1", "quy tắc ngưỡng ammo-temp-high", "kho K101") and the field within it */
export function changeParts(c: ConfigChange, word: Words): { subject: string; field: string } {
  const segs = parsePath(c.path);
  let last = -1;
  segs.forEach((s, i) => { if (s.key !== undefined) last = i; });
  const keyed = last >= 0 ? segs[last] : undefined;
  const subject = keyed ? `${word(`versions.what.${keyed.name}`) ?? keyed.name} ${keyed.key ?? ''}`.trim() : '';
  const rest = segs.slice(last + 1).map((s) => s.name);
  const field = rest.map((f) => word(`versions.field.${f}`) ?? f).join(' ');
  return { subject: subject || (word(`versions.what.${segs[0]?.name ?? ''}`) ?? segs[0]?.name ?? ''), field: subject ? field : rest.slice(1).map((f) => word(`versions.field.${f}`) ?? f).join(' ') };
}

export function changeText(c: ConfigChange, word: Words): string {
  const { subject, field } = changeParts(c, word);
  const what = field ? `${subject} · ${field}` : subject;
  switch (c.op) {
    case 'change': return `${what} ${value(c.from)} → ${value(c.to)}`;
    case 'add': return field ? `${what} ${word('versions.op.set') ?? '='} ${value(c.to)}` : `${word('versions.op.add') ?? '+'} ${what}`;
    case 'remove': return field ? `${what} ${word('versions.op.cleared') ?? '×'} (${value(c.from)})` : `${word('versions.op.remove') ?? '−'} ${what}`;
  }
}

/** one line for a version in the list: its first changes, and how many more */
export function digestLine(head: readonly ConfigChange[], total: number, word: Words): string {
  if (total === 0) return word('versions.noChanges') ?? '';
  const shown = head.slice(0, 2).map((c) => changeText(c, word)).join('; ');
  const more = total - Math.min(head.length, 2);
  return more > 0 ? `${shown}; ${(word('versions.more') ?? '+{n}').replace('{n}', String(more))}` : shown;
}
