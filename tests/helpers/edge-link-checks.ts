import { connectAsync, type MqttClient } from 'mqtt';
import { expect } from 'vitest';
import type { AuditEntry } from '../../server/src/contracts/alarms.js';
import type { EdgeReading } from '../../collectors/src/edge/reading.js';
import type { BackfillSummary } from '../../server/src/domain/backfill-summary.js';
import type { TestSystem } from './system.js';
import { waitFor } from './system.js';

/**
 * What the link tests share: synthetic readings with their own timestamps, a recorder of every message the
 * broker delivers for the depot, and the assertions each link test makes (SPEC §3, issue 7 item 6).
 */

export type Phase = 'live' | 'cut';
export interface Emitted { key: string; device: string; ts: number; phase: Phase; reading: EdgeReading }

export function readingFactory() {
  let last = 0;
  const emitted: Emitted[] = [];
  const ts = () => (last = Math.max(Date.now(), last + 1));
  const make = (phase: Phase, r: EdgeReading): EdgeReading => {
    const device = r.type === 'sensor' ? r.sensorId : r.cameraId;
    emitted.push({ key: `${device}@${r.payload.ts}`, device, ts: r.payload.ts, phase, reading: r });
    return r;
  };
  return {
    emitted,
    temp: (phase: Phase, value: number): EdgeReading => make(phase, { type: 'sensor', sensorId: 'T1', payload: { ts: ts(), kind: 'temperature', value, unit: 'C' } }),
    smoke: (phase: Phase, value: number): EdgeReading => make(phase, { type: 'sensor', sensorId: 'SM1', payload: { ts: ts(), kind: 'smoke', value } }),
    door: (phase: Phase, value: number): EdgeReading => make(phase, { type: 'sensor', sensorId: 'DR1', payload: { ts: ts(), kind: 'door', value } }),
    camera: (phase: Phase, online: boolean): EdgeReading => make(phase, { type: 'camera', cameraId: 'C1', payload: { ts: ts(), online, fps: online ? 25 : 0 } }),
  };
}

export interface Received { device: string; ts: number; hist: boolean }

/** subscribes to every reading of the depot and keeps them in arrival order */
export async function startRecorder(url: string, depot: string): Promise<{ received: Received[]; client: MqttClient }> {
  const received: Received[] = [];
  const client = await connectAsync(url, { clientId: `recorder-${Math.random().toString(16).slice(2)}`, reconnectPeriod: 200 });
  client.on('message', (topic, payload) => {
    const device = topic.split('/')[3] ?? '';
    const json = JSON.parse(payload.toString()) as { ts: number; hist?: boolean } | { ts: number; hist?: boolean }[];
    for (const o of Array.isArray(json) ? json : [json]) received.push({ device, ts: o.ts, hist: o.hist === true });
  });
  await client.subscribeAsync([`depots/${depot}/sensors/+`, `depots/${depot}/cameras/+/health`], { qos: 1 });
  return { received, client };
}

export async function backfillEntries(t: TestSystem, token: string): Promise<AuditEntry[]> {
  return (await t.api<AuditEntry[]>('/api/audit?action=link.backfill', token)).body;
}

/**
 * Every reading arrived (exactly once, or at least once where a crash may re-send what was in flight), with
 * its own ts, in order per device, flagged hist where it was spooled during the cut; the centre stored each
 * exactly once, raised no alarm from history, and shows the newest live value.
 */
