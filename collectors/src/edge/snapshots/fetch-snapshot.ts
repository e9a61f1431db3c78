import { isJpeg, MAX_SNAPSHOT_BYTES } from '../../../../server/src/contracts/snapshots.js';
import { errorText, request } from '../sources/http-checks.js';
import { lowerQualityUrl } from './quality.js';

export type SnapshotFailure = 'too_large' | 'not_jpeg' | 'http' | 'unreachable';
export type SnapshotFetch =
  | { ok: true; jpeg: Buffer; url: string; attempts: number }
  | { ok: false; reason: SnapshotFailure; detail: string; attempts: number };

/** a body read no further than `max` bytes: a camera sending megabytes costs the edge one 512 KiB buffer, no more */
async function readCapped(res: Response, max: number): Promise<Buffer | 'too_large'> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => undefined);
    return 'too_large';
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      return 'too_large';
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/**
 * One snapshot from a camera's HTTP JPEG URL, within `timeoutMs` per attempt: checked to be a JPEG (its magic
 * bytes), at most 512 KiB. A larger picture is asked for again at a lower quality when the URL allows it
 * (quality.ts); otherwise, or when even that is too large, it is refused and never published.
 */
export async function fetchSnapshot(url: string, opts: { timeoutMs: number; signal?: AbortSignal; maxBytes?: number; maxAttempts?: number }): Promise<SnapshotFetch> {
  const max = opts.maxBytes ?? MAX_SNAPSHOT_BYTES;
  const maxAttempts = opts.maxAttempts ?? 3;
  let current: string | null = url;
  let attempts = 0;
  let lastTooLarge = '';
  while (current !== null && attempts < maxAttempts) {
    attempts++;
    try {
      const res = await request(current, opts.timeoutMs, opts.signal);
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        return { ok: false, reason: 'http', detail: `HTTP ${res.status}`, attempts };
      }
      const body = await readCapped(res, max);
      if (body === 'too_large') {
        lastTooLarge = `over ${max} bytes at ${redact(current)}`;
        current = lowerQualityUrl(current);
        continue;
      }
      if (!isJpeg(body)) return { ok: false, reason: 'not_jpeg', detail: `not a JPEG (${body.length} bytes, ${res.headers.get('content-type') ?? 'no content type'})`, attempts };
      return { ok: true, jpeg: body, url: current, attempts };
    } catch (err) {
      return { ok: false, reason: 'unreachable', detail: errorText(err), attempts };
    }
  }
  return { ok: false, reason: 'too_large', detail: lastTooLarge || 'too large', attempts };
}

/** a URL for logs: no credentials */
function redact(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(bad url)';
  }
}
