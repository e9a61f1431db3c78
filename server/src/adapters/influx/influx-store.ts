import { z } from 'zod';
import {
  CAMERA_NUMERIC_FIELDS,
  type HistoryPoint, type HistoryQuery, type HistorySeries, type HistorySeriesRef, type Reading, type ReadingsQuery, type TelemetryPoint,
} from '../../contracts/telemetry.js';
import { TelemetryWriteError, historyBucketMs, type TelemetryStore } from '../../ports/telemetry-store.js';
import type { Logger } from '../logger.js';
import { pointToLine } from './line-protocol.js';

/**
 * TelemetryStore over InfluxDB's v1 HTTP API only (`/write`, `/query`, `/ping`), which 1.x serves natively and
 * 2.x (DBRP mapping) and 3 Core serve for compatibility: one client for all three, no vendor SDK.
 */
export interface InfluxStoreOptions {
  url: string;
  db: string;
  /** sent as `Authorization: Token …` (2.x / 3 tokens, or 1.x `user:password`) */
  token?: string;
  /** v1 credentials, sent as the `u` / `p` query parameters; never logged */
  username?: string;
  password?: string;
  logger: Logger;
  fetchImpl?: typeof fetch;
  /** when set, init() makes a `depotwatch` retention policy of this length the database's default */
  retentionDays?: number;
  /** per request; a timed-out write is retryable */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const RETENTION_POLICY = 'depotwatch';
/** count() counts a field every point of the measurement carries (InfluxQL counts fields, not rows). */
const ALWAYS_PRESENT_FIELD: Readonly<Record<TelemetryPoint['measurement'], string>> = {
  sensor: 'value', camera: 'online', collector: 'online',
};
const MAX_ERROR_TEXT = 1000;

const queryResponseSchema = z.object({
  error: z.string().optional(),
  results: z.array(z.object({
    error: z.string().optional(),
    series: z.array(z.object({
      columns: z.array(z.string()),
      values: z.array(z.array(z.union([z.number(), z.string(), z.boolean(), z.null()]))).optional(),
    })).optional(),
  })).optional(),
});
type StatementResult = NonNullable<z.infer<typeof queryResponseSchema>['results']>[number];
type DdlOutcome = { ok: true } | { ok: false; reason: string };

/** A non-2xx answer; kept apart from network errors so init() can tell "refused" from "unreachable". */
class InfluxHttpError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'InfluxHttpError';
  }
}

