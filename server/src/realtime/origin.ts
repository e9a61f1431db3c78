import type { IncomingMessage } from 'node:http';

/**
 * SPEC §7: a Socket.IO connection is accepted only from the board's own origin.
 *
 * Browsers send `Origin` on every WebSocket handshake and on every cross-origin request, so a page
 * on another site (or another port of this host) always shows its own origin here. What counts as
 * "own":
 *   - `publicOrigins` set (PUBLIC_ORIGIN, for a reverse proxy that rewrites Host): exactly those
 *     origins and nothing else, which also shuts out DNS-rebinding names;
 *   - otherwise: an origin whose host:port is the request's Host header (direct access, and the Vite
 *     dev proxy, which keeps Host).
 * No Origin at all is a non-browser client (tools, tests, the bench) or a same-origin polling GET;
 * those still need a valid `auth.token`, which a foreign page cannot read.
 */
export function isOwnOrigin(origin: string | undefined, host: string | undefined, publicOrigins: readonly string[]): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file://) and garbage
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (publicOrigins.length > 0) return publicOrigins.includes(parsed.origin);
  return host !== undefined && parsed.host.toLowerCase() === host.toLowerCase();
}

/** engine.io's `allowRequest` hook: refuses the handshake (HTTP 403) before any Socket.IO packet flows. */
export function originGuard(publicOrigins: readonly string[], onRefused: (origin: string) => void) {
  return (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void): void => {
    const origin = req.headers.origin;
    if (isOwnOrigin(origin, req.headers.host, publicOrigins)) { callback(null, true); return; }
    onRefused(String(origin));
    callback('origin not allowed', false);
  };
}
