import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../config/loader.js';
import type { AlarmView, IncidentView } from '../../server/src/contracts/alarms.js';
import { isRateLimited, type LiveBatch, type RateLimitedReply, type Snapshot } from '../../server/src/contracts/api.js';
import { startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';

const DEPOTS = 20;
const PER_DEPOT = 50;

/** 20 depots × 50 smoke detectors: 1,000 alarms waiting to happen. */
function stormSite() {
  const depots = Array.from({ length: DEPOTS }, (_, d) => ({
    id: `S${String(d + 1).padStart(2, '0')}`, name: `Kho S${d + 1}`, region: 'R', type: 'equipment',
    position: { lat: 10 + d / 2, lon: 105 + (d % 4) }, zones: [{ id: 'Z', name: 'Store', type: 'equipment_store' }],
    sensors: Array.from({ length: PER_DEPOT }, (_, s) => ({ id: `SM${s + 1}`, zone: 'Z', kind: 'smoke', intervalS: 600 })),
  }));
  return parseSiteConfig([
    { name: 'site.yaml', text: JSON.stringify({ regions: [{ id: 'R', name: 'Region' }], depots }) },
    { name: 'rules.yaml', text: readFileSync('config/rules.yaml', 'utf8') },
  ]);
}

describe('an alarm storm: 1,000 alarms in under 60 s', () => {
  let t: TestSystem;
  let token: string;
  beforeAll(async () => {
    t = await startTestSystem({ site: stormSite(), tickMs: 100 });
    token = await t.login();
  });
  afterAll(() => t?.stop());

  it('persists every alarm, groups them into incidents, flags the flood, and the board keeps answering', async () => {
    const sock = t.socket(token);
    await new Promise((r) => sock.once('live:snapshot', r));
    const batches: LiveBatch[] = [];
    sock.on('live:batch', (b) => batches.push(b));

    let resyncs = 0;
    let healthy = 0;
    let publishing = true;
    // the board's own requests while the storm rages: a resync round trip and /healthz, over and over
    const probe = (async () => {
      while (publishing) {
        const snap = await new Promise<Snapshot | RateLimitedReply>((r) => sock.emit('live:resync', r));
        expect(isRateLimited(snap)).toBe(false); // once a second is within a socket's resync budget
        resyncs++;
        if ((await fetch(`${t.base}/healthz`)).ok) healthy++;
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();

    for (let d = 1; d <= DEPOTS; d++) {
      for (let s = 1; s <= PER_DEPOT; s++) {
        t.mqtt.publish(`depots/S${String(d).padStart(2, '0')}/sensors/SM${s}`, '{"kind":"smoke","value":1}', { qos: 1 });
      }
      await new Promise((r) => setTimeout(r, 500)); // 50 new alarms every half second: 1,000 in about 10 s
    }
    const alarms = await waitFor(async () => {
      const list = (await t.api<AlarmView[]>('/api/alarms', token)).body;
      return list.length === DEPOTS * PER_DEPOT && list;
    }, 50_000, '1,000 alarms');
    publishing = false;
    await probe;
    expect(alarms.every((a) => a.state === 'unack' && a.severity === 'critical' && a.incidentId)).toBe(true);

    // persisted: what the store holds after the storm, read back from SQLite through the incident API
    const incidents = (await t.api<IncidentView[]>('/api/incidents?state=open&limit=1000', token)).body;
    expect(incidents).toHaveLength(DEPOTS);
    expect(incidents.reduce((n, i) => n + i.alarms.length, 0)).toBe(DEPOTS * PER_DEPOT);
    expect(incidents.every((i) => i.unacked === PER_DEPOT)).toBe(true);
    // lists carry the latest 50 timeline entries; the incident itself carries all of them
    expect(incidents.every((i) => i.timeline.length === 50 && i.timelineOmitted === 1)).toBe(true);
    const one = (await t.api<IncidentView>(`/api/incidents/${incidents[0]?.id}`, token)).body;
    expect(one.timeline.map((e) => e.type)).toEqual(['opened', ...Array.from({ length: PER_DEPOT }, () => 'alarm')]);
    expect(one.timelineOmitted).toBe(0);

    // the board was told: every alarm reached the live client, and the flood was flagged with its rate
    const seen = new Set(batches.flatMap((b) => b.alarms ?? []).map((a) => a.id));
    expect(seen.size).toBe(DEPOTS * PER_DEPOT);
    const flood = batches.map((b) => b.flood).filter((f) => f !== undefined).at(-1);
    expect(flood).toMatchObject({ active: true, count: DEPOTS * PER_DEPOT });
    expect(flood?.perMinute).toBeGreaterThan(1);
    expect(resyncs).toBeGreaterThan(3);
    expect(healthy).toBe(resyncs);
  }, 90_000);
});
