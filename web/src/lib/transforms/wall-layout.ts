import type { ReadinessLevel } from '../types.js';
import { fitDensity, tileGrid, type Density } from './layout.js';

/**
 * The wall at any size, 10 to 500 depots on one screen that nobody scrolls. Three modes, chosen by
 * what fits the tile area (measured in rem, so 1080p and 4K choose alike):
 *
 * | mode        | abnormal depots                  | ready depots                                      |
 * |-------------|----------------------------------|---------------------------------------------------|
 * | `full`      | full tiles, first                | full tiles                                        |
 * | `compact`   | full tiles first (as many rows as fit, the rest as chips, first) | chips: id, shape and word |
 * | `collapsed` | as in `compact`                  | chips, except whole regions folded into one roll-up chip each ("Quân khu 1 · 27 sẵn sàng"), the largest first, until the rest fits |
 *
 * "Abnormal" is anything but ready: an unknown depot may be in any state, so it is never folded away.
 * Folding only ever hides ready depots; if even the abnormal chips do not fit (a storm over most of
 * the estate), the last chip says how many more there are rather than dropping them silently.
 */
export type WallMode = 'full' | 'compact' | 'collapsed';

export interface WallDepot { id: string; region: string; readiness: ReadinessLevel }
export interface Area { width: number; height: number }

/** sizes in rem; the components use the same numbers (DepotTile, DepotChip, TileGrid) */
export const WALL_SIZES = {
  gap: 0.6,
  /** the smallest full tile that still shows id, readiness word, name, one reason and the facts line */
  full: { width: 15, height: 7.6 },
  /** a full tile beside chips: a fixed row height so the chips get the rest */
  large: { width: 15.5, height: 8.8 },
  /** a chip: id, readiness shape and word on one line */
  chip: { width: 11.4, height: 2.3 },
  /** a folded region takes one chip cell: its name and its count of ready depots (the word goes where it does not fit) */
  foldSpan: 1,
} as const;

export interface FullPlan { mode: 'full'; cols: number; rows: number; density: Density; reasons: number; tiles: string[] }
export interface FoldedRegion { region: string; count: number }
export interface DensePlan {
  mode: 'compact' | 'collapsed';
  /** full tiles: abnormal depots only, worst first */
  large: { cols: number; rows: number; tiles: string[] };
  /** chip grid: abnormal depots that did not get a full tile, folded regions, then ready depots */
  chips: { cols: number; rows: number; abnormal: string[]; folded: FoldedRegion[]; ready: string[]; hidden: number };
}
export type WallPlan = FullPlan | DensePlan;

const fitCount = (extent: number, size: number, gap: number): number => Math.max(0, Math.floor((extent + gap) / (size + gap)));

/** the full-tile grid for n depots if every tile keeps at least the minimum size, else null */
export function fullGrid(n: number, area: Area): Omit<FullPlan, 'tiles' | 'mode'> | null {
  const { gap, full } = WALL_SIZES;
  const base = tileGrid(n, area.width / Math.max(area.height, 1));
  const fits = (cols: number, rows: number): boolean =>
    (area.width - gap * (cols - 1)) / cols >= full.width && (area.height - gap * (rows - 1)) / rows >= full.height;
  let grid = fits(base.cols, base.rows) ? base : null;
  // the aspect-driven choice may miss a shape that fits (a tall, narrow area): try the others, fewest rows first
  for (let cols = Math.min(n, fitCount(area.width, full.width, gap)); !grid && cols >= 1; cols--) {
    const rows = Math.ceil(n / cols);
    if (fits(cols, rows)) grid = { ...base, cols, rows };
  }
  if (!grid) return null;
  const fitted = fitDensity(grid, (area.height - gap * (grid.rows - 1)) / grid.rows);
  return { cols: fitted.cols, rows: fitted.rows, density: fitted.density, reasons: fitted.reasons };
}

