/**
 * A snapshot URL asking for a smaller picture, when the URL says how: many cameras take the JPEG quality (or
 * compression) as a query parameter. A picture over 512 KiB is asked for again through this, at most a couple of
 * times; a URL without such a parameter cannot be made smaller and the picture is refused. Pure.
 *
 *   parameter                       smaller means       step
 *   quality, q, jpegQuality, Quality lower (1–100)      × 0.6, not under 10
 *   compression (Axis)              higher (0–100)      + 30, at most 100
 */
const LOWER_IS_SMALLER = ['quality', 'q', 'jpegQuality', 'Quality'];
const HIGHER_IS_SMALLER = ['compression'];
const MIN_QUALITY = 10;

export function lowerQualityUrl(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  for (const name of LOWER_IS_SMALLER) {
    const v = Number(u.searchParams.get(name));
    if (!u.searchParams.has(name) || !Number.isFinite(v)) continue;
    const next = Math.max(MIN_QUALITY, Math.floor(v * 0.6));
    if (next >= v) return null;
    u.searchParams.set(name, String(next));
    return u.toString();
  }
  for (const name of HIGHER_IS_SMALLER) {
    const v = Number(u.searchParams.get(name));
    if (!u.searchParams.has(name) || !Number.isFinite(v)) continue;
    const next = Math.min(100, v + 30);
    if (next <= v) return null;
    u.searchParams.set(name, String(next));
    return u.toString();
  }
  return null;
}
