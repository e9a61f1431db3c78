import type { DepotSummary, MapOutline, ReadinessLevel, RegionSummary } from '../types.js';
import { bounds, paddedHull, polygonPath } from './hull.js';
import { fitEquirectangular, type Box, type Point } from './projection.js';
import { readinessLook, worstReadiness } from './readiness.js';

/** Everything the region map draws, in viewBox units; computed without the DOM so it can be tested. */
/**
 * One marker: a depot, or a cluster of depots too close to draw apart, led by its worst member (drawn at
 * the leader's own position, so a depot in trouble is exactly where it is). `label` is null where the id
 * cannot be placed without touching another label or marker, or outside the map: labels never overlap.
 */
export interface MapMarker {
  id: string; x: number; y: number; readiness: ReadinessLevel; label: Placed | null;
  /** the depots this marker stands for, the leader first; one for a plain marker */
  members: string[];
  /** drawn radius: a cluster is a little larger than a depot */
  r: number;
}
export interface MapRegion { id: string; name: string; readiness: ReadinessLevel; path: string; label: Placed | null }
export interface Placed { x: number; y: number; anchor: 'start' | 'middle' | 'end' }
export interface GridLine { path: string; label: string; x: number; y: number }
/** the engineer's outline of the area (config `map:`), drawn under everything: a path for GeoJSON, an image for SVG */
export type OutlineDrawing = { kind: 'path'; d: string } | { kind: 'image'; href: string; x: number; y: number; width: number; height: number };
export interface MapModel { markers: MapMarker[]; regions: MapRegion[]; grid: GridLine[]; markerR: number; fontSize: number; outline: OutlineDrawing | null }

export interface MapSizing {
  /** marker "radius" and label font size, in viewBox units */
  markerR: number;
  fontSize: number;
  regionFontSize: number;
  /** outline distance around a region's depots */
  regionPad: number;
}

interface Rect { x0: number; y0: number; x1: number; y1: number }
const overlaps = (a: Rect, b: Rect): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
/** a rough text box: Inter's semibold advance is ~0.6 em for ids and names; a little more, to stay clear */
function textRect(p: Placed, text: string, size: number): Rect {
  const w = text.length * size * 0.66;
  const x0 = p.anchor === 'start' ? p.x : p.anchor === 'end' ? p.x - w : p.x - w / 2;
  return { x0, y0: p.y - size * 0.95, x1: x0 + w, y1: p.y + size * 0.28 };
}
function inside(r: Rect, box: Box): boolean {
  return r.x0 >= 0 && r.y0 >= 0 && r.x1 <= box.width && r.y1 <= box.height;
}

/** the first candidate that stays in the box and clears what is already placed, or null */
function tryPlace(cands: readonly Placed[], text: string, size: number, taken: Rect[], box: Box): Placed | null {
  for (const c of cands) {
    const r = textRect(c, text, size);
    if (inside(r, box) && !taken.some((t) => overlaps(t, r))) { taken.push(r); return c; }
  }
  return null;
}

/** label positions around a point at distance `gap`: right, left, above, below, then the diagonals */
function around(p: Point, gap: number, fs: number): Placed[] {
  return [
    { x: p.x + gap, y: p.y + fs * 0.35, anchor: 'start' },
    { x: p.x - gap, y: p.y + fs * 0.35, anchor: 'end' },
    { x: p.x, y: p.y - gap, anchor: 'middle' },
    { x: p.x, y: p.y + gap + fs * 0.7, anchor: 'middle' },
    { x: p.x + gap * 0.8, y: p.y - gap * 0.6, anchor: 'start' },
    { x: p.x - gap * 0.8, y: p.y - gap * 0.6, anchor: 'end' },
    { x: p.x + gap * 0.8, y: p.y + gap * 0.6 + fs * 0.6, anchor: 'start' },
    { x: p.x - gap * 0.8, y: p.y + gap * 0.6 + fs * 0.6, anchor: 'end' },
  ];
}

interface Cluster { lead: DepotSummary; at: Point; members: DepotSummary[] }

/**
 * Greedy leader clustering in screen space: depots in order of need (worst first), each joins the
 * first cluster whose leader is nearer than `minDist`, else leads a new one. Abnormal depots lead,
 * so they are never hidden inside a cluster of ready ones; the cluster takes its leader's look.
 */
export function clusterDepots(depots: readonly DepotSummary[], at: ReadonlyMap<string, Point>, minDist: number): Cluster[] {
  const byNeed = [...depots].sort((a, b) => readinessLook(a.readiness).rank - readinessLook(b.readiness).rank || a.id.localeCompare(b.id));
  const clusters: Cluster[] = [];
  for (const d of byNeed) {
    const p = at.get(d.id)!;
    const near = clusters.find((c) => Math.hypot(c.at.x - p.x, c.at.y - p.y) < minDist);
    if (near) near.members.push(d);
    else clusters.push({ lead: d, at: p, members: [d] });
  }
  return clusters;
}