/** `depots` in wall order (attention first, then worst first); the plan keeps that order in each part */
export function planWall(depots: readonly WallDepot[], area: Area): WallPlan {
  const full = fullGrid(depots.length, area);
  if (full) return { mode: 'full', ...full, tiles: depots.map((d) => d.id) };

  const { gap, large, chip, foldSpan } = WALL_SIZES;
  const abnormal = depots.filter((d) => d.readiness !== 'ready');
  const ready = depots.filter((d) => d.readiness === 'ready');
  const chipCols = Math.max(1, fitCount(area.width, chip.width, gap));
  const perFoldRow = Math.max(1, Math.floor(chipCols / foldSpan));
  // ready depots by region, the region with most of them first: the order in which regions fold
  const readyByRegion = new Map<string, string[]>();
  for (const d of ready) {
    const list = readyByRegion.get(d.region);
    if (list) list.push(d.id); else readyByRegion.set(d.region, [d.id]);
  }
  const order = [...readyByRegion.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  const largeCols = Math.max(1, fitCount(area.width, large.width, gap));
  // rows a chip grid needs: a fold spans cells and never breaks over a row end; single chips fill the holes it leaves
  const rowsNeeded = (chips: number, folds: number): number =>
    Math.max(Math.ceil(folds / perFoldRow), Math.ceil((chips + folds * foldSpan) / chipCols));
  const chipRowsUnder = (largeRows: number): number =>
    fitCount(area.height - (largeRows > 0 ? largeRows * (large.height + gap) : 0), chip.height, gap);
  // abnormal depots get full tiles first, as many rows as leave the rest of them room as chips beside
  // every region folded; a row of full tiles gives way to chips before any abnormal depot would be hidden
  let largeRows = Math.min(fitCount(area.height, large.height, gap), Math.ceil(abnormal.length / largeCols));
  while (largeRows > 0 && rowsNeeded(abnormal.length - largeRows * largeCols, order.length) > chipRowsUnder(largeRows)) largeRows--;
  const largeTiles = abnormal.slice(0, largeRows * largeCols).map((d) => d.id);
  const chipRows = Math.max(ready.length + abnormal.length > largeTiles.length ? 1 : 0, chipRowsUnder(largeRows));
  const capacity = chipRows * chipCols;
  const restAbnormal = abnormal.slice(largeTiles.length).map((d) => d.id);

  const folded = new Set<string>();
  let chipsLeft = restAbnormal.length + ready.length;
  for (const [region, ids] of order) {
    if (rowsNeeded(chipsLeft, folded.size) <= chipRows) break;
    // folding a region no bigger than its fold would not save a cell
    if (ids.length <= foldSpan) continue;
    folded.add(region);
    chipsLeft -= ids.length;
  }
  const foldedList: FoldedRegion[] = order.filter(([r]) => folded.has(r)).map(([region, ids]) => ({ region, count: ids.length }));
  const readyShown = ready.filter((d) => !folded.has(d.region)).map((d) => d.id);
  // still too many: the abnormal chips come first, the ready chips give way, the last cell counts the rest
  let abnormalShown = restAbnormal;
  let readyKept = readyShown;
  let hidden = 0;
  if (rowsNeeded(abnormalShown.length + readyKept.length, foldedList.length) > chipRows) {
    const room = Math.max(0, capacity - Math.ceil(foldedList.length / perFoldRow) * chipCols - 1);
    readyKept = readyShown.slice(0, Math.max(0, room - abnormalShown.length));
    hidden = readyShown.length - readyKept.length;
    if (abnormalShown.length > room) {
      hidden += abnormalShown.length - room;
      abnormalShown = abnormalShown.slice(0, room);
    }
  }
  return {
    mode: foldedList.length > 0 || hidden > 0 ? 'collapsed' : 'compact',
    large: { cols: largeCols, rows: largeRows, tiles: largeTiles },
    chips: { cols: chipCols, rows: chipRows, abnormal: abnormalShown, folded: foldedList, ready: readyKept, hidden },
  };
}
