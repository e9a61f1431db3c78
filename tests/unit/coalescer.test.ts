import { describe, expect, it } from 'vitest';
import type { DepotSummary, LiveBatch } from '../../server/src/contracts/api.js';
import { Coalescer } from '../../server/src/realtime/coalescer.js';

const sensor = (depot: string, id: string, value: number): LiveBatch['sensors'][number] => ({ depot, id, kind: 'temperature', zone: 'A', unit: 'C', value, ts: value, status: 'normal' });
const depot = (id: string, readiness: DepotSummary['readiness']) => ({ id, readiness } as DepotSummary);
const batch = (b: Partial<LiveBatch>): LiveBatch => ({ sensors: [], cameras: [], depots: [], regions: [], ...b });
const all = () => true;

describe('Coalescer', () => {
  it('keeps only the latest value of each sensor', () => {
    const c = new Coalescer();
    for (let v = 1; v <= 100; v++) c.add(batch({ sensors: [sensor('D1', 'T1', v), sensor('D1', 'T2', -v)] }), all);
    const out = c.take();
    expect(out?.sensors).toEqual([sensor('D1', 'T1', 100), sensor('D1', 'T2', -100)]);
  });

  it('returns null when empty and empties itself on take', () => {
    const c = new Coalescer();
    expect(c.take()).toBeNull();
    c.add(batch({ depots: [depot('D1', 'ready')] }), all);
    expect(c.size).toBe(1);
    expect(c.take()?.depots).toHaveLength(1);
    expect(c.take()).toBeNull();
  });

  it('drops what the client may not see, including regions without a visible depot', () => {
    const c = new Coalescer();
    const onlyD2 = (id: string) => id === 'D2';
    c.add(batch({
      sensors: [sensor('D1', 'T1', 1), sensor('D2', 'T1', 2)],
      depots: [depot('D1', 'not_ready'), depot('D2', 'ready')],
      regions: [{ id: 'R1', name: 'r1', readiness: 'not_ready', depots: ['D1'], counts: { ready: 0, degraded: 0, not_ready: 1, unknown: 0 } },
        { id: 'R2', name: 'r2', readiness: 'ready', depots: ['D2'], counts: { ready: 1, degraded: 0, not_ready: 0, unknown: 0 } }],
    }), onlyD2);
    const out = c.take();
    expect(out?.sensors.map((s) => s.depot)).toEqual(['D2']);
    expect(out?.depots.map((d) => d.id)).toEqual(['D2']);
    expect(out?.regions.map((r) => r.id)).toEqual(['R2']);
  });

  it('bounds memory by the number of items, not by the number of updates', () => {
    const c = new Coalescer();
    for (let i = 0; i < 10_000; i++) c.add(batch({ sensors: [sensor('D1', `S${i % 50}`, i)], depots: [depot(`D${i % 3}`, 'ready')] }), all);
    expect(c.size).toBe(53);
  });
});