export function buildMapModel(
  depots: readonly DepotSummary[], regions: readonly RegionSummary[], box: Box, size: MapSizing,
  regionName: (r: RegionSummary) => string, outline: MapOutline | null = null,
): MapModel {
  // the outline's corners join the fit, so the whole area is in view and the depots sit where they are on it
  const corners = outline ? [{ lat: outline.bounds.north, lon: outline.bounds.west }, { lat: outline.bounds.south, lon: outline.bounds.east }] : [];
  const proj = fitEquirectangular([...depots.map((d) => d.position), ...corners], box);
  const at = new Map<string, Point>(depots.map((d) => [d.id, proj.project(d.position)]));
  const taken: Rect[] = [];
  const clusterR = size.markerR * 1.3;
  const clusters = clusterDepots(depots, at, size.markerR * 2.4);
  // every marker reserves its own disc first, so no label is placed over another depot's symbol
  for (const c of clusters) {
    const r = c.members.length > 1 ? clusterR : size.markerR;
    taken.push({ x0: c.at.x - r, y0: c.at.y - r, x1: c.at.x + r, y1: c.at.y + r });
  }

  const fs = size.fontSize;
  // labels are placed worst first, so a depot in trouble gets its id next to it before a ready one does;
  // a cluster of ready depots says only its count (inside the marker)
  const markers: MapMarker[] = clusters.map((c) => {
    const r = c.members.length > 1 ? clusterR : size.markerR;
    const labelled = c.members.length === 1 || c.lead.readiness !== 'ready';
    const label = labelled ? tryPlace(around(c.at, r + size.markerR * 0.6, fs), c.lead.id, fs, taken, box) : null;
    return { id: c.lead.id, x: c.at.x, y: c.at.y, readiness: c.lead.readiness, label, members: c.members.map((m) => m.id), r };
  });
  // drawn in reverse: normal markers first, the worst last so nothing covers them
  markers.reverse();

  const byId = new Map(depots.map((d) => [d.id, d]));
  const rfs = size.regionFontSize;
  const outlines = regions.map((r) => {
    const pts = r.depots.map((id) => at.get(id)).filter((p): p is Point => p !== undefined);
    return { r, pts, hull: paddedHull(pts, size.regionPad) };
  }).filter((o) => o.pts.length > 0);
  const mapped: MapRegion[] = outlines.map(({ r, pts, hull }) => {
    const b = bounds(hull);
    const name = regionName(r);
    const midY = (b.minY + b.maxY) / 2;
    const w = name.length * rfs * 0.66;
    const clampX = (x: number): number => Math.min(Math.max(x, w / 2 + 2), box.width - w / 2 - 2);
    // beside the outline first, then above or below it, then the same shifted to stay inside the map
    const label = tryPlace([
      { x: b.minX - rfs * 0.4, y: midY, anchor: 'end' },
      { x: b.maxX + rfs * 0.4, y: midY, anchor: 'start' },
      { x: (b.minX + b.maxX) / 2, y: b.minY - rfs * 0.4, anchor: 'middle' },
      { x: (b.minX + b.maxX) / 2, y: b.maxY + rfs * 1.1, anchor: 'middle' },
      { x: clampX((b.minX + b.maxX) / 2), y: b.minY - rfs * 0.4, anchor: 'middle' },
      { x: clampX((b.minX + b.maxX) / 2), y: b.maxY + rfs * 1.1, anchor: 'middle' },
      { x: clampX(b.minX - w / 2 - rfs * 0.4), y: b.minY + rfs, anchor: 'middle' },
      { x: clampX(b.maxX + w / 2 + rfs * 0.4), y: b.maxY - rfs * 0.3, anchor: 'middle' },
    ], name, rfs, taken, box);
    const levels = r.depots.map((id) => byId.get(id)?.readiness).filter((l): l is ReadinessLevel => l !== undefined);
    return { id: r.id, name, readiness: pts.length > 0 ? worstReadiness(levels) : r.readiness, path: polygonPath(hull), label };
  });

  return { markers, regions: mapped, grid: graticule(depots, proj.project, box), markerR: size.markerR, fontSize: fs, outline: drawOutline(outline, proj.project) };
}

/** faint 2° parallels give the eye a north–south scale without any map data */
function graticule(depots: readonly DepotSummary[], project: (p: { lat: number; lon: number }) => Point, box: Box): GridLine[] {
  if (depots.length === 0) return [];
  const lats = depots.map((d) => d.position.lat);
  const lon = depots[0]!.position.lon;
  const lines: GridLine[] = [];
  for (let lat = Math.floor(Math.min(...lats) / 2) * 2 - 2; lat <= Math.max(...lats) + 2; lat += 2) {
    const y = project({ lat, lon }).y;
    if (y < 0 || y > box.height) continue;
    lines.push({ path: `M0 ${y.toFixed(1)}H${box.width}`, label: `${lat}°N`, x: box.width - 4, y: y - 4 });
  }
  return lines;
}

/** projects the outline; GeoJSON points closer than a pixel to the previous one are dropped (a coastline has thousands) */
export function drawOutline(outline: MapOutline | null, project: (p: { lat: number; lon: number }) => Point): OutlineDrawing | null {
  if (!outline) return null;
  if (outline.kind === 'svg') {
    // the projection is linear in longitude and latitude, so an equirectangular drawing maps by its corners
    const nw = project({ lat: outline.bounds.north, lon: outline.bounds.west });
    const se = project({ lat: outline.bounds.south, lon: outline.bounds.east });
    return { kind: 'image', href: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(outline.svg)}`, x: nw.x, y: nw.y, width: se.x - nw.x, height: se.y - nw.y };
  }
  let d = '';
  for (const line of outline.lines) {
    let last: Point | null = null;
    for (const [lon, lat] of line) {
      const p = project({ lat, lon });
      if (last && Math.abs(p.x - last.x) < 1 && Math.abs(p.y - last.y) < 1) continue;
      d += `${last ? 'L' : 'M'}${p.x.toFixed(1)} ${p.y.toFixed(1)}`;
      last = p;
    }
  }
  return { kind: 'path', d };
}
