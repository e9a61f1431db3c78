import { createHash } from 'node:crypto';

/**
 * The audit log is a hash chain (SPEC §8 "tamper-evident"): each entry's hash is SHA-256 over the
 * previous entry's hash and the entry's own canonical content, so editing, deleting or reordering any
 * entry breaks every hash after it. The first entry chains from GENESIS.
 *
 * What it does not do on its own: someone who can write the database file can drop the triggers and
 * recompute the whole chain. Only a head (id and hash) kept somewhere else, and checked later, catches
 * that; see `verifyChain`'s `anchor` and the README's security section.
 */
export const GENESIS = '0'.repeat(64);

/** An audit row as stored: `detail` is the JSON text exactly as written, never re-serialised. */
export interface ChainRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  depot: string | null;
  note: string | null;
  detail: string | null;
  hash: string | null;
}

/** A fixed field order and JSON escaping: the same row always gives the same bytes. */
export function canonicalAuditContent(r: Omit<ChainRow, 'hash'>): string {
  return JSON.stringify([r.id, r.at, r.actor, r.action, r.target, r.depot, r.note, r.detail]);
}

export function chainHash(prevHash: string, r: Omit<ChainRow, 'hash'>): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalAuditContent(r)).digest('hex');
}

export interface ChainHead { id: number; hash: string }

export type ChainBreak = {
  id: number;
  /**
   * content: the entry (or the one before it) was changed; gap: entries are missing before it; order: ids
   * out of sequence; anchor: the chain holds but no longer contains a head recorded earlier (rewritten or cut)
   */
  reason: 'content' | 'gap' | 'order' | 'anchor';
  message: string;
};

export type ChainVerdict =
  | { ok: true; entries: number; head: ChainHead | null }
  | { ok: false; entries: number; checked: number; firstBroken: ChainBreak; head: ChainHead | null };

/**
 * Walks the chain in id order. Fed page by page (rows strictly after the previous page) so a long
 * log never sits in memory at once; `state` carries the running hash between pages.
 */
export function createChainVerifier() {
  let prev = GENESIS;
  let lastId = 0;
  let checked = 0;
  let broken: ChainBreak | null = null;
  return {
    /** false once the chain is broken: the caller may stop reading */
    feed(rows: readonly ChainRow[]): boolean {
      for (const r of rows) {
        if (broken) return false;
        if (r.id <= lastId) {
          broken = { id: r.id, reason: 'order', message: `entry ${r.id} comes after entry ${lastId}` };
          return false;
        }
        const expected = chainHash(prev, r);
        if (r.hash !== expected) {
          broken = r.id !== lastId + 1
            ? { id: r.id, reason: 'gap', message: `entries ${lastId + 1}–${r.id - 1} are missing before entry ${r.id}` }
            : { id: r.id, reason: 'content', message: `entry ${r.id} does not match its hash: it or the entry before it was changed` };
          return false;
        }
        prev = expected;
        lastId = r.id;
        checked++;
      }
      return true;
    },
    /** an anchor recorded earlier must still be in the chain, with the same hash */
    checkAnchor(anchor: ChainHead, stored: string | undefined): void {
      if (broken || stored === anchor.hash) return;
      broken = stored === undefined
        ? { id: anchor.id, reason: 'anchor', message: `entry ${anchor.id}, the anchored head, is no longer in the log: the log was cut back` }
        : { id: anchor.id, reason: 'anchor', message: `entry ${anchor.id} no longer has the anchored hash: the chain was rewritten` };
    },
    verdict(total: number): ChainVerdict {
      const head = lastId > 0 ? { id: lastId, hash: prev } : null;
      return broken ? { ok: false, entries: total, checked, firstBroken: broken, head } : { ok: true, entries: checked, head };
    },
  };
}

/** `id:hash`, as printed in the log and by `npm run audit:verify`, for keeping outside the database */
export const formatAnchor = (h: ChainHead): string => `${h.id}:${h.hash}`;
export function parseAnchor(s: string): ChainHead | null {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(s.trim());
  return m ? { id: Number(m[1]), hash: m[2] as string } : null;
}
