import type { DiscoveredView } from '../contracts/collectors.js';

/** What a collector last said and when its depot was last heard, as kept across a restart. */
export interface CollectorRecord {
  depot: string;
  state: 'online' | 'offline';
  /** the status message's own ts */
  ts: number;
  since: number;
  version?: string;
  configVersion?: number;
  spooled: number;
  dropped: number;
  lastSeen: number | null;
}

/**
 * The engineer's desk's memory that must outlive the process: discovered devices an engineer chose to
 * ignore (a decision, audited), and each depot's last collector status and last-heard time (so a collector
 * that went quiet before a restart still says when it was heard and what it had spooled).
 */
export interface EngineerStateStore {
  ignoredDevices(): DiscoveredView[];
  saveIgnored(device: DiscoveredView & { ignored: NonNullable<DiscoveredView['ignored']> }): void;
  forgetDevice(key: string): void;
  collectorRecords(): CollectorRecord[];
  saveCollectors(records: readonly CollectorRecord[]): void;
  forgetCollector(depot: string): void;
}
