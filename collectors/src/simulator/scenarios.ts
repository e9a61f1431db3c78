import { z } from 'zod';
import { idSchema } from '../../../server/src/contracts/ids.js';
import type { CameraHealth, SensorKind } from '../../../server/src/contracts/telemetry.js';
import type { DepotConfig, ZoneConfig } from '../../../config/schema.js';

/**
 * Scenario injection: pure definitions of what each fault does to a depot's telemetry. A scenario
 * is resolved once against the depot's configuration into concrete per-device overrides, which the
 * agent then lays over the healthy model values until the depot is cleared.
 */

/** What `simulate list` prints; the keys are the scenario names of the control protocol. */
export const SCENARIOS = {
  fire: 'smoke=1 in a store zone, its temperature rising 3 °C/min',
  intrusion: 'fence=1 on the perimeter; door open and motion in a store (outside schedule)',
  camera_down: 'a camera goes offline (online=false)',
  link_lost: "the collector's connection is cut abruptly: the broker publishes its Last Will",
  flood: 'water=1 in a zone with a water sensor',
  gas_leak: 'gas 25 %LEL in a fuel zone',
  humidity_high: 'store humidity 85 %RH',
  clear: 'end every scenario at the depot (reconnects after link_lost)',
} as const satisfies Record<string, string>;

export type ScenarioName = keyof typeof SCENARIOS;
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

/** The control topic a running simulator listens on, so another process can inject faults. */
export const SCENARIO_CONTROL_TOPIC = 'depotwatch-sim/scenario';

/** One control message: `{"scenario":"fire","depot":"K101","zone":"A"}`; `device` picks a camera or sensor. */
export const scenarioCommandSchema = z.object({
  scenario: z.enum(SCENARIO_NAMES as [ScenarioName, ...ScenarioName[]]),
  depot: idSchema,
  zone: idSchema.optional(),
  device: idSchema.optional(),
}).strict();
export type ScenarioCommand = z.infer<typeof scenarioCommandSchema>;

export type SensorOverride =
  | { type: 'fixed'; value: number }
  /** adds `perMinute` × minutes since the start to the healthy value, up to `max` */
  | { type: 'ramp'; perMinute: number; max: number };

export interface ActiveScenario {
  name: Exclude<ScenarioName, 'clear'>;
  depotId: string;
  zone?: string;
  startedAt: number;
  sensors: ReadonlyMap<string, SensorOverride>;
  cameras: ReadonlyMap<string, Partial<CameraHealth>>;
  /** link_lost: the agent drops its connection instead of overriding values */
  cutsLink: boolean;
}

