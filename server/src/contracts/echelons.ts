import type { ReadinessLevel, Severity } from '../../../config/schema.js';
import type { ReasonCode } from './api.js';

/** One kind of trouble beneath a node: its worst severity and how many depots have it. */
export interface EchelonReason { code: ReasonCode; severity: Severity; depots: number }

/**
 * GET /api/echelons: the echelon tree (regions → units → depots) with each node's roll-up over the
 * depots beneath it that the caller may see. A caller scoped to some depots gets only the branches
 * holding them, rolled up from those depots alone.
 */
export interface EchelonNodeView {
  id: string;
  name: string;
  nameEn?: string;
  kind: 'region' | 'unit';
  /** null for a region */
  parent: string | null;
  depth: number;
  /** the worst readiness beneath; `unknown` for a node with no depots */
  readiness: ReadinessLevel;
  /** depots beneath, by readiness */
  counts: Record<ReadinessLevel, number>;
  /** the kinds of trouble beneath, worst first, at most MAX_ECHELON_REASONS */
  reasons: EchelonReason[];
  /** depots placed directly here, in configuration order */
  depots: string[];
  children: EchelonNodeView[];
}

export const MAX_ECHELON_REASONS = 5;