export function createInfluxStore(opts: InfluxStoreOptions): TelemetryStore {
  const { db, logger } = opts;
  const fetchImpl = opts.fetchImpl ?? fetch;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const baseUrl = opts.url.replace(/\/+$/, '');
  // Aborts in-flight requests on close(), so shutdown does not wait out a 10 s timeout.
  const closing = new AbortController();

  async function request(path: '/write' | '/query' | '/ping', init: {
    method: 'GET' | 'POST'; params?: Record<string, string>; body?: string; contentType?: string;
  }): Promise<Response> {
    const url = new URL(baseUrl + path);
    for (const [k, v] of Object.entries(init.params ?? {})) url.searchParams.set(k, v);
    if (opts.username !== undefined) url.searchParams.set('u', opts.username);
    if (opts.password !== undefined) url.searchParams.set('p', opts.password);
    const headers: Record<string, string> = {};
    if (opts.token !== undefined) headers.Authorization = `Token ${opts.token}`;
    if (init.contentType !== undefined) headers['Content-Type'] = init.contentType;
    return fetchImpl(url, {
      method: init.method,
      headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), closing.signal]),
    });
  }

  /** One InfluxQL statement; HTTP failures throw, a statement's own error is returned for the caller to judge. */
  async function runStatement(q: string, method: 'GET' | 'POST'): Promise<StatementResult> {
    const params = { db, epoch: 'ms' };
    const res = method === 'GET'
      ? await request('/query', { method, params: { ...params, q } })
      : await request('/query', { method, params, body: new URLSearchParams({ q }).toString(), contentType: 'application/x-www-form-urlencoded' });
    const text = await res.text();
    if (!res.ok) throw new InfluxHttpError(`InfluxDB /query answered ${res.status}: ${errorText(text)}`, res.status);
    const parsed = queryResponseSchema.safeParse(safeJson(text));
    if (!parsed.success) throw new Error(`InfluxDB /query answered an unexpected body: ${truncate(text)}`);
    if (parsed.data.error !== undefined) throw new Error(`InfluxDB query failed: ${parsed.data.error}`);
    return parsed.data.results?.[0] ?? {};
  }

  async function select(q: string): Promise<StatementResult> {
    const result = await runStatement(q, 'GET');
    if (result.error !== undefined) throw new Error(`InfluxDB query failed: ${result.error}`);
    return result;
  }

  /**
   * Schema changes are best effort: a read/write-only account may still use a database an admin made, and
   * 2.x / 3 refuse InfluxQL DDL altogether. Only an unreachable server fails init().
   */
  async function tryDdl(statement: string, what: string): Promise<DdlOutcome> {
    try {
      const result = await runStatement(statement, 'POST');
      return result.error === undefined ? { ok: true } : { ok: false, reason: result.error };
    } catch (err) {
      // Any HTTP answer (401/403 without admin rights, 400/501 from 2.x) means the server is there.
      if (err instanceof InfluxHttpError) return { ok: false, reason: err.message };
      throw new Error(`InfluxDB at ${safeOrigin(baseUrl)} unavailable while trying to ${what}: ${describeError(err)}`, { cause: err });
    }
  }

  async function ensureRetentionPolicy(days: number): Promise<void> {
    // Hours, because InfluxQL durations are integers and 1 h is InfluxDB's shortest retention.
    const duration = `${Math.max(1, Math.round(days * 24))}h`;
    const on = `${quoteIdent(RETENTION_POLICY)} ON ${quoteIdent(db)} DURATION ${duration}`;
    let outcome = await tryDdl(`CREATE RETENTION POLICY ${on} REPLICATION 1 DEFAULT`, 'create the retention policy');
    // Exists with other settings: the configured length wins, as this policy is DepotWatch's own.
    if (!outcome.ok && outcome.reason.includes('already exists')) {
      outcome = await tryDdl(`ALTER RETENTION POLICY ${on} DEFAULT`, 'alter the retention policy');
    }
    if (!outcome.ok) logger.warn({ db, reason: outcome.reason }, 'retention policy not applied');
  }

  return {
    kind: 'influx',

    async init() {
      const created = await tryDdl(`CREATE DATABASE ${quoteIdent(db)}`, 'create the database');
      if (!created.ok) logger.warn({ db, reason: created.reason }, 'could not create the database; assuming it exists');
      if (created.ok && opts.retentionDays !== undefined) await ensureRetentionPolicy(opts.retentionDays);
      logger.info({ url: safeOrigin(baseUrl), db }, 'InfluxDB telemetry store ready');
    },

    async write(points) {
      if (points.length === 0) return;
      // Points that line protocol cannot carry are refused here, so one bad point never corrupts the request.
      const lines: string[] = [];
      let invalid = 0;
      let firstProblem = '';
      for (const point of points) {
        try {
          lines.push(pointToLine(point));
        } catch (err) {
          invalid += 1;
          if (firstProblem === '') firstProblem = describeError(err);
        }
      }
      if (lines.length === 0) {
        throw new TelemetryWriteError(`all ${points.length} points invalid: ${firstProblem}`, false, undefined, points.length);
      }

      let res: Response;
      try {
        res = await request('/write', {
          method: 'POST', params: { db, precision: 'ms' }, body: lines.join('\n'), contentType: 'text/plain; charset=utf-8',
        });
      } catch (err) {
        throw new TelemetryWriteError(`InfluxDB write failed: ${describeError(err)}`, true);
      }
      const text = await res.text();
      if (res.ok) {
        if (invalid > 0) throw new TelemetryWriteError(`${invalid} of ${points.length} points invalid: ${firstProblem}`, false, undefined, invalid);
        return;
      }
      const message = `InfluxDB /write answered ${res.status}: ${errorText(text)}`;
      if (res.status === 429 || res.status >= 500) throw new TelemetryWriteError(message, true, res.status);
      // 400 "partial write": InfluxDB stored the other points and names how many it refused.
      const refused = res.status === 400 ? partialWriteRejections(errorText(text)) : undefined;
      throw new TelemetryWriteError(message, false, res.status, refused === undefined ? undefined : refused + invalid);
    },

    async history(query) {
      return influxHistory(query, select);
    },

    async readings(query) {
      return influxReadings(query, select);
    },

    async count({ measurement, depot, from, to }) {
      const field = ALWAYS_PRESENT_FIELD[measurement];
      const depotFilter = depot === undefined ? '' : ` AND "depot" = ${quoteString(depot)}`;
      const result = await select(
        `SELECT count(${quoteIdent(field)}) FROM ${quoteIdent(measurement)} WHERE time >= ${msLiteral(from)} AND time < ${msLiteral(Math.ceil(to))}${depotFilter}`,
      );
      const value = result.series?.[0]?.values?.[0]?.[1];
      return typeof value === 'number' ? value : 0;
    },

    async ping() {
      let res: Response;
      try {
        res = await request('/ping', { method: 'GET' });
      } catch (err) {
        throw new Error(`InfluxDB at ${safeOrigin(baseUrl)} unreachable: ${describeError(err)}`, { cause: err });
      }
      await res.body?.cancel();
      // 1.x and 2.x answer 204; 3 Core answers 200.
      if (res.status !== 204 && res.status !== 200) throw new Error(`InfluxDB /ping answered ${res.status}`);
    },

    async close() {
      closing.abort();
    },
  };
}

