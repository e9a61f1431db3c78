import type { DepotConfig, SiteConfig } from '../../../../config/schema.js';
import type { CollectorHealthView } from '../../../../server/src/contracts/collectors.js';
import { EDGE_SECRET_MASK } from '../../../../server/src/contracts/edge-devices.js';
import type { SensorKind } from '../../../../server/src/contracts/telemetry.js';
import { setIn, type Path } from './config-edit.js';

/**
 * Pure edits of a depot's edge device lists (`depots[].edge`: SPEC §11's modbus, snmp, cameras) for the
 * engineer's Edge tab, over a draft of the whole site configuration that config-edit.ts validates with the
 * server's schema. New entries start with what the depot has not wired yet, so a fresh row is usually valid.
 */

type Edge = NonNullable<DepotConfig['edge']>;
type Draft<T> = { -readonly [K in keyof T]: T[K] };
type Point = Edge['modbus'][number]['points'][number];
/** a point as the draft holds it: the schema fills the defaults on save */
export type DraftPoint = Partial<Draft<Point>> & Pick<Point, 'sensor' | 'kind'>;
export type AddressKind = 'register' | 'coil' | 'discreteInput';
export const ADDRESS_KINDS: readonly AddressKind[] = ['register', 'coil', 'discreteInput'];
/** the UPS-MIB values an SNMP entry publishes, and the sensor kind each needs */
export const SNMP_FIELDS = [['mains', 'mains'], ['battery', 'ups_battery'], ['onBattery', 'ups_on_battery']] as const satisfies readonly (readonly [string, SensorKind])[];

const edgeOf = (site: SiteConfig, d: number): Edge | undefined => site.depots[d]?.edge;
const E = (d: number, ...rest: (string | number)[]): Path => ['depots', d, 'edge', ...rest];

/** the centre starts sending the depot's lists (empty at first: the edge then reads nothing until rows are added) */
export function manageEdge(site: SiteConfig, d: number): SiteConfig {
  if (!site.depots[d] || edgeOf(site, d)) return site;
  return setIn(site, E(d), { modbus: [], snmp: [], cameras: [] });
}

/** the centre stops sending lists: the edge goes back to its own file's */
export const unmanageEdge = (site: SiteConfig, d: number): SiteConfig => setIn(site, E(d), undefined);

/** sensor ids a point or a UPS value of the depot's edge already publishes */
export function readSensors(edge: Edge | undefined): Set<string> {
  const out = new Set<string>();
  for (const dev of edge?.modbus ?? []) for (const p of dev.points) out.add(p.sensor);
  for (const u of edge?.snmp ?? []) for (const [f] of SNMP_FIELDS) if (u[f] !== undefined) out.add(u[f]);
  return out;
}

/** the depot's sensors no point reads yet, or every sensor when all are wired */
function nextSensor(depot: DepotConfig, kinds?: readonly SensorKind[]): DepotConfig['sensors'][number] | undefined {
  const read = readSensors(depot.edge);
  const fit = depot.sensors.filter((s) => !kinds || kinds.includes(s.kind));
  return fit.find((s) => !read.has(s.id)) ?? (kinds ? undefined : fit[0]);
}

const isBit = (k: SensorKind) => !['temperature', 'humidity', 'gas', 'mains', 'ups_battery'].includes(k);

/** a new point on device `j`: the next unwired sensor, at the address after the device's last one */
export function newPoint(depot: DepotConfig, j: number): DraftPoint {
  const s = nextSensor(depot);
  const points = depot.edge?.modbus[j]?.points ?? [];
  const kind = s?.kind ?? 'temperature';
  const which: AddressKind = isBit(kind) ? 'coil' : 'register';
  const used = points.map((p) => p[which]).filter((v): v is number => typeof v === 'number');
  return { sensor: s?.id ?? '', kind, [which]: used.length ? Math.max(...used) + 1 : 0 };
}

export function addModbusDevice(site: SiteConfig, d: number): SiteConfig {
  const depot = site.depots[d];
  const edge = edgeOf(site, d);
  if (!depot || !edge) return site;
  const device = { host: '', port: 502, unitId: 1, everyS: 10, points: [newPoint({ ...depot, edge: { ...edge, modbus: [] } }, 0)] };
  return setIn(site, E(d, 'modbus'), [...edge.modbus, device]);
}

