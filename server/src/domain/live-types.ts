import type { CameraHealth, CollectorState } from '../contracts/telemetry.js';

/** The latest known facts about one depot's devices, as the live state keeps them. */
export interface SensorLive {
  value: number;
  ts: number;
  receivedAt: number;
  /** how late it arrived beyond the device's usual (delivery-lag.ts); absent: on time */
  lateBy?: number;
  /** the reading before this one, for rate-of-change rules */
  prev?: { value: number; ts: number };
}
export interface CameraLive { health: CameraHealth; ts: number; receivedAt: number; lateBy?: number }
export interface CollectorLive { state: CollectorState; ts: number; receivedAt: number; since: number; version?: string; spooled: number }

export interface DepotLive {
  sensors: Map<string, SensorLive>;
  cameras: Map<string, CameraLive>;
  collector: CollectorLive | null;
  /** threshold conditions active at the last evaluation: deadband hysteresis needs them */
  activeThresholds: ReadonlySet<string>;
  lastSeen: number | null;
  rejected: number;
}

export function emptyDepotLive(): DepotLive {
  return { sensors: new Map(), cameras: new Map(), collector: null, activeThresholds: new Set(), lastSeen: null, rejected: 0 };
}

/** the reference for rate-of-change moves on once a minute, so that the rate is taken over a span long
 * enough for sensor jitter not to look like a fire */
export const RATE_REF_SPAN_MS = 60_000;

/**
 * A sensor's live record after a reading: the live state and the rule backtest both take it from here,
 * so a replayed history sees exactly what the live engine would have seen. A late reading (older ts)
 * does not overwrite a newer one; it only says the device was heard.
 */
export function nextSensorLive(prev: SensorLive | undefined, value: number, ts: number, receivedAt: number, lateBy = 0): SensorLive {
  if (prev && ts < prev.ts) return { ...prev, receivedAt };
  const ref = !prev ? undefined : !prev.prev || ts - prev.prev.ts >= RATE_REF_SPAN_MS ? { value: prev.value, ts: prev.ts } : prev.prev;
  return { value, ts, receivedAt, ...(lateBy > 0 ? { lateBy } : {}), ...(ref ? { prev: ref } : {}) };
}
