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

  add(batch: LiveBatch, visible: (depotId: string) => boolean): void {
    for (const s of batch.sensors) if (visible(s.depot)) this.sensors.set(`${s.depot}/${s.id}`, s);
    for (const c of batch.cameras) if (visible(c.depot)) this.cameras.set(`${c.depot}/${c.id}`, c);
    for (const d of batch.depots) if (visible(d.id)) this.depots.set(d.id, d);
    if (batch.regions.length > 0) {
      const regions = batch.regions.filter((r) => r.depots.some(visible));
      if (regions.length > 0) this.regions = regions;
    }
  }

  get size(): number {
    return this.sensors.size + this.cameras.size + this.depots.size + (this.regions ? 1 : 0);
  }

  /** everything buffered as one batch, or null when there is nothing to send */
  take(): LiveBatch | null {
    if (this.size === 0) return null;
    const out: LiveBatch = { sensors: [...this.sensors.values()], cameras: [...this.cameras.values()], depots: [...this.depots.values()], regions: this.regions ?? [] };
    this.sensors.clear();
    this.cameras.clear();
    this.depots.clear();
    this.regions = null;
    return out;
  }

  clear(): void {
    this.take();
  }
}
