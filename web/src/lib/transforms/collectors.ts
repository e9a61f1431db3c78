import type { CollectorHealthView, DiscoveredView, ReadinessLevel, SensorKind } from '../types.js';

/**
 * The engineer's collectors and discovered devices, pure: what counts as trouble, the order of the
 * table, whether a collector runs the centre's configuration. Components only draw what these say.
 */

/** a collector heard from longer ago than this is called silent, whatever its last status said */
export const SILENT_AFTER_MS = 5 * 60_000;

export type ConfigState = 'current' | 'behind' | 'ahead' | 'unreported';

/** the collector's configuration version against the centre's: "behind" when it has not taken the last change */
export function configState(reported: number | null, current: number): ConfigState {
  if (reported === null) return 'unreported';
  if (reported < current) return 'behind';
  return reported > current ? 'ahead' : 'current';
}

/**
 * the version a collector should report: its depot's retained collector/config, which moves only when the
 * depot's own part of the configuration (its edge device lists) changes; the site's version before it is known
 */
export const expectedConfig = (c: Pick<CollectorHealthView, 'configPublished'>, current: number): number => c.configPublished ?? current;

export type Trouble = 'offline' | 'unknown' | 'silent' | 'dropped' | 'behind' | 'rejections' | 'spooled';

/** every trouble of one collector, worst first (the first decides its place in the table) */
export function troubles(c: CollectorHealthView, current: number, now: number): Trouble[] {
  const t: Trouble[] = [];
  if (c.state === 'offline') t.push('offline');
  else if (c.state === 'unknown') t.push('unknown');
  if (c.state !== 'offline' && c.lastSeen !== null && now - c.lastSeen > SILENT_AFTER_MS) t.push('silent');
  if (c.dropped > 0) t.push('dropped');
  if (configState(c.configVersion, expectedConfig(c, current)) === 'behind') t.push('behind');
  if (c.rejected > 0) t.push('rejections');
  if (c.spooled > 0) t.push('spooled');
  return t;
}

// lost data (dropped) outranks a depot never heard from since the centre started, which may have no collector yet
const WEIGHT: Readonly<Record<Trouble, number>> = { offline: 64, silent: 32, dropped: 16, unknown: 8, behind: 4, rejections: 2, spooled: 1 };
const weight = (ts: readonly Trouble[]) => ts.reduce((s, t) => s + WEIGHT[t], 0);

/** depots with trouble first (the worst at the top), then by depot id, so the order is stable between refreshes */
export function sortCollectors(list: readonly CollectorHealthView[], current: number, now: number): CollectorHealthView[] {
  return list
    .map((c) => ({ c, w: weight(troubles(c, current, now)) }))
    .sort((a, b) => b.w - a.w || a.c.depot.localeCompare(b.c.depot))
    .map((x) => x.c);
}

/** the state's look (shape, glyph and colour from the readiness looks): online ✓, offline ▲, unknown ? */
export function collectorLevel(c: Pick<CollectorHealthView, 'state' | 'lastSeen'>, now: number): ReadinessLevel {
  if (c.state === 'offline') return 'degraded';
  if (c.state === 'unknown') return 'unknown';
  return c.lastSeen !== null && now - c.lastSeen > SILENT_AFTER_MS ? 'degraded' : 'ready';
}

/** messages a minute, rounded for the eye: 0, 0.4, 12, 1 250 */
export function roundRate(perMin: number): number {
  return perMin >= 10 ? Math.round(perMin) : Math.round(perMin * 10) / 10;
}

/** discovered devices: the most recently heard first, ties by depot and id */
export function sortDiscovered(list: readonly DiscoveredView[]): DiscoveredView[] {
  return [...list].sort((a, b) => b.lastSeen - a.lastSeen || a.depotId.localeCompare(b.depotId) || a.id.localeCompare(b.id));
}

/** a name suggested for the approval form: the depot's zone name and the device id ("Kho A – T9") */
export function suggestedName(zoneName: string | undefined, id: string): string {
  return zoneName ? `${zoneName} – ${id}` : id;
}

/** the kinds an engineer may pick when a discovered sensor's messages did not say (SPEC §3) */
export const SENSOR_KIND_CHOICES = [
  'temperature', 'humidity', 'smoke', 'gas', 'door', 'motion', 'fence', 'mains', 'ups_battery', 'ups_on_battery', 'water',
] as const satisfies readonly SensorKind[];