async function influxHistory(query: HistoryQuery, select: (q: string) => Promise<StatementResult>): Promise<HistorySeries> {
  const from = Math.floor(query.from);
  const to = Math.ceil(query.to);
  const intervalMs = historyBucketMs({ from, to, maxPoints: query.maxPoints });
  if (to <= from) return { intervalMs, points: [] };
  const { measurement, field, tags } = seriesSelector(query.series);
  const f = quoteIdent(field);
  const where = Object.entries(tags).map(([k, v]) => `${quoteIdent(k)} = ${quoteString(v)}`).join(' AND ');
  // The offset aligns buckets on `from` (InfluxDB aligns on the epoch otherwise), matching the SQLite store.
  const result = await select(
    `SELECT mean(${f}) AS "mean", min(${f}) AS "min", max(${f}) AS "max" FROM ${quoteIdent(measurement)}`
    + ` WHERE ${where} AND time >= ${msLiteral(from)} AND time < ${msLiteral(to)}`
    + ` GROUP BY time(${intervalMs}ms, ${from % intervalMs}ms) fill(none)`,
  );
  const series = result.series?.[0];
  if (series === undefined) return { intervalMs, points: [] };
  const col = (name: string): number => series.columns.indexOf(name);
  const [iT, iMean, iMin, iMax] = [col('time'), col('mean'), col('min'), col('max')];
  const points: HistoryPoint[] = [];
  for (const row of series.values ?? []) {
    const [t, mean, min, max] = [row[iT], row[iMean], row[iMin], row[iMax]];
    if (typeof t === 'number' && typeof mean === 'number' && typeof min === 'number' && typeof max === 'number') {
      points.push({ t, mean, min, max });
    }
  }
  return { intervalMs, points };
}

/**
 * Raw points, no GROUP BY: InfluxDB answers these in one pass over the series, where 1-second
 * buckets over a day cost it ~0.6 s a query on the loaded 2-core box. Without GROUP BY, points
 * of the sensor under other tag sets (a changed zone) come merged in time order.
 */
async function influxReadings(query: ReadingsQuery, select: (q: string) => Promise<StatementResult>): Promise<Reading[]> {
  const limit = Math.max(0, Math.floor(query.limit));
  if (limit === 0 || query.to <= query.from) return [];
  const result = await select(
    `SELECT "value" FROM "sensor" WHERE "depot" = ${quoteString(query.depot)} AND "sensor" = ${quoteString(query.sensor)}`
    + ` AND time >= ${msLiteral(query.from)} AND time < ${msLiteral(Math.ceil(query.to))} ORDER BY time ASC LIMIT ${limit}`,
  );
  const series = result.series?.[0];
  if (series === undefined) return [];
  const iT = series.columns.indexOf('time');
  const iV = series.columns.indexOf('value');
  const out: Reading[] = [];
  for (const row of series.values ?? []) {
    const [t, value] = [row[iT], row[iV]];
    if (typeof t === 'number' && typeof value === 'number') out.push({ t, value });
  }
  return out;
}

function seriesSelector(ref: HistorySeriesRef): { measurement: string; field: string; tags: Record<string, string> } {
  if (ref.measurement === 'sensor') return { measurement: 'sensor', field: 'value', tags: { depot: ref.depot, sensor: ref.sensor } };
  // The type already says so, but the field name reaches the query text, so check it at run time as well.
  if (!(CAMERA_NUMERIC_FIELDS as readonly string[]).includes(ref.field)) throw new Error(`not a numeric camera field: ${ref.field}`);
  return { measurement: 'camera', field: ref.field, tags: { depot: ref.depot, camera: ref.camera } };
}

/** InfluxQL double-quoted identifier. */
export function quoteIdent(name: string): string {
  return `"${escapeInfluxQl(name).replace(/"/g, '\\"')}"`;
}

/** InfluxQL single-quoted string literal. */
export function quoteString(value: string): string {
  return `'${escapeInfluxQl(value).replace(/'/g, "\\'")}'`;
}

function escapeInfluxQl(text: string): string {
  // A raw line break ends an InfluxQL string with "bad string"; the scanner understands `\n` instead.
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function msLiteral(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`not a finite time: ${ms}`);
  return `${Math.floor(ms)}ms`;
}

/**
 * Points InfluxDB refused in a 400 "partial write": `dropped=N` counts type conflicts and retention drops,
 * each "unable to parse" line is one more. Undefined when the answer is not a partial write.
 */
export function partialWriteRejections(message: string): number | undefined {
  if (!message.startsWith('partial write')) return undefined;
  const dropped = Number(/dropped=(\d+)/.exec(message)?.[1] ?? 0);
  const unparsed = message.match(/unable to parse/g)?.length ?? 0;
  return dropped + unparsed > 0 ? dropped + unparsed : undefined;
}

/** InfluxDB's `{"error": "…"}` text, or the raw body. */
function errorText(body: string): string {
  const json = safeJson(body);
  if (typeof json === 'object' && json !== null && 'error' in json && typeof json.error === 'string') return truncate(json.error);
  return truncate(body.trim());
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function truncate(text: string): string {
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text;
}

/** Network errors hide their reason in `cause` (ECONNREFUSED…); timeouts surface as a TimeoutError. */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return 'request timed out';
  if (err.name === 'AbortError') return 'request aborted (store closing)';
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

/** The URL without credentials or query, for logs. */
function safeOrigin(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}
