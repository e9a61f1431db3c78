import type { CameraView, DeviceStatus, ReasonCode, SensorView } from '../contracts/api.js';
import { depotOffsetMin } from './recurrence.js';
import { silentFor } from './delivery-lag.js';
import { SENSOR_UNITS } from '../contracts/telemetry.js';
import type { RulesConfig, Severity } from '../../../config/schema.js';
import type { CameraLive, DepotLive, SensorLive } from './live-types.js';
import { isWithinSchedule } from '../contracts/schedule.js';
import type { CameraEntry, SensorEntry } from './site-index.js';

/** One abnormal fact about a depot: the raw material of readiness and of alarms. */
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

export interface EvalContext {
  rules: RulesConfig;
  now: number;
  /** while the collector is offline its devices' silence is explained by it, not reported one by one */
  collectorOffline: boolean;
  /** threshold conditions active at the previous evaluation: deadband hysteresis needs them */
  wasActive: (key: string) => boolean;
  /** when the live state started: a device silent since then, in a depot that talks, is not reporting */
  startedAt: number;
  depotHasData: boolean;
  /** how late deliveries run now (delivery-lag.ts): silence is judged net of it; absent: 0 */
  lateness?: number;
}

export interface SensorResult { view: SensorView; conditions: Condition[]; activeThresholds: string[] }
export interface CameraResult { view: CameraView; conditions: Condition[] }

const NO_DELAY = { onDelayMs: 0, offDelayMs: 0 } as const;
const round = (v: number) => Math.round(v * 10) / 10;
const stale = (ctx: EvalContext, receivedAt: number, intervalS: number, lateBy = 0) =>
  silentFor(ctx.now, receivedAt, lateBy, ctx.lateness ?? 0) > ctx.rules.staleFactor * intervalS * 1000;
/** never heard since start, while its depot is heard: silent for as long as if it had reported at start */
const silentSinceStart = (ctx: EvalContext, intervalS: number) => ctx.depotHasData && stale(ctx, ctx.startedAt, intervalS);

/** One sensor against its rules at `ctx.now`. Pure. */
export function evaluateSensor(entry: SensorEntry, reading: SensorLive | undefined, ctx: EvalContext): SensorResult {
  const { sensor, zone, depot } = entry;
  const view: SensorView = { id: sensor.id, kind: sensor.kind, zone: zone.id, unit: SENSOR_UNITS[sensor.kind], value: reading?.value ?? null, ts: reading?.ts ?? null, status: 'unknown' };
  if (entry.low !== undefined) view.low = entry.low;
  if (entry.high !== undefined) view.high = entry.high;
  if (sensor.code !== undefined) view.equipmentCode = sensor.code;
  const conditions: Condition[] = [];
  const activeThresholds: string[] = [];
  const result = { view, conditions, activeThresholds };
  const device = { type: 'sensor' as const, id: sensor.id, zone: zone.id };
  const base = { device: sensor.id, kind: sensor.kind, zone: zone.name, zoneId: zone.id, ...(zone.nameEn ? { zoneNameEn: zone.nameEn } : {}) };
  if (!reading) {
    if (silentSinceStart(ctx, sensor.intervalS)) {
      view.status = 'not_reporting';
      if (!ctx.collectorOffline) conditions.push({ key: `not_reporting:${sensor.id}`, code: 'not_reporting', severity: ctx.rules.notReporting, device, params: base, ...NO_DELAY });
    }
    return result;
  }
  if (stale(ctx, reading.receivedAt, sensor.intervalS, reading.lateBy)) {
    view.status = 'not_reporting';
    if (!ctx.collectorOffline) conditions.push({ key: `not_reporting:${sensor.id}`, code: 'not_reporting', severity: ctx.rules.notReporting, device, params: base, ...NO_DELAY });
    return result;
  }
  let status: DeviceStatus = 'normal';
  for (const rule of entry.thresholds) {
    const key = `${rule.id}:${sensor.id}`;
    const was = ctx.wasActive(key);
    const high = rule.high !== undefined && (reading.value > rule.high || (was && reading.value > rule.high - rule.deadband));
    const low = rule.low !== undefined && (reading.value < rule.low || (was && reading.value < rule.low + rule.deadband));
    if (!high && !low) continue;
    activeThresholds.push(key);
    status = 'alarm';
    conditions.push({
      key, code: high ? 'threshold_high' : 'threshold_low', severity: rule.severity, device,
      params: { ...base, value: round(reading.value), unit: SENSOR_UNITS[sensor.kind], limit: (high ? rule.high : rule.low) ?? 0 },
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
      key: `${rule.id}:${sensor.id}`, code: 'rate_of_change', severity: rule.severity, device,
      params: { ...base, rate: round(perMin), unit: SENSOR_UNITS[sensor.kind], limit: rule.maxPerMin },
      onDelayMs: rule.onDelayS * 1000, offDelayMs: rule.offDelayS * 1000,
    });
  }
  for (const rule of entry.states) {
    if (reading.value !== rule.active) continue;
    if (rule.outsideSchedule && isWithinSchedule(zone.doorSchedule, ctx.now, depotOffsetMin(depot, ctx.now))) continue;
    status = 'alarm';
    const code: ReasonCode = rule.outsideSchedule ? (sensor.kind === 'door' ? 'door_outside_schedule' : 'motion_outside_schedule') : 'state_active';
    conditions.push({ key: `${rule.id}:${sensor.id}`, code, severity: rule.severity, device, params: base, onDelayMs: rule.onDelayS * 1000, offDelayMs: rule.offDelayS * 1000 });
  }
  view.status = status;
  return result;
}

