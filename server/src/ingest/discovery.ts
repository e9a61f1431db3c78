import type { DiscoveredType, DiscoveredView } from '../contracts/collectors.js';
import type { SensorKind } from '../contracts/telemetry.js';
import { discoveredKey } from '../domain/discovered-approve.js';

/** A device seen on the wire that configuration does not know, kept for an engineer to approve. */
export type DiscoveredDevice = DiscoveredView;

/**
 * Holds discovered devices in memory, bounded so a misbehaving publisher inventing IDs cannot grow
 * it without limit: past `max` entries (ignored ones included) new devices are only counted.
 * An ignored device stays here, still counted, but out of the list: it is set aside, not forgotten,
 * and un-ignoring it brings it back with everything seen meanwhile.
 */
export class DiscoveryRegistry {
  private readonly devices = new Map<string, DiscoveredDevice>();
  overflow = 0;

  constructor(private readonly max = 10_000) {}

  record(d: { depotId: string; type: DiscoveredType; id: string; sensorKind?: SensorKind; value?: number; unit?: string }, now: number): void {
    const key = discoveredKey(d);
    const known = this.devices.get(key);
    if (known) {
      known.lastSeen = Math.max(known.lastSeen, now);
      known.messages++;
      if (d.sensorKind) known.sensorKind = d.sensorKind;
      if (d.value !== undefined) known.lastValue = d.value;
      if (d.unit !== undefined) known.unit = d.unit;
      return;
    }
    if (this.devices.size >= this.max) {
      this.overflow++;
      return;
    }
    this.devices.set(key, {
      key, depotId: d.depotId, type: d.type, id: d.id, firstSeen: now, lastSeen: now, messages: 1,
      ...(d.sensorKind ? { sensorKind: d.sensorKind } : {}), ...(d.value !== undefined ? { lastValue: d.value } : {}), ...(d.unit !== undefined ? { unit: d.unit } : {}),
    });
  }

  /** ignored devices kept across a restart (EngineerStateStore): set aside again, counting on from where they were */
  restore(devices: readonly DiscoveredDevice[]): void {
    for (const d of devices) {
      if (!d.ignored || this.devices.has(d.key) || this.devices.size >= this.max) continue;
      this.devices.set(d.key, { ...d, ignored: { ...d.ignored } });
    }
  }

  get(key: string): DiscoveredDevice | undefined {
    const d = this.devices.get(key);
    return d ? { ...d } : undefined;
  }

  /** the device is configured now: what it sends is telemetry from here on */
  remove(key: string): boolean {
    return this.devices.delete(key);
  }

  /** false when the key is unknown */
  ignore(key: string, by: { by: string; at: number; note: string }): boolean {
    const d = this.devices.get(key);
    if (!d) return false;
    d.ignored = { ...by };
    return true;
  }

  unignore(key: string): boolean {
    const d = this.devices.get(key);
    if (!d?.ignored) return false;
    delete d.ignored;
    return true;
  }

  /** devices waiting for an engineer (not the ignored), newest first */
  list(depotFilter?: (depotId: string) => boolean): DiscoveredDevice[] {
    return this.select((d) => !d.ignored && (!depotFilter || depotFilter(d.depotId)));
  }

  ignored(depotFilter?: (depotId: string) => boolean): DiscoveredDevice[] {
    return this.select((d) => !!d.ignored && (!depotFilter || depotFilter(d.depotId)));
  }

  private select(keep: (d: DiscoveredDevice) => boolean): DiscoveredDevice[] {
    return [...this.devices.values()].filter(keep).map((d) => ({ ...d, ...(d.ignored ? { ignored: { ...d.ignored } } : {}) })).sort((a, b) => b.lastSeen - a.lastSeen);
  }
}