export async function checkDelivery(t: TestSystem, received: readonly Received[], emitted: readonly Emitted[], opts: {
  /** how many repeated deliveries a crash may cause (what was in flight at a kill -9) */
  duplicatesAllowed?: number;
  /**
   * readings sent into a link that had died unnoticed: the kernel of the edge still holds them for the dead
   * connection and may deliver them when the link heals, beside the edge's replay; they may come twice, and
   * with or without hist
   */
  inFlightAtCut?: ReadonlySet<string>;
} = {}): Promise<void> {
  const arrived = () => { const keys = new Set(received.map((r) => `${r.device}@${r.ts}`)); return emitted.every((e) => keys.has(e.key)); };
  await waitFor(arrived, 15_000, 'every reading delivered').catch(() => undefined); // the assertions below say what is missing
  const byKey = new Map<string, Received[]>();
  for (const r of received) {
    const k = `${r.device}@${r.ts}`;
    byKey.set(k, [...(byKey.get(k) ?? []), r]);
  }
  const missing = emitted.filter((e) => !byKey.has(e.key)).map((e) => e.key);
  expect(missing, 'readings that never arrived').toEqual([]);
  const unexpected = [...byKey.keys()].filter((k) => !emitted.some((e) => e.key === k));
  expect(unexpected, 'readings nobody emitted').toEqual([]);
  const dups = [...byKey].filter(([k]) => !opts.inFlightAtCut?.has(k)).reduce((n, [, v]) => n + v.length - 1, 0);
  for (const k of opts.inFlightAtCut ?? []) expect(byKey.get(k)?.length ?? 0, `${k} delivered at most twice`).toBeLessThanOrEqual(2);
  expect(dups, 'duplicate deliveries').toBeLessThanOrEqual(opts.duplicatesAllowed ?? 0);
  for (const e of emitted) {
    if (opts.inFlightAtCut?.has(e.key)) continue;
    const first = byKey.get(e.key)?.[0];
    expect(first?.hist, `${e.key} (${e.phase}) hist flag`).toBe(e.phase === 'cut');
  }
  // in order per device: the first arrival of each reading, history and live separately, by ts
  for (const device of new Set(emitted.map((e) => e.device))) {
    for (const hist of [true, false]) {
      const seen = new Set<string>();
      const order = received.filter((r) => r.device === device && r.hist === hist && !seen.has(`${r.ts}`) && seen.add(`${r.ts}`)).map((r) => r.ts);
      expect(order, `${device} ${hist ? 'history' : 'live'} in order`).toEqual([...order].sort((a, b) => a - b));
    }
  }
  // stored exactly once each, with its own ts
  const from = Math.min(...emitted.map((e) => e.ts));
  const to = Math.max(...emitted.map((e) => e.ts)) + 1;
  const sensors = emitted.filter((e) => e.reading.type === 'sensor').length;
  const cameras = emitted.length - sensors;
  await waitFor(async () => (await t.system.store.count({ measurement: 'sensor', depot: 'D1', from, to })) === sensors, 15_000, `${sensors} sensor points stored`);
  expect(await t.system.store.count({ measurement: 'camera', depot: 'D1', from, to })).toBe(cameras);
  // no alarm from history: smoke and the door were active only during the cut (their silence since may
  // rightly be reported as not_reporting by a slow test; that is live state, not history)
  const alarms = t.system.alarms.snapshot(() => true).alarms
    .filter((a) => a.depot === 'D1' && ['SM1', 'DR1'].includes(a.device.id) && a.code !== 'not_reporting');
  expect(alarms, 'alarms raised from replayed history').toEqual([]);
  // the live value is the newest
  const newest = Math.max(...emitted.filter((e) => e.device === 'T1').map((e) => e.ts));
  await waitFor(() => t.system.live.depot('D1')?.sensors.find((s) => s.id === 'T1')?.ts === newest, 5000, 'live T1 is the newest reading');
}

/** the one link.backfill entry of the replay: the smoke and the door active during the cut, with their spans */
export function checkBackfillEntry(entries: readonly AuditEntry[], emitted: readonly Emitted[]): void {
  expect(entries).toHaveLength(1);
  const summary = entries[0]?.detail as unknown as BackfillSummary;
  expect(entries[0]).toMatchObject({ action: 'link.backfill', depot: 'D1', actor: 'system' });
  const cut = emitted.filter((e) => e.phase === 'cut');
  const span = (device: string, value: number) => cut.find((e) => e.device === device && e.reading.type === 'sensor' && e.reading.payload.value === value)?.ts;
  expect(summary.params.events).toEqual(expect.arrayContaining([
    { code: 'state_active', params: { device: 'SM1', kind: 'smoke', zone: 'A' }, from: span('SM1', 1), to: span('SM1', 0) },
    { code: 'state_active', params: { device: 'DR1', kind: 'door', zone: 'A' }, from: span('DR1', 1), to: span('DR1', 0) },
  ]));
  expect(summary.params.readings).toBeGreaterThanOrEqual(cut.length);
}
