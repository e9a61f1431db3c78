import type { SensorKind } from '../contracts/telemetry.js';
import type { DiscoveredType } from '../contracts/collectors.js';
import type { CameraConfig, SensorConfig, SiteConfig } from '../../../config/schema.js';

/** `{depot}.{type}.{id}`: IDs match ^[A-Za-z0-9_-]+$, so a dot never occurs inside one */
export const discoveredKey = (d: { depotId: string; type: DiscoveredType; id: string }): string => `${d.depotId}.${d.type}.${d.id}`;

export interface ApproveInput { zone: string; kind?: SensorKind | undefined; name?: string | undefined; intervalS?: number | undefined }
export interface Problem { path: string; message: string }

/**
 * A discovered device turned into the next site configuration: the sensor or camera appended to its
 * depot, in the zone the engineer chose. Pure. Every reason it cannot be is returned at once, each
 * naming the request field it concerns; the schema then checks the whole site as for PUT /api/config.
 * Thresholds are not set here: the rules for the zone's type apply to the new sensor like any other.
 */
export function approveIntoSite(
  site: SiteConfig,
  device: { depotId: string; type: DiscoveredType; id: string; sensorKind?: SensorKind | undefined },
  input: ApproveInput,
): { ok: true; site: SiteConfig; added: SensorConfig | CameraConfig } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  if (device.type === 'collector') {
    return { ok: false, problems: [{ path: 'key', message: `depot "${device.depotId}" is not in the configuration: add the depot first, then its collector reports as configured` }] };
  }
  const di = site.depots.findIndex((d) => d.id === device.depotId);
  const depot = site.depots[di];
  if (!depot) return { ok: false, problems: [{ path: 'key', message: `depot "${device.depotId}" is not in the configuration: add the depot first` }] };
  if (!depot.zones.some((z) => z.id === input.zone)) {
    problems.push({ path: 'zone', message: `unknown zone "${input.zone}" in depot ${depot.id} (one of ${depot.zones.map((z) => z.id).join(', ')})` });
  }
  const list = device.type === 'sensor' ? depot.sensors : depot.cameras;
  if (list.some((x) => x.id === device.id)) problems.push({ path: 'key', message: `${device.type} ${device.id} is already configured in depot ${depot.id}` });
  const kind = input.kind ?? device.sensorKind;
  if (device.type === 'sensor' && !kind) problems.push({ path: 'kind', message: 'the messages did not say which kind of sensor this is: give kind' });
  // the message names its kind (SPEC §3): another one would have every later message refused as kind_mismatch
  if (device.type === 'sensor' && input.kind && device.sensorKind && input.kind !== device.sensorKind) {
    problems.push({ path: 'kind', message: `the sensor reports itself as ${device.sensorKind}; configured as ${input.kind} its messages would be refused (kind_mismatch)` });
  }
  if (device.type === 'camera' && input.kind) problems.push({ path: 'kind', message: 'a camera has no sensor kind' });
  if (problems.length > 0) return { ok: false, problems };

  const common = { id: device.id, zone: input.zone, intervalS: input.intervalS ?? 30, ...(input.name ? { name: input.name } : {}) };
  let added: SensorConfig | CameraConfig;
  let next: typeof depot;
  if (device.type === 'sensor') {
    const sensor: SensorConfig = { ...common, kind: kind as SensorKind };
    added = sensor;
    next = { ...depot, sensors: [...depot.sensors, sensor] };
  } else {
    const camera: CameraConfig = common;
    added = camera;
    next = { ...depot, cameras: [...depot.cameras, camera] };
  }
  return { ok: true, site: { ...site, depots: site.depots.map((d, i) => (i === di ? next : d)) }, added };
}
