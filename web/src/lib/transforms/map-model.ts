import type { DepotSummary, ReadinessLevel, RegionSummary } from '../types.js';
import { bounds, paddedHull, polygonPath } from './hull.js';
import { fitEquirectangular, type Box, type Point } from './projection.js';
import { readinessLook, worstReadiness } from './readiness.js';

/** Everything the region map draws, in viewBox units; computed without the DOM so it can be tested. */
/** `label` is null for a normal depot whose id cannot be placed without overlapping: in a dense cluster the abnormal ones keep theirs */
export interface MapMarker { id: string; x: number; y: number; readiness: ReadinessLevel; label: Placed | null }
export interface MapRegion { id: string; name: string; readiness: ReadinessLevel; path: string; label: Placed }
export interface Placed { x: number; y: number; anchor: 'start' | 'middle' | 'end' }
export interface GridLine { path: string; label: string; x: number; y: number }
export interface MapModel { markers: MapMarker[]; regions: MapRegion[]; grid: GridLine[]; markerR: number; fontSize: number }

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
/** a rough text box: Inter's average advance is ~0.6 em for ids and names */
function textRect(p: Placed, text: string, size: number): Rect {
  const w = text.length * size * 0.62;
  const x0 = p.anchor === 'start' ? p.x : p.anchor === 'end' ? p.x - w : p.x - w / 2;
  return { x0, y0: p.y - size * 0.8, x1: x0 + w, y1: p.y + size * 0.25 };
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

/** like tryPlace, but a label that must be shown falls back to the first candidate */
function place(cands: readonly [Placed, ...Placed[]], text: string, size: number, taken: Rect[], box: Box): Placed {
  const got = tryPlace(cands, text, size, taken, box);
  if (got) return got;
  taken.push(textRect(cands[0], text, size));
  return cands[0];
}

export function buildMapModel(
  depots: readonly DepotSummary[], regions: readonly RegionSummary[], box: Box, size: MapSizing,
  regionName: (r: RegionSummary) => string,
): MapModel {
  const proj = fitEquirectangular(depots.map((d) => d.position), box);
  const at = new Map<string, Point>(depots.map((d) => [d.id, proj.project(d.position)]));
  const taken: Rect[] = [];
  // every marker reserves its own disc first, so no label is placed over another depot's symbol
  for (const p of at.values()) taken.push({ x0: p.x - size.markerR, y0: p.y - size.markerR, x1: p.x + size.markerR, y1: p.y + size.markerR });

  const gap = size.markerR * 1.5;
  const fs = size.fontSize;
  // labels are placed worst first, so a depot in trouble always gets its id next to it
  const byNeed = [...depots].sort((a, b) => readinessLook(a.readiness).rank - readinessLook(b.readiness).rank || a.id.localeCompare(b.id));
  const markers: MapMarker[] = byNeed.map((d) => {
    const p = at.get(d.id)!;
    const cands: [Placed, ...Placed[]] = [
      { x: p.x + gap, y: p.y + fs * 0.35, anchor: 'start' },
      { x: p.x - gap, y: p.y + fs * 0.35, anchor: 'end' },
      { x: p.x, y: p.y - gap, anchor: 'middle' },
      { x: p.x, y: p.y + gap + fs * 0.7, anchor: 'middle' },
    ];
    const label = d.readiness === 'ready' ? tryPlace(cands, d.id, fs, taken, box) : place(cands, d.id, fs, taken, box);
    return { id: d.id, x: p.x, y: p.y, readiness: d.readiness, label };
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
    const label = place([
      { x: b.minX - rfs * 0.4, y: midY, anchor: 'end' },
      { x: b.maxX + rfs * 0.4, y: midY, anchor: 'start' },
      { x: (b.minX + b.maxX) / 2, y: b.minY - rfs * 0.4, anchor: 'middle' },
      { x: (b.minX + b.maxX) / 2, y: b.maxY + rfs * 1.1, anchor: 'middle' },
    ], name, rfs, taken, box);
    const levels = r.depots.map((id) => byId.get(id)?.readiness).filter((l): l is ReadinessLevel => l !== undefined);
    return { id: r.id, name, readiness: pts.length > 0 ? worstReadiness(levels) : r.readiness, path: polygonPath(hull), label };
  });

  return { markers, regions: mapped, grid: graticule(depots, proj.project, box), markerR: size.markerR, fontSize: fs };
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
