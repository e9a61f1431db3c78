import type { MessageKey } from '../i18n/index.js';
import type { DeviceStatus, ReadinessLevel, Severity } from '../types.js';

/**
 * How each readiness level looks on the board. ISA-101: normal is muted, saturated colour is kept
 * for abnormal states, and colour is never the only cue — every level also has its own shape, glyph
 * and word, so the board reads the same to a colour-blind officer or on a washed-out TV.
 */
export const READINESS_LEVELS = ['ready', 'degraded', 'not_ready', 'unknown'] as const satisfies readonly ReadinessLevel[];

export type Tone = 'normal' | 'warning' | 'alarm' | 'unknown';
export type Shape = 'circle' | 'triangle' | 'diamond' | 'square';
export type Glyph = 'check' | 'bang' | 'cross' | 'question';

export interface ReadinessLook {
  level: ReadinessLevel;
  tone: Tone;
  shape: Shape;
  glyph: Glyph;
  /** the text glyph for places that cannot draw SVG (titles, logs) */
  symbol: string;
  labelKey: MessageKey;
  /** 0 is the worst: tiles sort by this */
  rank: number;
}

const LOOKS: Readonly<Record<ReadinessLevel, ReadinessLook>> = {
  not_ready: { level: 'not_ready', tone: 'alarm', shape: 'diamond', glyph: 'cross', symbol: '◆', labelKey: 'readiness.not_ready', rank: 0 },
  degraded: { level: 'degraded', tone: 'warning', shape: 'triangle', glyph: 'bang', symbol: '▲', labelKey: 'readiness.degraded', rank: 1 },
  // "unknown" ranks above "ready": a depot we cannot see may be in any state, so it must not hide at the end.
  unknown: { level: 'unknown', tone: 'unknown', shape: 'square', glyph: 'question', symbol: '?', labelKey: 'readiness.unknown', rank: 2 },
  ready: { level: 'ready', tone: 'normal', shape: 'circle', glyph: 'check', symbol: '✓', labelKey: 'readiness.ready', rank: 3 },
};

export function readinessLook(level: ReadinessLevel): ReadinessLook {
  return LOOKS[level];
}

export function worstReadiness(levels: Iterable<ReadinessLevel>): ReadinessLevel {
  let worst: ReadinessLevel = 'ready';
  for (const l of levels) if (LOOKS[l].rank < LOOKS[worst].rank) worst = l;
  return worst;
}

/**
 * Device statuses reuse the same visual language as readiness so one legend explains the board.
 * An alarm is red only when it is critical (its severity, when known, comes from the alarm list);
 * a lesser alarm is amber, as its depot is.
 */
export function deviceStatusLook(status: DeviceStatus, severity?: Severity): ReadinessLook {
  switch (status) {
    case 'normal': return LOOKS.ready;
    case 'alarm': return severity === undefined || severity === 'critical' ? LOOKS.not_ready : LOOKS.degraded;
    case 'not_reporting': return LOOKS.degraded;
    case 'unknown': return LOOKS.unknown;
  }
}

const r2 = (n: number): string => (Math.round(n * 100) / 100).toString();

/** SVG path of a level's outline shape centred on (cx, cy) with "radius" r; equal visual weight per shape. */
export function shapePath(shape: Shape, cx: number, cy: number, r: number): string {
  switch (shape) {
    case 'circle':
      return `M${r2(cx - r)} ${r2(cy)}a${r2(r)} ${r2(r)} 0 1 0 ${r2(2 * r)} 0a${r2(r)} ${r2(r)} 0 1 0 ${r2(-2 * r)} 0Z`;
    case 'triangle': {
      // a triangle looks smaller than a circle of the same radius; enlarge it slightly
      const t = r * 1.18;
      return `M${r2(cx)} ${r2(cy - t)}L${r2(cx + t * 0.94)} ${r2(cy + t * 0.72)}L${r2(cx - t * 0.94)} ${r2(cy + t * 0.72)}Z`;
    }
    case 'diamond': {
      const d = r * 1.15;
      return `M${r2(cx)} ${r2(cy - d)}L${r2(cx + d)} ${r2(cy)}L${r2(cx)} ${r2(cy + d)}L${r2(cx - d)} ${r2(cy)}Z`;
    }
    case 'square': {
      const s = r * 0.88;
      return `M${r2(cx - s)} ${r2(cy - s)}H${r2(cx + s)}V${r2(cy + s)}H${r2(cx - s)}Z`;
    }
  }
}

/** Stroke path of the glyph inside the shape; "question" is drawn as text by the caller. */
export function glyphPath(glyph: Glyph, cx: number, cy: number, r: number): string | null {
  const k = r * 0.45;
  switch (glyph) {
    case 'check':
      return `M${r2(cx - k)} ${r2(cy + k * 0.05)}L${r2(cx - k * 0.25)} ${r2(cy + k * 0.75)}L${r2(cx + k)} ${r2(cy - k * 0.7)}`;
    case 'cross':
      return `M${r2(cx - k)} ${r2(cy - k)}L${r2(cx + k)} ${r2(cy + k)}M${r2(cx + k)} ${r2(cy - k)}L${r2(cx - k)} ${r2(cy + k)}`;
    case 'bang':
      // drawn a little low because the triangle's visual centre is below its bounding-box centre
      return `M${r2(cx)} ${r2(cy - k * 0.55)}V${r2(cy + k * 0.55)}M${r2(cx)} ${r2(cy + k * 1.05)}v0.01`;
    case 'question':
      return null;
  }
}

/** The readiness look a reason of this severity is drawn with; minor and warning stay unmarked (muted bullet). */
export function severityLevel(sev: Severity): ReadinessLevel | null {
  switch (sev) {
    case 'critical': return 'not_ready';
    case 'major': return 'degraded';
    case 'minor': case 'warning': return null;
  }
}
