/** A device seen on the wire that configuration does not know, kept for an engineer to approve. */
export interface DiscoveredDevice {
  depotId: string;
  type: 'sensor' | 'camera' | 'collector';
  id: string;
  sensorKind?: string;
  firstSeen: number;
  lastSeen: number;
  messages: number;
}

/**
 * Holds discovered devices in memory, bounded so a misbehaving publisher inventing IDs cannot grow
 * it without limit: past `max` entries new devices are only counted.
 */
export class DiscoveryRegistry {
  private readonly devices = new Map<string, DiscoveredDevice>();
  overflow = 0;

  constructor(private readonly max = 10_000) {}

  record(d: { depotId: string; type: DiscoveredDevice['type']; id: string; sensorKind?: string }, now: number): void {
    const key = `${d.depotId}/${d.type}/${d.id}`;
    const known = this.devices.get(key);
    if (known) {
      known.lastSeen = now;
      known.messages++;
      if (d.sensorKind) known.sensorKind = d.sensorKind;
      return;
    }
    if (this.devices.size >= this.max) {
      this.overflow++;
      return;
    }
    this.devices.set(key, { ...d, firstSeen: now, lastSeen: now, messages: 1 });
  }

  list(depotFilter?: (depotId: string) => boolean): DiscoveredDevice[] {
    const all = [...this.devices.values()];
    return (depotFilter ? all.filter((d) => depotFilter(d.depotId)) : all).sort((a, b) => b.lastSeen - a.lastSeen);
  }
}
