import type {
  CameraConfig, DepotConfig, RateRule, RulesConfig, SensorConfig, SiteConfig, StateRule, ThresholdRule, ZoneConfig,
} from '../../../config/schema.js';
import { buildEchelonTree, type EchelonTree } from './echelons.js';

/** A configured sensor with everything the hot path needs, resolved once at start. */
export interface SensorEntry {
  depot: DepotConfig;
  zone: ZoneConfig;
  sensor: SensorConfig;
  /** threshold rules that apply to this sensor, with the zone's overrides already folded in */
  thresholds: ThresholdRule[];
  states: StateRule[];
  rates: RateRule[];
  /** the tightest limits, to draw the value against its normal range */
  low?: number;
  high?: number;
}

export interface CameraEntry { depot: DepotConfig; zone: ZoneConfig; camera: CameraConfig }

/**
 * Read-only lookups over the site configuration: which depot, zone and rules a device belongs to.
 * Built once per configuration version; every lookup is a Map hit.
 */
export interface SiteIndex {
  readonly site: SiteConfig;
  depot(id: string): DepotConfig | undefined;
  sensor(depotId: string, sensorId: string): SensorEntry | undefined;
  camera(depotId: string, cameraId: string): CameraEntry | undefined;
  sensorsOf(depotId: string): readonly SensorEntry[];
  camerasOf(depotId: string): readonly CameraEntry[];
  /** regions → units → depots (domain/echelons.ts) */
  readonly echelons: EchelonTree;
}

export function buildSiteIndex(site: SiteConfig): SiteIndex {
  const depots = new Map(site.depots.map((d) => [d.id, d]));
  const sensors = new Map<string, SensorEntry>();
  const cameras = new Map<string, CameraEntry>();
  const sensorsByDepot = new Map<string, SensorEntry[]>();
  const camerasByDepot = new Map<string, CameraEntry[]>();
  for (const depot of site.depots) {
    const zones = new Map(depot.zones.map((z) => [z.id, z]));
    const sList: SensorEntry[] = [];
    for (const sensor of depot.sensors) {
      const zone = zones.get(sensor.zone);
      if (!zone) continue; // the schema refuses unknown zones; this only narrows the type
      const entry = resolveSensor(depot, zone, sensor, site.rules);
      sensors.set(key(depot.id, sensor.id), entry);
      sList.push(entry);
    }
    const cList: CameraEntry[] = [];
    for (const camera of depot.cameras) {
      const zone = zones.get(camera.zone);
      if (!zone) continue;
      const entry = { depot, zone, camera };
      cameras.set(key(depot.id, camera.id), entry);
      cList.push(entry);
    }
    sensorsByDepot.set(depot.id, sList);
    camerasByDepot.set(depot.id, cList);
  }
  return {
    site,
    depot: (id) => depots.get(id),
    sensor: (d, s) => sensors.get(key(d, s)),
    camera: (d, c) => cameras.get(key(d, c)),
    sensorsOf: (d) => sensorsByDepot.get(d) ?? [],
    camerasOf: (d) => camerasByDepot.get(d) ?? [],
    echelons: buildEchelonTree({ regions: site.regions, units: site.units ?? [], depots: site.depots }),
  };
}

const key = (a: string, b: string) => `${a}\u0000${b}`;

export function applies(rule: { kind: string; zoneTypes?: readonly string[] | undefined }, sensor: SensorConfig, zone: ZoneConfig): boolean {
  return rule.kind === sensor.kind && (!rule.zoneTypes || rule.zoneTypes.includes(zone.type));
}

/** a sensor with the rules of `rules` that apply to it, the zone's limits folded in (the backtest resolves one rule this way) */
export function resolveSensor(depot: DepotConfig, zone: ZoneConfig, sensor: SensorConfig, rules: RulesConfig): SensorEntry {
  const override = zone.limits?.[sensor.kind];
  const thresholds = rules.thresholds.filter((r) => applies(r, sensor, zone)).map((r) => {
    if (!override) return r;
    // A zone override replaces the limit of the least severe rule in each direction only when the rule
    // sets that direction; more severe rules (gas 20 %LEL critical) keep their own limits.
    return { ...r, high: r.high !== undefined && override.high !== undefined ? override.high : r.high, low: r.low !== undefined && override.low !== undefined ? override.low : r.low };
  });
  const highs = thresholds.map((r) => r.high).filter((v): v is number => v !== undefined);
  const lows = thresholds.map((r) => r.low).filter((v): v is number => v !== undefined);
  const entry: SensorEntry = {
    depot, zone, sensor, thresholds, states: rules.states.filter((r) => applies(r, sensor, zone)), rates: rules.rates.filter((r) => applies(r, sensor, zone)),
  };
  if (highs.length) entry.high = Math.min(...highs);
  if (lows.length) entry.low = Math.max(...lows);
  return entry;
}

/** whether a depot, or a sensor or camera of it, is configured (maintenance requests name one) */
export function hasDevice(index: SiteIndex, depot: string, device: { type: 'sensor' | 'camera'; id: string } | null): boolean {
  if (!index.depot(depot)) return false;
  if (!device) return true;
  return device.type === 'sensor' ? !!index.sensor(depot, device.id) : !!index.camera(depot, device.id);
}
