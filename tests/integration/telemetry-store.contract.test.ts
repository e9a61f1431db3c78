import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createInfluxStore } from '../../server/src/adapters/influx/influx-store.js';
import { silentLogger } from '../../server/src/adapters/logger.js';
import { createSqliteTelemetryStore } from '../../server/src/adapters/sqlite/telemetry-store.js';
import type { CameraFields, TelemetryPoint } from '../../server/src/contracts/telemetry.js';
import { TelemetryWriteError, type TelemetryStore } from '../../server/src/ports/telemetry-store.js';
import { startInfluxd, type RunningInfluxd } from '../helpers/influxd.js';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function sensor(depot: string, id: string, ts: number, value: number, zone = 'storeA'): TelemetryPoint {
  return { measurement: 'sensor', tags: { depot, zone, sensor: id, kind: 'temperature' }, fields: { value }, ts };
}
function camera(depot: string, id: string, ts: number, fields: CameraFields): TelemetryPoint {
  return { measurement: 'camera', tags: { depot, zone: 'gate', camera: id }, fields, ts };
}
function collector(depot: string, ts: number, spooled: number): TelemetryPoint {
  return { measurement: 'collector', tags: { depot }, fields: { online: true, spooled }, ts };
}

/** The behaviour both stores promise (ports/telemetry-store.ts); `factory` returns a fresh, empty store. */
function describeTelemetryStoreContract(name: string, factory: () => Promise<TelemetryStore>): void {
  describe(`${name}: TelemetryStore contract`, () => {
    let store: TelemetryStore;
    beforeEach(async () => {
      store = await factory();
      await store.init();
    });
    afterEach(async () => { await store.close(); });

    it('counts what it stored, per depot and over a half-open range', async () => {
      await store.write([
        ...Array.from({ length: 10 }, (_, i) => sensor('D01', 's1', T0 + i * 1000, i)),
        ...Array.from({ length: 5 }, (_, i) => sensor('D02', 's1', T0 + i * 1000, i)),
      ]);
      expect(await store.count({ measurement: 'sensor', from: T0, to: T0 + HOUR })).toBe(15);
      expect(await store.count({ measurement: 'sensor', depot: 'D01', from: T0, to: T0 + HOUR })).toBe(10);
      expect(await store.count({ measurement: 'sensor', depot: 'D01', from: T0 + 2000, to: T0 + 5000 })).toBe(3);
      expect(await store.count({ measurement: 'camera', from: T0, to: T0 + HOUR })).toBe(0);
    });

    it('returns mean/min/max buckets aligned on `from` for one series only', async () => {
      await store.write([
        ...Array.from({ length: 10 }, (_, i) => sensor('D01', 's1', T0 + i * 1000, i)),
        ...Array.from({ length: 10 }, (_, i) => sensor('D01', 's2', T0 + i * 1000, 100)),
        ...Array.from({ length: 10 }, (_, i) => sensor('D02', 's1', T0 + i * 1000, -100)),
      ]);
      const series = { measurement: 'sensor', depot: 'D01', sensor: 's1' } as const;

      const all = await store.history({ series, from: T0, to: T0 + 10_000, maxPoints: 5 });
      expect(all.intervalMs).toBe(2000);
      expect(all.points.map((p) => p.t)).toEqual([0, 2000, 4000, 6000, 8000].map((d) => T0 + d));
      all.points.forEach((p, i) => {
        expect(p.mean).toBeCloseTo(2 * i + 0.5, 9);
        expect(p.min).toBe(2 * i);
        expect(p.max).toBe(2 * i + 1);
      });

      // Not aligned on the epoch or on whole bucket widths: buckets still start at `from`.
      const shifted = await store.history({ series, from: T0 + 1000, to: T0 + 7000, maxPoints: 3 });
      expect(shifted.points).toEqual([
        { t: T0 + 1000, mean: 1.5, min: 1, max: 2 },
        { t: T0 + 3000, mean: 3.5, min: 3, max: 4 },
        { t: T0 + 5000, mean: 5.5, min: 5, max: 6 },
      ]);

      expect((await store.history({ series, from: T0, to: T0 })).points).toEqual([]);
      expect((await store.history({ series: { ...series, sensor: 'nope' }, from: T0, to: T0 + 10_000 })).points).toEqual([]);
    });

    it('reads one sensor\'s readings as stored, oldest first, in [from, to), at most limit: pages follow on 1 ms after the last', async () => {
      await store.write([
        ...Array.from({ length: 10 }, (_, i) => sensor('D01', 's1', T0 + (9 - i) * 1500, 9 - i)),
        sensor('D01', 's2', T0 + 1500, 100),
        sensor('D02', 's1', T0 + 1500, -100),
      ]);
      const q = { depot: 'D01', sensor: 's1', from: T0 + 1500, to: T0 + 9 * 1500 };
      expect(await store.readings({ ...q, limit: 100 })).toEqual(Array.from({ length: 8 }, (_, i) => ({ t: T0 + (i + 1) * 1500, value: i + 1 })));
      const first = await store.readings({ ...q, limit: 3 });
      expect(first.map((r) => r.value)).toEqual([1, 2, 3]);
      const next = await store.readings({ ...q, from: first.at(-1)!.t + 1, limit: 3 });
      expect(next.map((r) => r.value)).toEqual([4, 5, 6]);
      expect(await store.readings({ ...q, limit: 0 })).toEqual([]);
      expect(await store.readings({ ...q, sensor: 'nope', limit: 10 })).toEqual([]);
    });

    it('downsamples a long range to at most maxPoints buckets', async () => {
      const n = 6000;
      const step = Math.floor((30 * DAY) / n);
      const batch = Array.from({ length: n }, (_, i) => sensor('D01', 'long', T0 + i * step, i % 100));
      for (let i = 0; i < n; i += 2000) await store.write(batch.slice(i, i + 2000));
      expect(await store.count({ measurement: 'sensor', depot: 'D01', from: T0, to: T0 + 31 * DAY })).toBe(n);

      const from = T0;
      const to = T0 + 30 * DAY;
      const h = await store.history({ series: { measurement: 'sensor', depot: 'D01', sensor: 'long' }, from, to });
      expect(h.intervalMs).toBe(Math.ceil((to - from) / 1000));
      expect(h.points.length).toBeLessThanOrEqual(1000);
      expect(h.points.length).toBeGreaterThan(900);
      expect(Math.min(...h.points.map((p) => p.min))).toBe(0);
      expect(Math.max(...h.points.map((p) => p.max))).toBe(99);
      for (const [i, p] of h.points.entries()) {
        expect((p.t - from) % h.intervalMs).toBe(0);
        if (i > 0) expect(p.t).toBeGreaterThan(h.points[i - 1]?.t ?? Infinity);
      }

      const coarse = await store.history({ series: { measurement: 'sensor', depot: 'D01', sensor: 'long' }, from, to, maxPoints: 10 });
      expect(coarse.points).toHaveLength(10);
    });

    it('is idempotent on replay, and a rewrite replaces the point', async () => {
      const batch = [
        ...Array.from({ length: 20 }, (_, i) => sensor('D01', 's1', T0 + i * 1000, i)),
        ...Array.from({ length: 5 }, (_, i) => camera('D01', 'cam1', T0 + i * 1000, { online: true, fps: 25 })),
        ...Array.from({ length: 3 }, (_, i) => collector('D01', T0 + i * 1000, i)),
      ];
      await store.write(batch);
      await store.write(batch);
      const range = { depot: 'D01', from: T0, to: T0 + HOUR };
      expect(await store.count({ measurement: 'sensor', ...range })).toBe(20);
      expect(await store.count({ measurement: 'camera', ...range })).toBe(5);
      expect(await store.count({ measurement: 'collector', ...range })).toBe(3);

      await store.write([sensor('D01', 's1', T0, 42)]);
      const h = await store.history({ series: { measurement: 'sensor', depot: 'D01', sensor: 's1' }, from: T0, to: T0 + 1000, maxPoints: 1 });
      expect(h.points).toEqual([{ t: T0, mean: 42, min: 42, max: 42 }]);
      expect(await store.count({ measurement: 'sensor', ...range })).toBe(20);
    });

    it('round-trips camera and collector points, leaving out absent camera fields', async () => {
      await store.write([
        camera('D01', 'cam1', T0, { online: true, recording: true, fps: 25, bitrate_kbps: 4096, packet_loss_pct: 0.2, storage_free_pct: 61, tamper: false, video_loss: false }),
        camera('D01', 'cam1', T0 + 1000, { online: false }),
        camera('D01', 'cam1', T0 + 2000, { online: true, fps: 20 }),
        camera('D01', 'cam2', T0, { online: true, fps: 1 }),
        collector('D01', T0, 0),
        collector('D01', T0 + 1000, 1234),
        collector('D02', T0, 7),
      ]);
      expect(await store.count({ measurement: 'camera', depot: 'D01', from: T0, to: T0 + HOUR })).toBe(4);
      expect(await store.count({ measurement: 'collector', from: T0, to: T0 + HOUR })).toBe(3);
      expect(await store.count({ measurement: 'collector', depot: 'D01', from: T0, to: T0 + HOUR })).toBe(2);

      const series = { measurement: 'camera', depot: 'D01', camera: 'cam1' } as const;
      const fps = await store.history({ series: { ...series, field: 'fps' }, from: T0, to: T0 + 3000, maxPoints: 1 });
      expect(fps.points).toEqual([{ t: T0, mean: 22.5, min: 20, max: 25 }]);
      const free = await store.history({ series: { ...series, field: 'storage_free_pct' }, from: T0, to: T0 + 3000, maxPoints: 3 });
      expect(free.points).toEqual([{ t: T0, mean: 61, min: 61, max: 61 }]);
    });

    it('stores and finds IDs and zones with characters that need escaping', async () => {
      const odd = "D'0\\1 x";
      await store.write([
        sensor('D01', 's1', T0, 1, 'Store B, north=1'),
        sensor('D01', 's2', T0, 2, 'a\\b'),
        sensor(odd, "s'1", T0, 3),
      ]);
      expect(await store.count({ measurement: 'sensor', depot: 'D01', from: T0, to: T0 + 1 })).toBe(2);
      expect(await store.count({ measurement: 'sensor', depot: odd, from: T0, to: T0 + 1 })).toBe(1);
      expect(await store.count({ measurement: 'sensor', depot: "D'0", from: T0, to: T0 + 1 })).toBe(0);
      const h = await store.history({ series: { measurement: 'sensor', depot: odd, sensor: "s'1" }, from: T0, to: T0 + 1000, maxPoints: 1 });
      expect(h.points).toEqual([{ t: T0, mean: 3, min: 3, max: 3 }]);
    });

    it('refuses invalid points without losing the rest of the batch', async () => {
      const batch = [sensor('D01', 's1', T0, 1), sensor('D01', 's1', T0 + 1000, Number.NaN), sensor('D01', 's1', T0 + 2000, 3)];
      const err = await store.write(batch).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(TelemetryWriteError);
      expect(err).toMatchObject({ retryable: false, rejected: 1 });
      expect(await store.count({ measurement: 'sensor', depot: 'D01', from: T0, to: T0 + HOUR })).toBe(2);
    });

    it('accepts an empty batch and answers ping', async () => {
      await store.write([]);
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

// ---------------------------------------------------------------------------------------------- SQLite

describe('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'depotwatch-telemetry-'));
  let n = 0;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describeTelemetryStoreContract('sqlite', async () => {
    n += 1;
    return createSqliteTelemetryStore({ path: join(dir, `store-${n}.db`), logger: silentLogger });
  });

  describe('sqlite specifics', () => {
    it('uses WAL and prunes rows past retentionDays at init', async () => {
      const path = join(dir, 'retention.db');
      const now = Date.now();
      const first = createSqliteTelemetryStore({ path, logger: silentLogger });
      await first.init();
      await first.write([sensor('D01', 's1', now - 40 * DAY, 1), sensor('D01', 's1', now - DAY, 2), collector('D01', now - 40 * DAY, 0)]);
      await first.close();

      const second = createSqliteTelemetryStore({ path, logger: silentLogger, retentionDays: 30 });
      await second.init();
      expect(await second.count({ measurement: 'sensor', from: 0, to: now })).toBe(1);
      expect(await second.count({ measurement: 'collector', from: 0, to: now })).toBe(0);
      await second.close();

      const raw = new Database(path, { readonly: true });
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      raw.close();
    });

    it('refuses use before init()', async () => {
      const store = createSqliteTelemetryStore({ path: ':memory:', logger: silentLogger });
      await expect(store.ping()).rejects.toThrow(/before init/);
    });
  });
});

// ---------------------------------------------------------------------------------------------- InfluxDB

describe('influx', () => {
  let influx: RunningInfluxd;
  let n = 0;
  beforeAll(async () => { influx = await startInfluxd(); });
  afterAll(async () => { await influx.stop(); });

  describeTelemetryStoreContract('influx', async () => {
    n += 1;
    return createInfluxStore({ url: influx.url, db: `contract_${n}`, logger: silentLogger });
  });

  describe('influx specifics', () => {
    async function influxql(q: string): Promise<unknown> {
      const res = await fetch(`${influx.url}/query`, { method: 'POST', body: new URLSearchParams({ q }) });
      return res.json();
    }

    it('creates its retention policy, and follows a changed retentionDays', async () => {
      const a = createInfluxStore({ url: influx.url, db: 'retention_db', logger: silentLogger, retentionDays: 30 });
      await a.init();
      await a.init(); // idempotent
      expect(JSON.stringify(await influxql('SHOW RETENTION POLICIES ON "retention_db"'))).toContain('["depotwatch","720h0m0s","24h0m0s",1,true]');
      const b = createInfluxStore({ url: influx.url, db: 'retention_db', logger: silentLogger, retentionDays: 60 });
      await b.init();
      expect(JSON.stringify(await influxql('SHOW RETENTION POLICIES ON "retention_db"'))).toContain('["depotwatch","1440h0m0s","24h0m0s",1,true]');
      await a.close();
      await b.close();
    });

    it('reports a missing database as a non-retryable write error', async () => {
      const store = createInfluxStore({ url: influx.url, db: 'never_created', logger: silentLogger });
      await expect(store.write([sensor('D01', 's1', T0, 1)])).rejects.toMatchObject({ retryable: false, status: 404 });
    });

    it('fails ping and init, and makes writes retryable, when nothing listens', async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const store = createInfluxStore({ url, db: 'x', logger: silentLogger });
      await expect(store.ping()).rejects.toThrow(/unreachable/);
      await expect(store.init()).rejects.toThrow(/unavailable/);
      const err = await store.write([sensor('D01', 's1', T0, 1)]).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(TelemetryWriteError);
      expect(err).toMatchObject({ retryable: true });
    });
  });
});

describe('influx store HTTP handling (fake fetch)', () => {
  type Call = { url: URL; init: RequestInit | undefined };
  function fakeFetch(respond: (call: Call) => Response | Promise<Response>): { fetchImpl: typeof fetch; calls: Call[] } {
    const calls: Call[] = [];
    const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
      const call = { url: new URL(input instanceof Request ? input.url : input.toString()), init };
      calls.push(call);
      return respond(call);
    }) as typeof fetch;
    return { fetchImpl, calls };
  }

  it('sends token and v1 credentials as InfluxDB expects, and keeps them out of the logs', async () => {
    const logs: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (s: string) => { logs.push(s); } });
    const { fetchImpl, calls } = fakeFetch(({ url }) => (url.pathname === '/query'
      ? new Response('{"error":"forbidden"}', { status: 403 })
      : new Response(null, { status: 204 })));
    const store = createInfluxStore({
      url: 'http://influx.example:8086/', db: 'depotwatch', token: 'tok-secret', username: 'dw', password: 'pw-secret', logger, fetchImpl,
    });
    await store.init();
    await store.write([sensor('D01', 's1', T0, 1)]);
    const write = calls.find((c) => c.url.pathname === '/write');
    expect(write?.url.searchParams.get('u')).toBe('dw');
    expect(write?.url.searchParams.get('p')).toBe('pw-secret');
    expect(write?.url.searchParams.get('precision')).toBe('ms');
    expect(new Headers(write?.init?.headers).get('authorization')).toBe('Token tok-secret');
    expect(logs.some((l) => l.includes('could not create the database'))).toBe(true);
    expect(logs.join('\n')).not.toMatch(/secret/);
  });

  it('classifies answers: 429 and 5xx retryable, 400 partial write counts refused points', async () => {
    const answers = [
      new Response('{"error":"too many"}', { status: 429 }),
      new Response('{"error":"engine: timeout"}', { status: 500 }),
      new Response('{"error":"partial write: field type conflict: input field \\"value\\" ... dropped=2"}', { status: 400 }),
      new Response('{"error":"authorization failed"}', { status: 401 }),
    ];
    const { fetchImpl } = fakeFetch(() => answers.shift() ?? new Response(null, { status: 204 }));
    const store = createInfluxStore({ url: 'http://influx.example:8086', db: 'd', logger: silentLogger, fetchImpl });
    const batch = [sensor('D01', 's1', T0, 1), sensor('D01', 's1', T0 + 1, 2), sensor('D01', 's1', T0 + 2, 3)];
    await expect(store.write(batch)).rejects.toMatchObject({ retryable: true, status: 429 });
    await expect(store.write(batch)).rejects.toMatchObject({ retryable: true, status: 500 });
    await expect(store.write(batch)).rejects.toMatchObject({ retryable: false, status: 400, rejected: 2, message: expect.stringContaining('field type conflict') });
    await expect(store.write(batch)).rejects.toMatchObject({ retryable: false, status: 401, rejected: undefined });
  });

  it('times out a hanging request as a retryable error', async () => {
    const { fetchImpl } = fakeFetch(({ init }) => new Promise<Response>((_, reject) => {
      init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
    }));
    const store = createInfluxStore({ url: 'http://influx.example:8086', db: 'd', logger: silentLogger, fetchImpl, timeoutMs: 50 });
    await expect(store.write([sensor('D01', 's1', T0, 1)])).rejects.toMatchObject({ retryable: true, message: expect.stringContaining('timed out') });
  });
});

/** A port nobody listens on: bound, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
