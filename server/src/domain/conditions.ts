import type { CameraView, DeviceStatus, ReasonCode, SensorView } from '../contracts/api.js';
import { SENSOR_UNITS } from '../contracts/telemetry.js';
import type { RulesConfig, Severity } from '../../../config/schema.js';
import type { DepotLive } from './live-types.js';
import { isWithinSchedule } from './schedule.js';
import type { CameraEntry, SensorEntry } from './site-index.js';

/** One abnormal fact about a depot: the raw material of readiness (and, later, of alarms). */
export interface Condition {
  /** stable identity: `<ruleId>:<deviceId>` */
  key: string;
  code: ReasonCode;
  severity: Severity;
  device: { type: 'sensor' | 'camera' | 'collector'; id: string; zone?: string };
  params: Record<string, string | number>;
  /** the rule's on/off delays: how long the condition must hold (or be gone) before the alarm changes */
  onDelayMs: number;
  offDelayMs: number;
}

export interface DeviceEvaluation {
  sensors: SensorView[];
  cameras: CameraView[];
  conditions: Condition[];
  activeThresholds: Set<string>;
}

/**
 * Evaluates every configured device of one depot against the rules at time `now`.
 * Pure: same inputs, same answer. A device whose collector is offline is not reported as
 * "not reporting" on its own: the collector condition explains it.
 */
export function evaluateDevices(
  sensors: readonly SensorEntry[], cameras: readonly CameraEntry[], live: DepotLive, rules: RulesConfig, now: number,
): DeviceEvaluation {
  const conditions: Condition[] = [];
  const activeThresholds = new Set<string>();
  const collectorOffline = live.collector?.state === 'offline';
  const stale = (receivedAt: number, intervalS: number) => now - receivedAt > rules.staleFactor * intervalS * 1000;

  const sensorViews = sensors.map((entry): SensorView => {
    const { sensor, zone, depot } = entry;
    const reading = live.sensors.get(sensor.id);
    const view: SensorView = { id: sensor.id, kind: sensor.kind, zone: zone.id, unit: SENSOR_UNITS[sensor.kind], value: reading?.value ?? null, ts: reading?.ts ?? null, status: 'unknown' };
    if (entry.low !== undefined) view.low = entry.low;
    if (entry.high !== undefined) view.high = entry.high;
    if (!reading) return view;
    if (stale(reading.receivedAt, sensor.intervalS)) {
      view.status = 'not_reporting';
      if (!collectorOffline) {
        conditions.push({ key: `not_reporting:${sensor.id}`, code: 'not_reporting', severity: rules.notReporting, device: { type: 'sensor', id: sensor.id, zone: zone.id }, params: { device: sensor.id, kind: sensor.kind, zone: zone.name }, ...NO_DELAY });
      }
      return view;
    }
    let status: DeviceStatus = 'normal';
    for (const rule of entry.thresholds) {
      const key = `${rule.id}:${sensor.id}`;
      const was = live.activeThresholds.has(key);
      const high = rule.high !== undefined && (reading.value > rule.high || (was && reading.value > rule.high - rule.deadband));
      const low = rule.low !== undefined && (reading.value < rule.low || (was && reading.value < rule.low + rule.deadband));
      if (!high && !low) continue;
      activeThresholds.add(key);
      status = 'alarm';
      conditions.push({
        key, code: high ? 'threshold_high' : 'threshold_low', severity: rule.severity, device: { type: 'sensor', id: sensor.id, zone: zone.id },
        params: { device: sensor.id, kind: sensor.kind, zone: zone.name, value: round(reading.value), unit: SENSOR_UNITS[sensor.kind], limit: (high ? rule.high : rule.low) ?? 0 },
        onDelayMs: rule.onDelayS * 1000, offDelayMs: rule.offDelayS * 1000,
      });
    }
    for (const rule of entry.rates) {
      const prev = reading.prev;
      // a rate over less than 30 s is mostly sensor jitter
      if (!prev || reading.ts - prev.ts < 30_000) continue;
      const perMin = Math.abs(reading.value - prev.value) / ((reading.ts - prev.ts) / 60_000);
      if (perMin <= rule.maxPerMin) continue;
      status = 'alarm';
      conditions.push({
        key: `${rule.id}:${sensor.id}`, code: 'rate_of_change', severity: rule.severity, device: { type: 'sensor', id: sensor.id, zone: zone.id },
        params: { device: sensor.id, kind: sensor.kind, zone: zone.name, rate: round(perMin), unit: SENSOR_UNITS[sensor.kind], limit: rule.maxPerMin },
        onDelayMs: rule.onDelayS * 1000, offDelayMs: rule.offDelayS * 1000,
      });
    }
    for (const rule of entry.states) {
      if (reading.value !== rule.active) continue;
      if (rule.outsideSchedule && isWithinSchedule(zone.doorSchedule, now, depot.utcOffsetMin)) continue;
      status = 'alarm';
      const code: ReasonCode = rule.outsideSchedule ? (sensor.kind === 'door' ? 'door_outside_schedule' : 'motion_outside_schedule') : 'state_active';
      conditions.push({ key: `${rule.id}:${sensor.id}`, code, severity: rule.severity, device: { type: 'sensor', id: sensor.id, zone: zone.id }, params: { device: sensor.id, kind: sensor.kind, zone: zone.name }, onDelayMs: rule.onDelayS * 1000, offDelayMs: rule.offDelayS * 1000 });
    }
    view.status = status;
    return view;
  });

  const cameraViews = cameras.map(({ camera, zone }): CameraView => {
    const rec = live.cameras.get(camera.id);
    const view: CameraView = { id: camera.id, zone: zone.id, health: rec?.health ?? null, ts: rec?.ts ?? null, status: 'unknown' };
    if (!rec) return view;
    if (stale(rec.receivedAt, camera.intervalS)) {
      view.status = 'not_reporting';
      if (!collectorOffline) conditions.push({ key: `not_reporting:${camera.id}`, code: 'not_reporting', severity: rules.notReporting, device: { type: 'camera', id: camera.id, zone: zone.id }, params: { device: camera.id, kind: 'camera', zone: zone.name }, ...NO_DELAY });
      return view;
    }
    const h = rec.health;
    const faults: [boolean, ReasonCode, Severity][] = [
      [!h.online, 'cameras_offline', rules.camera.offline],
      [h.online && h.recording === false, 'cameras_not_recording', rules.camera.notRecording],
      [h.tamper === true, 'camera_tamper', rules.camera.tamper],
      [h.videoLoss === true, 'camera_video_loss', rules.camera.videoLoss],
    ];
    view.status = 'normal';
    for (const [active, code, severity] of faults) {
      if (!active) continue;
      view.status = 'alarm';
      conditions.push({ key: `${code}:${camera.id}`, code, severity, device: { type: 'camera', id: camera.id, zone: zone.id }, params: { device: camera.id, zone: zone.name }, ...NO_DELAY });
    }
    return view;
  });

  if (live.collector?.state === 'offline') {
    conditions.push({
      key: 'collector_offline', code: 'collector_offline', severity: rules.collectorOffline, device: { type: 'collector', id: 'collector' },
      params: { minutes: Math.max(0, Math.floor((now - live.collector.since) / 60_000)) }, ...NO_DELAY,
    });
  }
  return { sensors: sensorViews, cameras: cameraViews, conditions, activeThresholds };
}

const round = (v: number) => Math.round(v * 10) / 10;
const NO_DELAY = { onDelayMs: 0, offDelayMs: 0 } as const;
