/**
 * How many columns and rows the wall's tile grid uses, and how much each tile may say. Nobody
 * scrolls a wall display, so every depot must fit: with more depots, tiles get smaller and show
 * fewer reasons, never fewer depots.
 */
export type Density = 'roomy' | 'normal' | 'compact';
export interface TileGrid { cols: number; rows: number; density: Density; reasons: number }

/** `areaAspect` is the grid area's width / height; tiles aim at a landscape ~1.6:1 shape */
export function tileGrid(n: number, areaAspect: number): TileGrid {
  if (n <= 0) return { cols: 1, rows: 1, density: 'roomy', reasons: 2 };
  const tileAspect = 1.6;
  let cols = Math.max(1, Math.min(n, Math.ceil(Math.sqrt((n * areaAspect) / tileAspect))));
  // no empty last column: 13 depots on 4×4 rather than 5×3 with two holes is fine, but 4 on 3×2 is not
  while (cols > 1 && Math.ceil(n / (cols - 1)) === Math.ceil(n / cols)) cols--;
  const rows = Math.ceil(n / cols);
  const density: Density = rows <= 4 ? 'roomy' : rows <= 5 ? 'normal' : 'compact';
  // two one-line reasons (or one on two lines) is what a tile holds at every density we tested, 1080p and 4K alike
  return { cols, rows, density, reasons: density === 'roomy' ? 2 : 1 };
}

/**
 * How many of the worst tiles may take two cells: only the grid's empty cells are used, so the grid
 * never grows, and a depot in trouble gets room to show its reasons in full.
 */
export function wideTiles(grid: TileGrid, n: number, abnormal: number): number {
  if (grid.cols < 3) return 0;
  return Math.max(0, Math.min(grid.cols * grid.rows - n, abnormal));
}

const DENSER: Readonly<Record<Density, Density>> = { roomy: 'normal', normal: 'compact', compact: 'compact' };

/**
 * The density the tiles can actually afford: when banners and a long alarm ticker take height from
 * the grid (an alarm flood, an escalation), tiles drop their secondary lines before they would clip
 * their facts. `tileHeightRem` is one row's height in rem.
 */
export function fitDensity(grid: TileGrid, tileHeightRem: number): TileGrid {
  let density = grid.density;
  if (tileHeightRem < 11.5) density = DENSER[density];
  if (tileHeightRem < 8.5) density = 'compact';
  return density === grid.density ? grid : { ...grid, density, reasons: density === 'roomy' ? 2 : 1 };
}