/** A command that cannot apply to the depot; the message is meant for the person who typed it. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

const STORE_TYPES: ReadonlySet<ZoneConfig['type']> = new Set(['ammunition_store', 'fuel_store', 'equipment_store']);
const CAMERA_OFFLINE: Partial<CameraHealth> = { online: false, fps: 0, bitrateKbps: 0, recording: false };

/** Turns a command into overrides for this depot, or throws ScenarioError saying what is wrong. */
export function resolveScenario(depot: DepotConfig, cmd: ScenarioCommand, startedAt: number): ActiveScenario {
  if (cmd.depot !== depot.id) throw new ScenarioError(`command for depot ${cmd.depot} given to depot ${depot.id}`);
  if (cmd.zone !== undefined && !depot.zones.some((z) => z.id === cmd.zone)) {
    throw new ScenarioError(`depot ${depot.id} has no zone "${cmd.zone}" (zones: ${depot.zones.map((z) => z.id).join(', ')})`);
  }
  const sensors = new Map<string, SensorOverride>();
  const cameras = new Map<string, Partial<CameraHealth>>();
  const base = { depotId: depot.id, startedAt, sensors, cameras, cutsLink: false };
  /** the zone the command names, or the first zone holding a sensor of `kind` (stores first) */
  const targetZone = (kind: SensorKind, storesOnly: boolean): string => {
    if (cmd.zone !== undefined) return cmd.zone;
    const candidates = depot.zones.filter((z) => depot.sensors.some((s) => s.zone === z.id && s.kind === kind));
    const zone = candidates.find((z) => STORE_TYPES.has(z.type)) ?? (storesOnly ? undefined : candidates[0]);
    if (!zone) throw new ScenarioError(`${cmd.scenario}: depot ${depot.id} has no ${storesOnly ? 'store zone with a ' : ''}${kind} sensor`);
    return zone.id;
  };
  /** every sensor of `kind` in `zone`, or just `cmd.device` when the command names one */
  const pick = (kind: SensorKind, zone: string | undefined, useDevice: boolean): string[] => {
    const ids = depot.sensors.filter((s) => s.kind === kind && (zone === undefined || s.zone === zone)).map((s) => s.id);
    if (useDevice && cmd.device !== undefined) {
      const dev = depot.sensors.find((s) => s.id === cmd.device);
      if (!dev || dev.kind !== kind) throw new ScenarioError(`${cmd.scenario}: ${cmd.device} is not a ${kind} sensor of depot ${depot.id}`);
      return [dev.id];
    }
    if (ids.length === 0) throw new ScenarioError(`${cmd.scenario}: depot ${depot.id} has no ${kind} sensor${zone ? ` in zone ${zone}` : ''}`);
    return ids;
  };
  const set = (ids: readonly string[], o: SensorOverride) => { for (const id of ids) sensors.set(id, o); };
  const optional = (kind: SensorKind, zone: string): string[] =>
    depot.sensors.filter((s) => s.kind === kind && s.zone === zone).map((s) => s.id);

  switch (cmd.scenario) {
    case 'fire': {
      const zone = targetZone('smoke', false);
      set(pick('smoke', zone, true), { type: 'fixed', value: 1 });
      set(optional('temperature', zone), { type: 'ramp', perMinute: 3, max: 90 });
      return { ...base, name: 'fire', zone };
    }
    case 'intrusion': {
      // One fence line is cut; the intruder then opens a store outside its schedule.
      const [fence] = pick('fence', undefined, true);
      const fenceZone = depot.sensors.find((s) => s.id === fence)?.zone;
      const zone = targetZone('door', true);
      if (fence !== undefined) sensors.set(fence, { type: 'fixed', value: 1 });
      if (fenceZone !== undefined) set(optional('motion', fenceZone), { type: 'fixed', value: 1 });
      set(pick('door', zone, false), { type: 'fixed', value: 1 });
      set(optional('motion', zone), { type: 'fixed', value: 1 });
      return { ...base, name: 'intrusion', zone };
    }
    case 'camera_down': {
      const cam = cmd.device !== undefined
        ? depot.cameras.find((c) => c.id === cmd.device)
        : depot.cameras.find((c) => cmd.zone === undefined || c.zone === cmd.zone);
      if (!cam) {
        throw new ScenarioError(cmd.device !== undefined
          ? `camera_down: depot ${depot.id} has no camera "${cmd.device}"`
          : `camera_down: depot ${depot.id} has no camera${cmd.zone ? ` in zone ${cmd.zone}` : ''}`);
      }
      cameras.set(cam.id, CAMERA_OFFLINE);
      return { ...base, name: 'camera_down', zone: cam.zone };
    }
    case 'link_lost':
      return { ...base, name: 'link_lost', cutsLink: true };
    case 'flood': {
      const zone = targetZone('water', false);
      set(pick('water', zone, true), { type: 'fixed', value: 1 });
      return { ...base, name: 'flood', zone };
    }
    case 'gas_leak': {
      const zone = targetZone('gas', false);
      set(pick('gas', zone, true), { type: 'fixed', value: 25 });
      return { ...base, name: 'gas_leak', zone };
    }
    case 'humidity_high': {
      const zone = targetZone('humidity', true);
      set(pick('humidity', zone, true), { type: 'fixed', value: 85 });
      return { ...base, name: 'humidity_high', zone };
    }
    case 'clear':
      throw new ScenarioError('clear is not a fault: the agent ends its scenarios instead');
  }
}

/** Adds a scenario to the active list; the same scenario on the same zone replaces the earlier one. */
export function addScenario(active: readonly ActiveScenario[], s: ActiveScenario): ActiveScenario[] {
  return [...active.filter((a) => !(a.name === s.name && a.zone === s.zone)), s];
}

/** The sensor's value under the active scenarios; the most recent scenario wins. */
export function overrideSensor(active: readonly ActiveScenario[], sensorId: string, healthy: number, tMs: number): number {
  for (let i = active.length - 1; i >= 0; i--) {
    const s = active[i];
    const o = s?.sensors.get(sensorId);
    if (!s || !o) continue;
    if (o.type === 'fixed') return o.value;
    const minutes = Math.max(0, tMs - s.startedAt) / 60_000;
    return Math.round(Math.min(o.max, healthy + o.perMinute * minutes) * 10) / 10;
  }
  return healthy;
}

/** The camera's health under the active scenarios. */
export function overrideCamera(active: readonly ActiveScenario[], cameraId: string, healthy: CameraHealth): CameraHealth {
  let health = healthy;
  for (const s of active) {
    const o = s.cameras.get(cameraId);
    if (o) health = { ...health, ...o };
  }
  return health;
}

/** True while any active scenario keeps the collector's link down. */
export function linkCut(active: readonly ActiveScenario[]): boolean {
  return active.some((s) => s.cutsLink);
}
