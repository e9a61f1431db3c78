import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../config/loader.js';
import { isRateLimited, type LiveBatch, type RateLimitedReply, type RegionSummary, type Snapshot } from '../../server/src/contracts/api.js';
import { SMALL_SITE_YAML } from '../helpers/site.js';
import { startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';

/** the small site plus D3 in region R1 beside D1: a roll-up of R1 would tell D1's guard about D3 */
const site = () => parseSiteConfig([
  {
    name: 'site.yaml',
    text: `${SMALL_SITE_YAML}
  - id: D3
    name: "Kho D3"
    region: R1
    type: ammunition
    position: { lat: 21.5, lon: 105.5 }
    zones:
      - { id: A, name: "Store A", type: ammunition_store }
    sensors:
      - { id: SM1, zone: A, kind: smoke, intervalS: 10 }
`,
  },
  { name: 'rules.yaml', text: readFileSync('config/rules.yaml', 'utf8') },
]);

describe('region roll-ups are computed from the depots the caller may see', () => {
  let t: TestSystem;
  let guard: string;
  let officer: string;
  beforeAll(async () => {
    t = await startTestSystem({ site: site() });
    await t.system.auth.createUser({ username: 'guard-d1', password: 'guard-d1-password', role: 'guard', depots: ['D1'] });
    await t.system.auth.createUser({ username: 'duty', password: 'duty-officer-password', role: 'officer', depots: null });
    guard = await t.login('guard-d1', 'guard-d1-password');
    officer = await t.login('duty', 'duty-officer-password');
  });
  afterAll(() => t?.stop());

  const onlyD1 = (regions: RegionSummary[]) => {
    expect(regions.map((r) => r.id)).toEqual(['R1']);
    const r1 = regions[0] as RegionSummary;
    expect(r1.depots).toEqual(['D1']);
    expect(r1.counts.not_ready).toBe(0);
    expect(r1.readiness).not.toBe('not_ready');
  };

  it('keeps another depot’s fire out of the guard’s regions on REST, in the snapshot and in live batches', async () => {
    const sock = t.socket(guard);
    const batches: LiveBatch[] = [];
    sock.on('live:batch', (b) => batches.push(b));
    await new Promise<Snapshot>((r) => sock.once('live:snapshot', r));

    await t.mqtt.publishAsync('depots/D3/sensors/SM1', JSON.stringify({ kind: 'smoke', value: 1 }), { qos: 1 });
    // the officer sees all of R1, with D3 not ready
    const officerR1 = await waitFor(async () => {
      const r1 = (await t.api<RegionSummary[]>('/api/regions', officer)).body.find((r) => r.id === 'R1');
      return r1 && r1.counts.not_ready === 1 ? r1 : null;
    }, 10_000, 'R1 not ready for the officer');
    expect(officerR1.depots.sort()).toEqual(['D1', 'D3']);
    expect(officerR1.readiness).toBe('not_ready');

    onlyD1((await t.api<RegionSummary[]>('/api/regions', guard)).body);
    const resync = await new Promise<Snapshot | RateLimitedReply>((r) => sock.emit('live:resync', r));
    if (isRateLimited(resync)) throw new Error('resync refused');
    onlyD1(resync.regions);
    const fresh = t.socket(guard);
    onlyD1((await new Promise<Snapshot>((r) => fresh.once('live:snapshot', r))).regions);

    // D3's change recomputed the roll-up; the guard's batches carry R1 as it looks from D1 alone
    const withRegions = await waitFor(() => batches.filter((b) => b.regions.length > 0), 5000, 'a live batch with regions');
    for (const b of withRegions) onlyD1(b.regions);
    for (const b of batches) expect(b.depots.map((d) => d.id).filter((id) => id !== 'D1')).toEqual([]);
  });
});