export function addPoint(site: SiteConfig, d: number, j: number): SiteConfig {
  const depot = site.depots[d];
  const dev = depot?.edge?.modbus[j];
  if (!depot || !dev) return site;
  return setIn(site, E(d, 'modbus', j, 'points'), [...dev.points, newPoint(depot, j)]);
}

/** the point reads `sensor`; its kind follows the sensor's, so the two cannot disagree by accident */
export function setPointSensor(site: SiteConfig, d: number, j: number, k: number, sensor: string): SiteConfig {
  const depot = site.depots[d];
  const p = depot?.edge?.modbus[j]?.points[k];
  if (!depot || !p) return site;
  const kind = depot.sensors.find((s) => s.id === sensor)?.kind ?? p.kind;
  return setIn(site, E(d, 'modbus', j, 'points', k), { ...p, sensor, kind });
}

export function addressKindOf(p: Pick<Point, AddressKind>): AddressKind {
  return ADDRESS_KINDS.find((a) => p[a] !== undefined) ?? 'register';
}

/** the point is read from a register, a coil or a discrete input at `address` (the other two are dropped) */
export function setPointAddress(site: SiteConfig, d: number, j: number, k: number, which: AddressKind, address: unknown): SiteConfig {
  const p = site.depots[d]?.edge?.modbus[j]?.points[k];
  if (!p) return site;
  const next: Record<string, unknown> = { ...p };
  for (const a of ADDRESS_KINDS) delete next[a];
  // the register-only fields mean nothing on a bit; a bit's inversion nothing on a register
  if (which !== 'register') { delete next.table; delete next.type; delete next.byteOrder; } else delete next.invert;
  if (address !== undefined) next[which] = address;
  return setIn(site, E(d, 'modbus', j, 'points', k), next);
}

export function addSnmp(site: SiteConfig, d: number): SiteConfig {
  const depot = site.depots[d];
  const edge = edgeOf(site, d);
  if (!depot || !edge) return site;
  const ups: Record<string, unknown> = { host: '', version: '2c', community: 'public', everyS: 30 };
  for (const [field, kind] of SNMP_FIELDS) {
    const s = nextSensor(depot, [kind]);
    if (s) ups[field] = s.id;
  }
  return setIn(site, E(d, 'snmp'), [...edge.snmp, ups]);
}

export function addEdgeCamera(site: SiteConfig, d: number): SiteConfig {
  const depot = site.depots[d];
  const edge = edgeOf(site, d);
  if (!depot || !edge) return site;
  const listed = new Set(edge.cameras.map((c) => c.camera));
  const cam = depot.cameras.find((c) => !listed.has(c.id)) ?? depot.cameras[0];
  return setIn(site, E(d, 'cameras'), [...edge.cameras, { camera: cam?.id ?? '', everyS: 30, zone: cam?.zone }]);
}

/** removes item `i` of the list at `path` (a device, a point, a UPS, a camera) */
export function removeAt(site: SiteConfig, path: Path, i: number): SiteConfig {
  let list: unknown = site;
  for (const seg of path) list = (list as Record<string | number, unknown> | undefined)?.[seg];
  if (!Array.isArray(list)) return site;
  return setIn(site, path, list.filter((_, j) => j !== i));
}

/**
 * The server never sends an SNMP community, a v3 key or a camera URL's password: the board gets `EDGE_SECRET_MASK`
 * in their place and sends it back to keep the stored value (server/src/domain/edge-secrets.ts, matched by the
 * UPS's host and port, the camera and the URL's host). The tab shows a kept value as "(unchanged)".
 */
export { EDGE_SECRET_MASK };
export const isKeptSecret = (v: unknown): boolean => v === EDGE_SECRET_MASK;
/** whether a URL keeps its stored password (`user:<mask>@host`) */
export const urlKeepsPassword = (url: string | undefined): boolean => url?.includes(`:${EDGE_SECRET_MASK}@`) ?? false;

export type EdgeSync = 'caught-up' | 'behind' | 'unreported' | 'offline' | 'unknown';

/**
 * Whether the depot's collector runs what the centre sends it: the version it reports against its depot's
 * retained collector/config (`configPublished`, which moves only when the depot's own lists change).
 */
export function edgeSync(c: Pick<CollectorHealthView, 'state' | 'configVersion' | 'configPublished'> | undefined): EdgeSync {
  if (!c || c.state === 'unknown') return 'unknown';
  if (c.configVersion === null) return 'unreported';
  if (c.configPublished !== null && c.configVersion < c.configPublished) return c.state === 'offline' ? 'offline' : 'behind';
  return 'caught-up';
}
