import type { CameraHealth, CollectorState } from '../contracts/telemetry.js';

/** The latest known facts about one depot's devices, as the live state keeps them. */
export interface SensorLive {
  value: number;
  ts: number;
  receivedAt: number;
  /** the reading before this one, for rate-of-change rules */
  prev?: { value: number; ts: number };
}
export interface CameraLive { health: CameraHealth; ts: number; receivedAt: number }
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
