import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  CAMERA_NUMERIC_FIELDS,
  type HistoryQuery, type HistorySeries, type Reading, type TelemetryPoint,
} from '../../contracts/telemetry.js';
import { TelemetryWriteError, historyBucketMs, type TelemetryStore } from '../../ports/telemetry-store.js';
import type { Logger } from '../logger.js';

/**
 * The embedded telemetry store (no INFLUX_URL): SPEC §4's measurements as three SQLite tables keyed like
 * InfluxDB series, so `INSERT OR REPLACE` makes a replay rewrite the same row.
 */
export interface SqliteTelemetryStoreOptions {
  /** a file path or ':memory:' */
  path: string;
  logger: Logger;
  /** rows older than this are pruned at init() and then hourly */
  retentionDays?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sensor (
  depot TEXT NOT NULL, sensor TEXT NOT NULL, zone TEXT NOT NULL, kind TEXT NOT NULL,
  ts INTEGER NOT NULL, value REAL NOT NULL,
  PRIMARY KEY (depot, sensor, ts)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS camera (
  depot TEXT NOT NULL, camera TEXT NOT NULL, zone TEXT NOT NULL, ts INTEGER NOT NULL,
  online INTEGER NOT NULL, recording INTEGER, tamper INTEGER, video_loss INTEGER,
  fps REAL, bitrate_kbps REAL, packet_loss_pct REAL, storage_free_pct REAL,
  PRIMARY KEY (depot, camera, ts)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS collector (
  depot TEXT NOT NULL, ts INTEGER NOT NULL, online INTEGER NOT NULL, spooled INTEGER NOT NULL,
  PRIMARY KEY (depot, ts)
) WITHOUT ROWID;
-- Retention and depot-less counts range over time alone; without these they would scan whole tables.
CREATE INDEX IF NOT EXISTS sensor_ts ON sensor (ts);
CREATE INDEX IF NOT EXISTS camera_ts ON camera (ts);
CREATE INDEX IF NOT EXISTS collector_ts ON collector (ts);
`;

const TABLES = ['sensor', 'camera', 'collector'] as const;
/** Primary-key columns, for chunked deletes on tables without a rowid. */
const KEY_COLUMNS: Readonly<Record<(typeof TABLES)[number], string>> = {
  sensor: 'depot, sensor, ts', camera: 'depot, camera, ts', collector: 'depot, ts',
};
const DAY_MS = 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;
/** Rows deleted per statement: keeps each event-loop pause short on a large backlog. */
const PRUNE_CHUNK = 5_000;
/** Codes after which the same batch can succeed later (a lock is released, space is freed). */
const RETRYABLE_CODES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL'];

type Row = Record<string, string | number | null>;

export function createSqliteTelemetryStore(opts: SqliteTelemetryStoreOptions): TelemetryStore {
  const { logger } = opts;
  let db: Database.Database | undefined;
  let insert: ((points: readonly TelemetryPoint[]) => { invalid: number; firstProblem: string }) | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  let pruning: Promise<void> | undefined;
  let closed = false;
  const historyStatements = new Map<string, Database.Statement>();
  let readingsStatement: Database.Statement | undefined;

  function open(): Database.Database {
    if (db === undefined) throw new Error('SQLite telemetry store used before init()');
    return db;
  }

  function prepareInsert(conn: Database.Database): typeof insert {
    const stmts = {
      sensor: conn.prepare('INSERT OR REPLACE INTO sensor (depot, sensor, zone, kind, ts, value) VALUES (@depot, @sensor, @zone, @kind, @ts, @value)'),
      camera: conn.prepare(`INSERT OR REPLACE INTO camera (depot, camera, zone, ts, online, recording, tamper, video_loss, fps, bitrate_kbps, packet_loss_pct, storage_free_pct)
        VALUES (@depot, @camera, @zone, @ts, @online, @recording, @tamper, @video_loss, @fps, @bitrate_kbps, @packet_loss_pct, @storage_free_pct)`),
      collector: conn.prepare('INSERT OR REPLACE INTO collector (depot, ts, online, spooled) VALUES (@depot, @ts, @online, @spooled)'),
    };
    // One transaction per batch: one fsync-equivalent instead of thousands, and all-or-nothing on a SQLite error.
    return conn.transaction((points: readonly TelemetryPoint[]) => {
      let invalid = 0;
      let firstProblem = '';
      for (const point of points) {
        const problem = problemOf(point);
        if (problem !== undefined) {
          invalid += 1;
          if (firstProblem === '') firstProblem = problem;
          continue;
        }
        stmts[point.measurement].run(toRow(point));
      }
      return { invalid, firstProblem };
    });
  }

  function historyStatement(measurement: 'sensor' | 'camera', column: string): Database.Statement {
    const key = `${measurement}:${column}`;
    let stmt = historyStatements.get(key);
    if (stmt === undefined) {
      const idColumn = measurement === 'sensor' ? 'sensor' : 'camera';
      // better-sqlite3 binds JS numbers as REAL; the casts keep the bucket index an integer division.
      stmt = open().prepare(`
        SELECT (ts - CAST(@from AS INTEGER)) / CAST(@bucket AS INTEGER) AS b,
               avg(${column}) AS mean, min(${column}) AS min, max(${column}) AS max
        FROM ${measurement}
        WHERE depot = @depot AND ${idColumn} = @id AND ts >= @from AND ts < @to AND ${column} IS NOT NULL
        GROUP BY b ORDER BY b`);
      historyStatements.set(key, stmt);
    }
    return stmt;
  }

  async function prune(days: number): Promise<void> {
    const cutoff = Date.now() - days * DAY_MS;
    let deleted = 0;
    for (const table of TABLES) {
      const keys = KEY_COLUMNS[table];
      const stmt = open().prepare(
        `DELETE FROM ${table} WHERE (${keys}) IN (SELECT ${keys} FROM ${table} WHERE ts < ? LIMIT ${PRUNE_CHUNK})`,
      );
      for (;;) {
        if (closed) return;
        const { changes } = stmt.run(cutoff);
        deleted += changes;
        if (changes < PRUNE_CHUNK) break;
        // Let ingest and HTTP run between chunks.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    if (deleted > 0) logger.info({ deleted, retentionDays: days }, 'pruned telemetry past retention');
  }

  function schedulePrune(days: number): void {
    pruneTimer = setInterval(() => {
      if (pruning !== undefined) return;
      pruning = prune(days)
        .catch((err: unknown) => logger.error({ err }, 'telemetry retention prune failed'))
        .finally(() => { pruning = undefined; });
    }, PRUNE_EVERY_MS);
    pruneTimer.unref();
  }

  return {
    kind: 'sqlite',

    async init() {
      if (db !== undefined) return;
      if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
      const conn = new Database(opts.path);
      // WAL lets history reads run beside writes; NORMAL is durable across application crashes, which is
      // what telemetry needs (a power cut may lose the last batch, never corrupt the file).
      conn.pragma('journal_mode = WAL');
      conn.pragma('synchronous = NORMAL');
      conn.exec(SCHEMA);
      db = conn;
      insert = prepareInsert(conn);
      if (opts.retentionDays !== undefined) {
        await prune(opts.retentionDays);
        schedulePrune(opts.retentionDays);
      }
      logger.info({ path: opts.path, retentionDays: opts.retentionDays }, 'SQLite telemetry store ready');
    },

    async write(points) {
      if (points.length === 0) return;
      open();
      if (insert === undefined) throw new Error('SQLite telemetry store used before init()');
      let outcome: { invalid: number; firstProblem: string };
      try {
        outcome = insert(points);
      } catch (err) {
        throw toWriteError(err);
      }
      if (outcome.invalid > 0) {
        throw new TelemetryWriteError(
          `${outcome.invalid} of ${points.length} points invalid: ${outcome.firstProblem}`, false, undefined, outcome.invalid,
        );
      }
    },

    async history(query: HistoryQuery): Promise<HistorySeries> {
      const from = Math.floor(query.from);
      const to = Math.ceil(query.to);
      const intervalMs = historyBucketMs({ from, to, maxPoints: query.maxPoints });
      if (to <= from) return { intervalMs, points: [] };
      const { series } = query;
      let rows: unknown[];
      if (series.measurement === 'sensor') {
        rows = historyStatement('sensor', 'value').all({ from, to, bucket: intervalMs, depot: series.depot, id: series.sensor });
      } else {
        // The column name is interpolated into SQL, so only the known numeric fields pass.
        if (!(CAMERA_NUMERIC_FIELDS as readonly string[]).includes(series.field)) throw new Error(`not a numeric camera field: ${series.field}`);
        rows = historyStatement('camera', series.field).all({ from, to, bucket: intervalMs, depot: series.depot, id: series.camera });
      }
      return {
        intervalMs,
        points: (rows as Array<{ b: number; mean: number; min: number; max: number }>).map((r) => ({
          t: from + r.b * intervalMs, mean: r.mean, min: r.min, max: r.max,
        })),
      };
    },

    async readings({ depot, sensor, from, to, limit }) {
      // the primary key (depot, sensor, ts) makes this a range scan, however large the table
      readingsStatement ??= open().prepare('SELECT ts AS t, value FROM sensor WHERE depot = @depot AND sensor = @sensor AND ts >= @from AND ts < @to ORDER BY ts LIMIT @limit');
      return readingsStatement.all({ depot, sensor, from: Math.floor(from), to: Math.ceil(to), limit: Math.max(0, Math.floor(limit)) }) as Reading[];
    },

    async count({ measurement, depot, from, to }) {
      if (!(TABLES as readonly string[]).includes(measurement)) throw new Error(`unknown measurement: ${measurement}`);
      const depotFilter = depot === undefined ? '' : ' AND depot = @depot';
      const row = open()
        .prepare(`SELECT count(*) AS n FROM ${measurement} WHERE ts >= @from AND ts < @to${depotFilter}`)
        .get({ from: Math.floor(from), to: Math.ceil(to), ...(depot === undefined ? {} : { depot }) }) as { n: number };
      return row.n;
    },

    async ping() {
      open().prepare('SELECT 1').get();
    },

    async close() {
      closed = true;
      if (pruneTimer !== undefined) clearInterval(pruneTimer);
      await pruning;
      db?.close();
      db = undefined;
      readingsStatement = undefined;
      insert = undefined;
    },
  };
}

/** Why SQLite must not store a point, mirroring what InfluxDB refuses (it cannot store NaN or ±Infinity). */
function problemOf(point: TelemetryPoint): string | undefined {
  if (!Number.isFinite(point.ts)) return `ts is not a finite number: ${point.ts}`;
  switch (point.measurement) {
    case 'sensor':
      return Number.isFinite(point.fields.value) ? undefined : `sensor ${point.tags.sensor} value is not finite: ${point.fields.value}`;
    case 'camera':
      for (const field of CAMERA_NUMERIC_FIELDS) {
        const v = point.fields[field];
        if (v !== undefined && !Number.isFinite(v)) return `camera ${point.tags.camera} ${field} is not finite: ${v}`;
      }
      return undefined;
    case 'collector':
      return Number.isSafeInteger(point.fields.spooled) ? undefined : `collector spooled is not an integer: ${point.fields.spooled}`;
  }
}

function toRow(point: TelemetryPoint): Row {
  // Flooring as the line protocol does, so both stores key a sub-millisecond ts the same way.
  const ts = Math.floor(point.ts);
  switch (point.measurement) {
    case 'sensor':
      return { ...point.tags, ts, value: point.fields.value };
    case 'camera': {
      const f = point.fields;
      return {
        ...point.tags, ts, online: bool(f.online), recording: bool(f.recording), tamper: bool(f.tamper),
        video_loss: bool(f.video_loss), fps: f.fps ?? null, bitrate_kbps: f.bitrate_kbps ?? null,
        packet_loss_pct: f.packet_loss_pct ?? null, storage_free_pct: f.storage_free_pct ?? null,
      };
    }
    case 'collector':
      return { depot: point.tags.depot, ts, online: bool(point.fields.online), spooled: point.fields.spooled };
  }
}

/** SQLite has no boolean; better-sqlite3 refuses to bind one. */
function bool(value: boolean | undefined): number | null {
  return value === undefined ? null : value ? 1 : 0;
}

function toWriteError(err: unknown): TelemetryWriteError {
  if (err instanceof Database.SqliteError) {
    const retryable = RETRYABLE_CODES.some((code) => err.code.startsWith(code));
    return new TelemetryWriteError(`SQLite write failed (${err.code}): ${err.message}`, retryable);
  }
  return new TelemetryWriteError(`SQLite write failed: ${err instanceof Error ? err.message : String(err)}`, false);
}
