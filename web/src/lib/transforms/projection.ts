/**
 * Equirectangular projection of depot positions into an SVG viewBox. At the scale of one country
 * it is indistinguishable from anything fancier, and it needs no map data: the board draws only what
 * it knows (depot positions), so nothing is fetched from a tile server.
 */
export interface LatLon { lat: number; lon: number }
export interface Point { x: number; y: number }
export interface Box { width: number; height: number; padding: number }

export interface Projection {
  project(p: LatLon): Point;
  /** pixels (viewBox units) per degree of latitude */
  scale: number;
}

export function fitEquirectangular(points: readonly LatLon[], box: Box): Projection {
  if (points.length === 0) return { project: () => ({ x: box.width / 2, y: box.height / 2 }), scale: 1 };
  let minLat = Infinity; let maxLat = -Infinity; let minLon = Infinity; let maxLon = -Infinity;
  for (const p of points) {
    minLat = Math.min(minLat, p.lat); maxLat = Math.max(maxLat, p.lat);
    minLon = Math.min(minLon, p.lon); maxLon = Math.max(maxLon, p.lon);
  }
  // shrink longitude by cos(mid-latitude) so distances look right east–west as well as north–south
  const k = Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180));
  const spanX = (maxLon - minLon) * k;
  const spanY = maxLat - minLat;
  const innerW = Math.max(box.width - 2 * box.padding, 1);
  const innerH = Math.max(box.height - 2 * box.padding, 1);
  // one depot, or depots on one line, would divide by zero: fall back to ~1 degree across the box
  const scale = Math.min(spanX > 0 ? innerW / spanX : Infinity, spanY > 0 ? innerH / spanY : Infinity, Math.min(innerW, innerH));
  const cx = (minLon + maxLon) / 2;
  const cy = (minLat + maxLat) / 2;
  return {
    scale,
    project: (p) => ({
      x: box.width / 2 + (p.lon - cx) * k * scale,
      y: box.height / 2 - (p.lat - cy) * scale,
    }),
  };
}