/** One camera's health against the camera rules. Pure. */
export function evaluateCamera({ camera, zone }: CameraEntry, rec: CameraLive | undefined, ctx: EvalContext): CameraResult {
  const view: CameraView = { id: camera.id, zone: zone.id, health: rec?.health ?? null, ts: rec?.ts ?? null, status: 'unknown', ...(camera.code !== undefined ? { equipmentCode: camera.code } : {}) };
  const conditions: Condition[] = [];
  const device = { type: 'camera' as const, id: camera.id, zone: zone.id };
  if (!rec ? silentSinceStart(ctx, camera.intervalS) : stale(ctx, rec.receivedAt, camera.intervalS, rec.lateBy)) {
    view.status = 'not_reporting';
    if (!ctx.collectorOffline) conditions.push({ key: `not_reporting:${camera.id}`, code: 'not_reporting', severity: ctx.rules.notReporting, device, params: { device: camera.id, kind: 'camera', zone: zone.name, zoneId: zone.id, ...(zone.nameEn ? { zoneNameEn: zone.nameEn } : {}) }, ...NO_DELAY });
    return { view, conditions };
  }
  if (!rec) return { view, conditions };
  const h = rec.health;
  const faults: [boolean, ReasonCode, Severity][] = [
    [!h.online, 'cameras_offline', ctx.rules.camera.offline],
    [h.online && h.recording === false, 'cameras_not_recording', ctx.rules.camera.notRecording],
    [h.tamper === true, 'camera_tamper', ctx.rules.camera.tamper],
    [h.videoLoss === true, 'camera_video_loss', ctx.rules.camera.videoLoss],
  ];
  view.status = 'normal';
  for (const [active, code, severity] of faults) {
    if (!active) continue;
    view.status = 'alarm';
    conditions.push({ key: `${code}:${camera.id}`, code, severity, device, params: { device: camera.id, zone: zone.name, zoneId: zone.id, ...(zone.nameEn ? { zoneNameEn: zone.nameEn } : {}) }, ...NO_DELAY });
  }
  return { view, conditions };
}

/** The collector's Last Will or an explicit offline status (SPEC §3). */
export function collectorCondition(live: DepotLive, rules: RulesConfig, now: number): Condition | null {
  if (live.collector?.state !== 'offline') return null;
  return {
    key: 'collector_offline', code: 'collector_offline', severity: rules.collectorOffline, device: { type: 'collector', id: 'collector' },
    params: { minutes: Math.max(0, Math.floor((now - live.collector.since) / 60_000)) }, ...NO_DELAY,
  };
}

export interface DeviceEvaluation { sensors: SensorView[]; cameras: CameraView[]; conditions: Condition[]; activeThresholds: Set<string> }

/** Every configured device of one depot at `now`: the whole-depot form of the functions above. */
export function evaluateDevices(
  sensors: readonly SensorEntry[], cameras: readonly CameraEntry[], live: DepotLive, rules: RulesConfig, now: number, startedAt = now,
): DeviceEvaluation {
  const ctx: EvalContext = {
    rules, now, collectorOffline: live.collector?.state === 'offline', wasActive: (k) => live.activeThresholds.has(k),
    startedAt, depotHasData: live.lastSeen !== null || live.collector !== null,
  };
  const s = sensors.map((e) => evaluateSensor(e, live.sensors.get(e.sensor.id), ctx));
  const c = cameras.map((e) => evaluateCamera(e, live.cameras.get(e.camera.id), ctx));
  const collector = collectorCondition(live, rules, now);
  return {
    sensors: s.map((r) => r.view),
    cameras: c.map((r) => r.view),
    conditions: [...s.flatMap((r) => r.conditions), ...c.flatMap((r) => r.conditions), ...(collector ? [collector] : [])],
    activeThresholds: new Set(s.flatMap((r) => r.activeThresholds)),
  };
}
