import type { MessageKey } from '../i18n/index.js';

/**
 * The guard's quick reasons: what a guard most often says when acknowledging, one tap each.
 * The note is stored as written (in the guard's language): it is a person's words on the timeline.
 */
export const QUICK_REASONS = ['checked_normal', 'false_alarm', 'reported', 'handling'] as const;
export type QuickReason = (typeof QUICK_REASONS)[number];

export function quickReasonKey(r: QuickReason): MessageKey {
  return `quick.${r}`;
}

/** the server's limit on a note */
export const NOTE_MAX = 2000;

/**
 * "Báo động giả. Chim đậu trên đầu báo" from a quick reason and free text. Either may be empty;
 * whitespace is tidied and the result never exceeds what the server accepts.
 */
export function composeAckNote(quick: string | null, free: string): string {
  const q = (quick ?? '').replace(/\s+/g, ' ').trim().replace(/[.。]+$/, '');
  const f = free.replace(/\s+/g, ' ').trim();
  const note = q && f ? `${q}. ${f}` : q || f;
  return note.length > NOTE_MAX ? note.slice(0, NOTE_MAX) : note;
}
