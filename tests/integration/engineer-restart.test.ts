import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CollectorsResponse, DiscoveredView } from '../../server/src/contracts/collectors.js';
import { smallSite } from '../helpers/site.js';
import { startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';

/**
 * The engineer's desk across a restart, against real SQLite in one data directory: an ignored
 * discovered device stays ignored (the engineer's decision, audited, is not undone by a restart), and a
 * collector's last status and last-heard time come back (version, spool, dropped), its "online" only as
 * "unknown" until it speaks again. The rejection tallies start again and say since when.
 */
describe('engineer state across a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'depotwatch-engineer-restart-'));
  let t: TestSystem | undefined;
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const start = () => startTestSystem({ site: smallSite(), env: { DATA_DIR: dir } });
  const pub = (s: TestSystem, topic: string, payload: unknown) => s.mqtt.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 });

  it('keeps ignored devices and the collectors\' last status; rejections count again from the new start', async () => {
    t = await start();
    let token = await t.login();
    const api = <T>(path: string, init?: RequestInit) => t!.api<T>(path, token, init);
    await pub(t, 'depots/D1/collector/status', { state: 'online', version: 'edge-1.4.2', spooled: 12, dropped: 3, configVersion: 1 });
    await pub(t, 'depots/D1/sensors/X9', { kind: 'temperature', value: 21 });
    await pub(t, 'depots/D1/sensors/T1', 'not json at all');
    await waitFor(async () => (await api<DiscoveredView[]>('/api/discovered')).body.find((d) => d.key === 'D1.sensor.X9'), 5000, 'X9 discovered');
    const ignored = await api<DiscoveredView>('/api/discovered/D1.sensor.X9/ignore', { method: 'POST', body: JSON.stringify({ note: 'cảm biến thử của nhà thầu' }) });
    expect(ignored.status).toBe(200);
    const before = await waitFor(async () => {
      const r = (await api<CollectorsResponse>('/api/collectors')).body;
      return r.collectors.find((c) => c.depot === 'D1' && c.state === 'online' && c.rejected === 1) && r;
    }, 5000, 'D1 online with one rejection');
    const d1 = before.collectors.find((c) => c.depot === 'D1')!;
    await t.stop();
    t = undefined;

    t = await start();
    token = await t.login();
    const after = (await api<CollectorsResponse>('/api/collectors')).body;
    const again = after.collectors.find((c) => c.depot === 'D1')!;
    expect(again).toMatchObject({ version: 'edge-1.4.2', configVersion: 1, spooled: 12, dropped: 3, lastSeen: d1.lastSeen });
    // nothing vouches for "online" after the gap; the tallies are this run's, and say since when
    expect(again.state).toBe('unknown');
    expect(again.since).toBeNull();
    expect(again.rejected).toBe(0);
    expect(after.rejectionsSince).toBeGreaterThan(before.rejectionsSince);
    expect(after.collectors.find((c) => c.depot === 'D2')).toMatchObject({ state: 'unknown', lastSeen: null, version: null });

    const list = (await api<DiscoveredView[]>('/api/discovered/ignored')).body;
    expect(list).toEqual([expect.objectContaining({ key: 'D1.sensor.X9', ignored: expect.objectContaining({ by: 'admin', note: 'cảm biến thử của nhà thầu' }) })]);
    // the device sends again: still set aside, counted on, not back in the list waiting for a decision
    await pub(t, 'depots/D1/sensors/X9', { kind: 'temperature', value: 22 });
    await waitFor(async () => (await api<DiscoveredView[]>('/api/discovered/ignored')).body.find((d) => d.key === 'D1.sensor.X9' && d.messages === 2), 5000, 'X9 counted while ignored');
    expect((await api<DiscoveredView[]>('/api/discovered')).body.some((d) => d.key === 'D1.sensor.X9')).toBe(false);
    // a fresh status confirms the collector: online again, since now
    await pub(t, 'depots/D1/collector/status', { state: 'online', version: 'edge-1.4.3', spooled: 0, dropped: 3, configVersion: 1 });
    const confirmed = await waitFor(async () => (await api<CollectorsResponse>('/api/collectors')).body.collectors.find((c) => c.depot === 'D1' && c.state === 'online'), 5000, 'D1 online');
    expect(confirmed).toMatchObject({ version: 'edge-1.4.3', spooled: 0 });
    expect(confirmed.since).toBeGreaterThanOrEqual(after.rejectionsSince);

    // un-ignoring is kept too: after another restart the device is no longer set aside
    expect((await api(`/api/discovered/D1.sensor.X9/unignore`, { method: 'POST', body: '{}' })).status).toBe(200);
    await t.stop();
    t = await start();
    token = await t.login();
    expect((await api<DiscoveredView[]>('/api/discovered/ignored')).body).toEqual([]);
    expect((await api<CollectorsResponse>('/api/collectors')).body.collectors.find((c) => c.depot === 'D1')).toMatchObject({ version: 'edge-1.4.3', spooled: 0, state: 'unknown' });
  }, 60_000);
});
