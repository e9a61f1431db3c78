import type { SensorKind } from '../../../../server/src/contracts/telemetry.js';

/**
 * When the edge takes a camera's snapshot by itself: a door, motion, fence or smoke reading of the camera's zone
 * going into its alarm state (0 → 1, or a first reading that is already 1: the centre raises on that too), and no
 * oftener than the camera's debounce allows. Pure: the caller passes the time.
 *
 *   before   now   snapshot?
 *   (none)   0     no        a first reading at rest
 *   (none)   1     yes       a door already open when the edge starts
 *   0        1     yes
 *   1        1     no        still open: no new picture for every poll
 *   1        0     no        closing is not alarm-relevant
 */
export const SNAPSHOT_TRIGGER_KINDS: ReadonlySet<SensorKind> = new Set(['door', 'motion', 'fence', 'smoke']);

const active = (v: number) => v >= 0.5;

export function createAlarmEdges() {
  const last = new Map<string, boolean>();
  return {
    /** true when this reading takes the sensor into its alarm state */
    observe(sensorId: string, kind: SensorKind, value: number): boolean {
      if (!SNAPSHOT_TRIGGER_KINDS.has(kind) || !Number.isFinite(value)) return false;
      const before = last.get(sensorId);
      const now = active(value);
      last.set(sensorId, now);
      return now && before !== true;
    },
  };
}

/**
 * At most one snapshot per `minMs` per camera. A trigger inside the window is dropped (counted by the caller), not
 * deferred: the picture taken at the window's start already shows what the first change looked like, and the
 * next change after the window takes a fresh one.
 */
export function createDebounce() {
  const last = new Map<string, number>();
  return {
    allow(key: string, now: number, minMs: number): boolean {
      const at = last.get(key);
      if (at !== undefined && now - at < minMs) return false;
      last.set(key, now);
      return true;
    },
  };
}
