import Database from 'better-sqlite3';

/**
 * Counting what a sink stored. Every load message has a distinct (series, ts) and ts is the publisher's
 * clock, so the points of one ladder step are exactly the `sensor` points in that step's time window.
 */
export interface PointCounter {
  /** `sensor` points with fromMs <= ts < toMs */
  count(fromMs: number, toMs: number): Promise<number>;
  close(): void;
}

interface InfluxQueryResponse {
  results?: { error?: string; series?: { values?: unknown[][] }[] }[];
  error?: string;
}

/** the v1 HTTP API that influxd 1.x serves (and DepotWatch itself uses) */
export class InfluxAdmin {
  constructor(readonly url: string) {}

  async createDatabase(db: string): Promise<void> {
    await this.query(`CREATE DATABASE "${db}"`, undefined, 'POST');
  }

  counter(db: string): PointCounter {
    return {
      count: async (fromMs, toMs) => {
        const body = await this.query(`SELECT count("value") FROM "sensor" WHERE time >= ${Math.floor(fromMs)}ms AND time < ${Math.ceil(toMs)}ms`, db, 'GET');
        const v = body.results?.[0]?.series?.[0]?.values?.[0]?.[1];
        return typeof v === 'number' ? v : 0;
      },
      close: () => undefined,
    };
  }

  private async query(q: string, db: string | undefined, method: 'GET' | 'POST'): Promise<InfluxQueryResponse> {
    const params = new URLSearchParams({ q, epoch: 'ms', ...(db ? { db } : {}) });
    const res = await fetch(`${this.url}/query?${params.toString()}`, { method, signal: AbortSignal.timeout(30_000) });
    const body = (await res.json()) as InfluxQueryResponse;
    const error = body.error ?? body.results?.[0]?.error;
    if (res.status !== 200 || error) throw new Error(`InfluxDB ${q}: ${res.status} ${error ?? ''}`);
    return body;
  }
}

/**
 * DepotWatch's embedded telemetry store, read through a second, read-only connection: SQLite in WAL
 * mode lets it read while the server writes. Opened on first use, since the server creates the file.
 */
export function sqliteCounter(path: string): PointCounter {
  let db: Database.Database | undefined;
  let stmt: Database.Statement<[number, number], { n: number }> | undefined;
  return {
    count(fromMs, toMs) {
      db ??= new Database(path, { readonly: true, fileMustExist: true, timeout: 5000 });
      stmt ??= db.prepare<[number, number], { n: number }>('SELECT count(*) AS n FROM sensor WHERE ts >= ? AND ts < ?');
      return Promise.resolve(stmt.get(Math.floor(fromMs), Math.ceil(toMs))?.n ?? 0);
    },
    close() {
      db?.close();
      db = undefined;
      stmt = undefined;
    },
  };
}
