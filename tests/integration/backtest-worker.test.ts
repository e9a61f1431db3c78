import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteConfig } from '../../config/schema.js';
import type { BacktestResponse } from '../../server/src/contracts/backtest.js';
import type { ReadingsQuery, TelemetryPoint } from '../../server/src/contracts/telemetry.js';
import type { TelemetryStore } from '../../server/src/ports/telemetry-store.js';
import { smallSite } from '../helpers/site.js';
import { startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';

/**
 * The backtest off the event loop: its replays run on worker threads and its history is read in
 * pages, so the server keeps answering while it runs, and a client that goes away stops it.
 * D1/T7 reports every second; eight hours of it are 28,800 readings, read in 3 pages of at most 10,000.
 */
const T0 = Date.UTC(2026, 10, 1, 0, 0, 0);
const SPAN_S = 8 * 3600;
const END = T0 + SPAN_S * 1000;
const PAGES = Math.ceil(SPAN_S / 10_000);

function site(): SiteConfig {
  const base = smallSite();
  const d1 = base.depots[0]!;
  return { ...base, depots: [{ ...d1, sensors: [...d1.sensors, { id: 'T7', zone: 'A', kind: 'temperature', intervalS: 1 }] }, ...base.depots.slice(1)] };
}

/** 25 °C, and 31 °C for the first 100 s of every hour: 8 alarms above 30 */
function history(): TelemetryPoint[] {
  const points: TelemetryPoint[] = [];
  for (let t = 0; t < SPAN_S; t++) {
    points.push({ measurement: 'sensor', tags: { depot: 'D1', zone: 'A', sensor: 'T7', kind: 'temperature' }, fields: { value: t % 3600 < 100 ? 31 : 25 }, ts: T0 + t * 1000 });
  }
  return points;
}

const body = JSON.stringify({
  depot: 'D1', sensor: 'T7', days: SPAN_S / 86_400, to: END,
  proposed: { type: 'threshold', rule: { id: 'ammo-temp-high', kind: 'temperature', zoneTypes: ['ammunition_store'], high: 30, deadband: 0, onDelayS: 60, offDelayS: 0, severity: 'major' } },
});

describe('backtest on worker threads', () => {
  let t: TestSystem;
  let token: string;
  /** what happened, in order: a page read began, /healthz answered, the backtest answered */
  const events: string[] = [];
  /** while set, every page read after the first waits for it (the abort test holds a read) */
  let gate: Promise<void> | undefined;
  /** while set, the page read of this number (1 = the first) fails as a store that went away would */
  let failAt: number | undefined;

  beforeAll(async () => {
    t = await startTestSystem({ site: site() });
    token = await t.login();
    const points = history();
    for (let i = 0; i < points.length; i += 20_000) await t.system.store.write(points.slice(i, i + 20_000));
    // the system's own store, watched: every page the backtest reads goes through here
    const store = t.system.store as TelemetryStore;
    const read = store.readings.bind(store);
    store.readings = async (q: ReadingsQuery) => {
      if (q.sensor === 'T7') {
        events.push('page');
        const n = events.filter((e) => e === 'page').length;
        if (gate && n > 1) await gate;
        if (n === failAt) throw new Error('the store went away');
      }
      return read(q);
    };
  }, 60_000);
  afterAll(() => t?.stop());

  const metric = async (outcome: string) => {
    const text = await (await fetch(`${t.base}/metrics`)).text();
    return Number(new RegExp(`^depotwatch_backtests_total\\{outcome="${outcome}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  };

  const running = async () => Number(/^depotwatch_backtests_running (\d+)/m.exec(await (await fetch(`${t.base}/metrics`)).text())?.[1] ?? NaN);

  it('the server keeps answering /healthz between the pages while a backtest replays them, and the counts are the hand-computed ones', async () => {
    events.length = 0;
    let done = false;
    const answer = t.api<BacktestResponse>('/api/rules/backtest', token, { method: 'POST', body }).finally(() => { done = true; events.push('answer'); });
    while (!done) {
      const r = await fetch(`${t.base}/healthz`);
      expect(r.status).toBe(200);
      if (!done) events.push('health');
      await new Promise((r) => setTimeout(r, 10)); // pacing only: a tight loop would take the core the replay needs
    }
    const r = await answer;
    expect(r.status).toBe(200);
    // running: high 30 without delay, 8 episodes of 100 s; proposed: a 60 s on-delay leaves 40 s of each
    expect(r.body.current?.alarms).toBe(8);
    expect(r.body.current?.alarmMs).toBe(8 * 100_000);
    expect(r.body.proposed.alarms).toBe(8);
    expect(r.body.proposed.alarmMs).toBe(8 * 40_000);
    expect(r.body.proposed.list[1]).toEqual({ sensor: 'T7', code: 'threshold_high', start: T0 + (3600 + 60) * 1000, end: T0 + (3600 + 100) * 1000, peak: 31 });
    expect(r.body.samples).toBe(SPAN_S);
    expect(r.body.historyMs).toBeGreaterThanOrEqual(0);

    // the history came in pages, and /healthz was answered after the first and before the answer:
    // the event loop was never held for the whole replay
    const pages = events.filter((e) => e === 'page').length;
    expect(pages).toBe(PAGES);
    const first = events.indexOf('page');
    const last = events.lastIndexOf('page');
    expect(events.slice(first, events.indexOf('answer')).filter((e) => e === 'health').length).toBeGreaterThanOrEqual(PAGES);
    // and between the reads themselves: the next page is read while the worker replays the one before
    const gaps = events.slice(first, last + 1).join(' ').split('page').slice(1, -1);
    expect(gaps.filter((g) => g.includes('health')).length).toBeGreaterThan(0);
  }, 60_000);

  it('a client that closes its connection cancels the backtest: no page is read after it, and the next one runs', async () => {
    events.length = 0;
    const abortedBefore = await metric('aborted');
    let release!: () => void;
    gate = new Promise((r) => { release = r; });
    const req = request(`${t.base}/api/rules/backtest`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
    req.on('error', () => {}); // the socket we destroy
    req.end(body);
    // the replay has its first page, and the read that runs ahead of it (the second) is held
    await waitFor(() => events.filter((e) => e === 'page').length >= 2, 20_000, 'two page reads');
    req.destroy();
    await waitFor(async () => (await metric('aborted')) === abortedBefore + 1, 20_000, 'the backtest counted as aborted');
    const readsAtAbort = events.length;
    gate = undefined;
    release();
    // a whole backtest afterwards: the pool replaced the stopped thread, and the aborted one read nothing more
    events.length = 0;
    const r = await t.api<BacktestResponse>('/api/rules/backtest', token, { method: 'POST', body });
    expect(r.status).toBe(200);
    expect(r.body.proposed.alarms).toBe(8);
    expect(readsAtAbort).toBe(2);
    expect(events.filter((e) => e === 'page').length).toBe(PAGES);
  }, 60_000);

  it('a third backtest while two replay is refused at once (503 busy), and both of the two finish', async () => {
    events.length = 0;
    const busyBefore = await metric('busy');
    let release!: () => void;
    gate = new Promise((r) => { release = r; });
    // two backtests hold the replay threads: each has its first page, the read after it waits on the gate
    // (the second may wait for a thread: on two cores the pool has one)
    const first = t.api<BacktestResponse>('/api/rules/backtest', token, { method: 'POST', body });
    const second = t.api<BacktestResponse>('/api/rules/backtest', token, { method: 'POST', body });
    try {
      await waitFor(async () => (await running()) === 2, 20_000, 'two backtests running');
      const pagesBefore = events.filter((e) => e === 'page').length;
      const third = await t.api<{ error: string; params: { running: number } }>('/api/rules/backtest', token, { method: 'POST', body });
      expect(third.status).toBe(503);
      expect(third.body).toMatchObject({ error: 'busy', params: { running: 2 } });
      expect(events.filter((e) => e === 'page').length).toBe(pagesBefore); // the refused one read nothing
      expect(await metric('busy')).toBe(busyBefore + 1);
    } finally {
      gate = undefined;
      release();
    }
    for (const r of await Promise.all([first, second])) {
      expect(r.status).toBe(200);
      expect(r.body.proposed.alarms).toBe(8);
    }
    // and once they are done a backtest runs again
    expect(await running()).toBe(0);
    expect((await t.api<BacktestResponse>('/api/rules/backtest', token, { method: 'POST', body })).status).toBe(200);
  }, 60_000);

  it('a store that fails part-way is a 503 naming the error, and the replay stops there', async () => {
    events.length = 0;
    const failedBefore = await metric('failed');
    failAt = 3;
    try {
      const r = await t.api<{ code: string; message: string }>('/api/rules/backtest', token, { method: 'POST', body });
      expect(r.status).toBe(503);
      expect(r.body.message).toBe('telemetry history could not be read: the store went away');
    } finally {
      failAt = undefined;
    }
    expect(events.filter((e) => e === 'page').length).toBe(3);
    expect(await metric('failed')).toBe(failedBefore + 1);
  }, 60_000);
});
