import type { ReadinessLevel, Reason, Severity } from '../types.js';
import { readinessLook } from './readiness.js';

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, major: 1, minor: 2, warning: 3 };

const idCollator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Worst readiness first, so a new problem rises to the top-left where eyes land; then by id for a stable order. */
export function compareDepots(a: { id: string; readiness: ReadinessLevel }, b: { id: string; readiness: ReadinessLevel }): number {
  const byLevel = readinessLook(a.readiness).rank - readinessLook(b.readiness).rank;
  return byLevel !== 0 ? byLevel : idCollator.compare(a.id, b.id);
}

export function sortDepots<T extends { id: string; readiness: ReadinessLevel }>(depots: readonly T[]): T[] {
  return [...depots].sort(compareDepots);
}

export function compareReasons(a: Reason, b: Reason): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
}

/** The n most severe reasons (stable within a severity: the server's order is kept) and how many were left out. */
export function topReasons(reasons: readonly Reason[], n: number): { shown: Reason[]; more: number } {
  const sorted = [...reasons].sort(compareReasons);
  return { shown: sorted.slice(0, n), more: Math.max(0, sorted.length - n) };
}
