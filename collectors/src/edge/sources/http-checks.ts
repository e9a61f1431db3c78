import { isJpeg, MAX_SNAPSHOT_BYTES } from '../../../../server/src/contracts/snapshots.js';
import type { FlagRef } from './json-path.js';
import { readFlag, readPercent } from './json-path.js';

/**
 * The two HTTP questions a camera check asks: does the JPEG snapshot URL give a picture, and what does the
 * camera's or NVR's JSON status say about tamper, recording and storage. Both bounded by a timeout.
 * Credentials in the URL (`http://user:pass@cam/snap.jpg`) are sent as HTTP Basic authentication.
 */

/** SPEC §3: a snapshot the edge publishes is at most 512 KiB */
export { MAX_SNAPSHOT_BYTES };

/** a GET bounded by `timeoutMs` (and `signal`), credentials in the URL sent as Basic authentication */
export function request(url: string, timeoutMs: number, signal?: AbortSignal): Promise<Response> {
  const u = new URL(url);
  const headers: Record<string, string> = {};
  if (u.username || u.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
    u.username = '';
    u.password = '';
  }
  const timeout = AbortSignal.timeout(timeoutMs);
  return fetch(u, { headers, redirect: 'follow', signal: signal ? AbortSignal.any([timeout, signal]) : timeout });
}

export type SnapshotCheck = { ok: true; bytes: number; tooLarge: boolean } | { ok: false; reason: string };

export async function checkSnapshot(url: string, timeoutMs: number, signal?: AbortSignal): Promise<SnapshotCheck> {
  try {
    const res = await request(url, timeoutMs, signal);
    if (!res.ok) return { ok: false, reason: `HTTP ${res.status}` };
    const body = new Uint8Array(await res.arrayBuffer());
    if (!isJpeg(body)) return { ok: false, reason: `not a JPEG (${body.length} bytes, ${res.headers.get('content-type') ?? 'no content type'})` };
    return { ok: true, bytes: body.length, tooLarge: body.length > MAX_SNAPSHOT_BYTES };
  } catch (err) {
    return { ok: false, reason: errorText(err) };
  }
}

export interface StatusMapping {
  url: string;
  tamper?: FlagRef;
  recording?: FlagRef;
  storageFreePct?: string;
}

export type StatusCheck = { ok: true; tamper?: boolean; recording?: boolean; storageFreePct?: number } | { ok: false; reason: string };

export async function readStatus(m: StatusMapping, timeoutMs: number, signal?: AbortSignal): Promise<StatusCheck> {
  try {
    const res = await request(m.url, timeoutMs, signal);
    if (!res.ok) return { ok: false, reason: `HTTP ${res.status}` };
    const doc: unknown = await res.json();
    const tamper = m.tamper !== undefined ? readFlag(doc, m.tamper) : undefined;
    const recording = m.recording !== undefined ? readFlag(doc, m.recording) : undefined;
    const storageFreePct = m.storageFreePct !== undefined ? readPercent(doc, m.storageFreePct) : undefined;
    return {
      ok: true,
      ...(tamper !== undefined ? { tamper } : {}),
      ...(recording !== undefined ? { recording } : {}),
      ...(storageFreePct !== undefined ? { storageFreePct } : {}),
    };
  } catch (err) {
    return { ok: false, reason: errorText(err) };
  }
}

export function errorText(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'no answer before the timeout';
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ? `${err.message} (${cause.code})` : err.message;
  }
  return String(err);
}
