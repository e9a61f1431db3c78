import type { SensorKind } from '../types.js';
import { isBinaryKind } from './format.js';

/**
 * Geometry of the small "value against its normal range" bar (ISA-101: no bare numbers).
 * Positions are percentages of the bar's width; the domain is chosen so that the normal band sits
 * in the middle and a value outside it is visibly outside, clamped to the bar's ends.
 */
export interface Gauge {
  min: number;
  max: number;
  /** 0..100, the marker position */
  valuePct: number;
  /** the normal band; absent ends extend to the bar's edge */
  normalFromPct: number;
  normalToPct: number;
  outside: 'low' | 'high' | null;
}

export function gaugeFor(kind: SensorKind, unit: string, value: number | null, low?: number, high?: number): Gauge | null {
  if (isBinaryKind(kind) || value === null || !Number.isFinite(value)) return null;
  if (low === undefined && high === undefined) return null;
  const percentUnit = unit.startsWith('%');
  let min: number;
  let max: number;
  if (low !== undefined && high !== undefined) {
    const span = Math.max(high - low, 1e-9);
    min = low - span * 0.5;
    max = high + span * 0.5;
  } else if (high !== undefined) {
    min = Math.min(0, high * 0.25);
    max = high * 1.35;
  } else {
    const l = low ?? 0;
    min = l * 0.7;
    max = l * 1.35;
  }
  if (percentUnit) {
    min = Math.max(0, min);
    max = Math.min(100, Math.max(max, min + 1));
  }
  const pct = (v: number): number => Math.min(100, Math.max(0, ((v - min) / (max - min)) * 100));
  const outside = high !== undefined && value > high ? 'high' : low !== undefined && value < low ? 'low' : null;
  return {
    min, max,
    valuePct: pct(value),
    normalFromPct: low === undefined ? 0 : pct(low),
    normalToPct: high === undefined ? 100 : pct(high),
    outside,
  };
}
