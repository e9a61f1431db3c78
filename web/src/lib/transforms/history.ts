import type { HistoryPoint, HistoryRange } from '../types.js';

export interface XY { x: number; y: number | null }
export interface ChartSeries { mean: XY[]; min: XY[]; max: XY[] }

/**
 * The silence after which the line is broken. Buckets can be narrower than the device's reporting
 * interval (3.6 s buckets for an hour of a sensor that reports every 30 s), so the usual spacing of
 * the points themselves counts too: a gap is three times the median spacing, and at least 2.5 buckets.
 */
export function gapThreshold(points: readonly HistoryPoint[], intervalMs: number): number {
  const deltas: number[] = [];
  for (let i = 1; i < points.length; i++) deltas.push(points[i]!.t - points[i - 1]!.t);
  deltas.sort((a, b) => a - b);
  const median = deltas.length > 0 ? deltas[Math.floor(deltas.length / 2)]! : 0;
  return Math.max(intervalMs * 2.5, median * 3);
}

/**
 * Chart.js series from server buckets. A missing stretch becomes a gap (a null point) instead of a
 * straight line across it: an officer must see that the depot went silent, not a plausible
 * interpolation.
 */
export function toChartSeries(points: readonly HistoryPoint[], intervalMs: number): ChartSeries {
  const out: ChartSeries = { mean: [], min: [], max: [] };
  const gap = gapThreshold(points, intervalMs);
  let prev: number | null = null;
  for (const p of points) {
    if (prev !== null && gap > 0 && p.t - prev > gap) {
      const gapAt = prev + intervalMs;
      out.mean.push({ x: gapAt, y: null }); out.min.push({ x: gapAt, y: null }); out.max.push({ x: gapAt, y: null });
    }
    out.mean.push({ x: p.t, y: p.mean }); out.min.push({ x: p.t, y: p.min }); out.max.push({ x: p.t, y: p.max });
    prev = p.t;
  }
  return out;
}

const RANGE_MS: Readonly<Record<HistoryRange, number>> = {
  '1h': 3_600_000, '6h': 21_600_000, '24h': 86_400_000, '7d': 604_800_000, '30d': 2_592_000_000,
};
export function rangeMs(r: HistoryRange): number {
  return RANGE_MS[r];
}

/** the time unit for the x axis ticks: minutes for an hour, days for a month */
export function timeUnitFor(r: HistoryRange): 'minute' | 'hour' | 'day' {
  switch (r) {
    case '1h': return 'minute';
    case '6h': case '24h': return 'hour';
    case '7d': case '30d': return 'day';
  }
}
