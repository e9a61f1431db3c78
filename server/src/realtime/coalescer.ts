import type { LiveBatch } from '../contracts/api.js';

/**
 * Per-client buffer of live updates where the latest value of each item wins. A slow client is
 * never sent a backlog: while it is busy its buffer keeps only the newest state of each sensor,
 * camera and depot, so its memory is bounded by the number of devices, not by the message rate.
 */
export class Coalescer {
  private sensors = new Map<string, LiveBatch['sensors'][number]>();
  private cameras = new Map<string, LiveBatch['cameras'][number]>();
  private depots = new Map<string, LiveBatch['depots'][number]>();
  private regions: LiveBatch['regions'] | null = null;
  private alarms = new Map<string, NonNullable<LiveBatch['alarms']>[number]>();
  private incidents = new Map<string, NonNullable<LiveBatch['incidents']>[number]>();
  private flood: LiveBatch['flood'] | null = null;
  private delivery: LiveBatch['delivery'] | null = null;

  add(batch: LiveBatch, visible: (depotId: string) => boolean): void {
    for (const s of batch.sensors) if (visible(s.depot)) this.sensors.set(`${s.depot}/${s.id}`, s);
    for (const c of batch.cameras) if (visible(c.depot)) this.cameras.set(`${c.depot}/${c.id}`, c);
    for (const d of batch.depots) if (visible(d.id)) this.depots.set(d.id, d);
    for (const a of batch.alarms ?? []) if (visible(a.depot)) this.alarms.set(a.id, a);
    for (const i of batch.incidents ?? []) if (visible(i.depot)) this.incidents.set(i.id, i);
    if (batch.delivery) this.delivery = batch.delivery;
    if (batch.regions.length > 0) {
      const regions = batch.regions.filter((r) => r.depots.some(visible));
      if (regions.length > 0) this.regions = regions;
    }
  }

  /** the flood status is per person (their scope), so the caller computes it */
  setFlood(flood: NonNullable<LiveBatch['flood']>): void {
    this.flood = flood;
  }

  get size(): number {
    return this.sensors.size + this.cameras.size + this.depots.size + (this.regions ? 1 : 0) + this.alarms.size + this.incidents.size + (this.flood ? 1 : 0) + (this.delivery ? 1 : 0);
  }

  /** everything buffered as one batch, or null when there is nothing to send */
  take(): LiveBatch | null {
    if (this.size === 0) return null;
    const out: LiveBatch = { sensors: [...this.sensors.values()], cameras: [...this.cameras.values()], depots: [...this.depots.values()], regions: this.regions ?? [] };
    if (this.alarms.size) out.alarms = [...this.alarms.values()];
    if (this.incidents.size) out.incidents = [...this.incidents.values()];
    if (this.flood) out.flood = this.flood;
    if (this.delivery) out.delivery = this.delivery;
    this.sensors.clear();
    this.cameras.clear();
    this.depots.clear();
    this.alarms.clear();
    this.incidents.clear();
    this.regions = null;
    this.flood = null;
    this.delivery = null;
    return out;
  }

  clear(): void {
    this.take();
  }
}
