import type { RejectReason } from '../ingest/normalise.js';

/** One refused message as an engineer sees it: where, why, and the first bytes of what came. */
export interface RejectedSample {
  at: number;
  topic: string;
  reason: RejectReason;
  detail: string;
  /** the payload's first bytes as text, secrets masked; absent for an empty payload */
  payload?: string;
}

export const SAMPLE_TOPIC_MAX = 200;
export const SAMPLE_DETAIL_MAX = 300;
export const SAMPLE_PAYLOAD_MAX = 160;

// a JSON key that names a credential, and its string or bare value: `"password": "…"`, `"apiKey":123`
const SECRET_VALUE = /("[^"]*(?:pass|secret|token|key|auth|cred|sig)[^"]*"\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\]\s]+)/gi;

/**
 * The sample kept for engineers, bounded and masked: a collector misconfigured to send its broker
 * password in a payload must not see it end up on a web page. Masking runs before truncation, so a
 * secret cut in half by the limit is still masked (an unterminated string matches too). Binary
 * payloads (an image on a sensor topic) are described, not shown. Pure.
 */
export function rejectedSample(at: number, topic: string, reason: RejectReason, detail: string, payload: Uint8Array): RejectedSample {
  const s: RejectedSample = { at, topic: clip(printable(topic), SAMPLE_TOPIC_MAX), reason, detail: clip(printable(detail).replace(SECRET_VALUE, '$1"***"'), SAMPLE_DETAIL_MAX) };
  if (payload.byteLength === 0) return s;
  // only the head is decoded: a 64 KiB payload is not turned into a string to keep 160 characters of it
  const head = payload.subarray(0, Math.min(payload.byteLength, SAMPLE_PAYLOAD_MAX * 4));
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8');
  // more than a few control or replacement characters: not text
  // U+FFFD is what invalid UTF-8 decodes to; tab, newline and carriage return are ordinary in JSON
  const odd = text.length - text.replace(/[\p{Cc}\uFFFD]/gu, '').length - (text.match(/[\t\n\r]/g)?.length ?? 0);
  if (odd > Math.max(2, text.length / 20)) {
    s.payload = `(${payload.byteLength} bytes, binary)`;
    return s;
  }
  const masked = printable(text).replace(SECRET_VALUE, '$1"***"');
  s.payload = payload.byteLength > head.byteLength || masked.length > SAMPLE_PAYLOAD_MAX ? `${masked.slice(0, SAMPLE_PAYLOAD_MAX)}… (${payload.byteLength} bytes)` : masked;
  return s;
}

/** control characters (a newline in a topic, an escape sequence in a payload) become spaces */
const printable = (t: string) => t.replace(/\p{Cc}/gu, ' ');
const clip = (t: string, max: number) => (t.length > max ? `${t.slice(0, max)}…` : t);

/**
 * Rejections of one collector: a count per reason since start and the latest few samples, in a ring,
 * so memory per depot is fixed however much garbage arrives.
 */
export class RejectionLog {
  readonly byReason = new Map<RejectReason, number>();
  private readonly ring: RejectedSample[] = [];
  private next = 0;
  total = 0;
  lastAt: number | null = null;

  constructor(readonly keep = 10) {}

  add(sample: RejectedSample): void {
    this.total++;
    this.lastAt = sample.at;
    this.byReason.set(sample.reason, (this.byReason.get(sample.reason) ?? 0) + 1);
    if (this.keep <= 0) return;
    if (this.ring.length < this.keep) this.ring.push(sample);
    else this.ring[this.next] = sample;
    this.next = (this.next + 1) % this.keep;
  }

  /** newest first */
  samples(): RejectedSample[] {
    const out: RejectedSample[] = [];
    const n = this.ring.length;
    for (let i = 1; i <= n; i++) {
      const s = this.ring[(this.next - i + n * 2) % n];
      if (s) out.push(s);
    }
    return out;
  }

  /** counts, largest first (ties by name, so the order is stable) */
  reasons(): { reason: RejectReason; count: number }[] {
    return [...this.byReason].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  }
}
