/**
 * Is the board's picture whole? Every live message on a socket carries a sequence number (contracts/api.ts
 * Sequenced). The board applies a batch only when it is the one after the last it applied; anything else
 * (a gap, a reconnect, a new socket) means something may be missing, and the board says "reloading" until
 * a fresh snapshot has replaced everything — the lesson of dashboards that kept showing a half-updated
 * picture as if it were current (Node-RED Dashboard #1115, Grafana #15731).
 *
 * | state       | event              | result                                     |
 * |-------------|--------------------|--------------------------------------------|
 * | any         | snapshot seq s     | live, expect s + 1, apply (replace all)    |
 * | live        | batch seq = expect | live, expect + 1, apply                    |
 * | live        | batch seq < expect | live, ignore (a duplicate)                 |
 * | live        | batch seq > expect | reloading, ignore, ask for a snapshot      |
 * | reloading   | batch              | reloading, ignore (the snapshot is coming) |
 * | any         | reconnect          | reloading, ignore until the snapshot       |
 */
export interface FeedSequence {
  phase: 'live' | 'reloading';
  /** the seq the next batch must carry; null before the first snapshot */
  expected: number | null;
}

export type BatchVerdict = 'apply' | 'duplicate' | 'gap' | 'wait';

export const INITIAL_SEQUENCE: FeedSequence = { phase: 'reloading', expected: null };

export function onSnapshot(seq: number): FeedSequence {
  return { phase: 'live', expected: seq + 1 };
}

export function onBatch(s: FeedSequence, seq: number): { next: FeedSequence; verdict: BatchVerdict } {
  if (s.phase === 'reloading' || s.expected === null) return { next: s, verdict: 'wait' };
  if (seq === s.expected) return { next: { phase: 'live', expected: seq + 1 }, verdict: 'apply' };
  if (seq < s.expected) return { next: s, verdict: 'duplicate' };
  return { next: { phase: 'reloading', expected: s.expected }, verdict: 'gap' };
}

export function onReconnect(s: FeedSequence): FeedSequence {
  return { ...s, phase: 'reloading' };
}
