import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { createChainVerifier, type ChainHead, type ChainVerdict } from '../domain/audit-chain.js';
import type { AlarmStore } from '../ports/alarm-store.js';

/** rows hashed between two yields to the event loop: a long log must not stall alarms and sockets */
const PAGE = 5000;

/**
 * Verifies the whole audit chain from its first entry (nothing is trusted from an earlier run: an
 * edit anywhere must show), page by page, yielding between pages. With `anchor`, a head recorded
 * earlier outside the database must still be in the chain with the same hash.
 */
export async function verifyAuditChain(store: Pick<AlarmStore, 'auditChain' | 'auditCount' | 'auditHash'>, opts: { anchor?: ChainHead; pageSize?: number } = {}): Promise<ChainVerdict> {
  const pageSize = opts.pageSize ?? PAGE;
  const total = store.auditCount();
  const v = createChainVerifier();
  let after = 0;
  for (;;) {
    const rows = store.auditChain(after, pageSize);
    if (rows.length === 0 || !v.feed(rows)) break;
    after = rows[rows.length - 1]?.id ?? after;
    if (rows.length < pageSize) break;
    await yieldToLoop();
  }
  if (opts.anchor) v.checkAnchor(opts.anchor, store.auditHash(opts.anchor.id));
  return v.verdict(total);
}

/** one sentence for a person: the CLI's output and the log */
export function verdictSentence(v: ChainVerdict): string {
  if (v.ok) return v.head ? `The audit chain holds: ${v.entries} entries, head ${v.head.id}:${v.head.hash}.` : 'The audit chain holds: the log is empty.';
  return `The audit chain is broken at entry ${v.firstBroken.id} (${v.firstBroken.message}); ${v.checked} of ${v.entries} entries before it hold.`;
}
