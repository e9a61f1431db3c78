import type { DiscoveredView } from '../../contracts/collectors.js';
import type { CollectorRecord, EngineerStateStore } from '../../ports/engineer-state.js';
import type { StateDb } from './state-db.js';

interface CollectorRow {
  depot: string; state: 'online' | 'offline'; status_ts: number; since: number; version: string | null; config_version: number | null;
  spooled: number; dropped: number; last_seen: number | null;
}

/** Ignored discovered devices and the collectors' last status, in the state database (their migration in state-db.ts). */
export function createEngineerStateRepo(db: StateDb): EngineerStateStore {
  const ignored = db.prepare<[], { device: string }>('SELECT device FROM discovered_ignored ORDER BY key');
  const putIgnored = db.prepare('INSERT INTO discovered_ignored (key, depot, device) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET depot = excluded.depot, device = excluded.device');
  const delIgnored = db.prepare('DELETE FROM discovered_ignored WHERE key = ?');
  const collectors = db.prepare<[], CollectorRow>('SELECT * FROM collector_state ORDER BY depot');
  const putCollector = db.prepare(`INSERT INTO collector_state (depot, state, status_ts, since, version, config_version, spooled, dropped, last_seen)
    VALUES (@depot, @state, @status_ts, @since, @version, @config_version, @spooled, @dropped, @last_seen)
    ON CONFLICT (depot) DO UPDATE SET state = excluded.state, status_ts = excluded.status_ts, since = excluded.since, version = excluded.version,
      config_version = excluded.config_version, spooled = excluded.spooled, dropped = excluded.dropped, last_seen = excluded.last_seen`);
  const delCollector = db.prepare('DELETE FROM collector_state WHERE depot = ?');
  const saveAll = db.transaction((records: readonly CollectorRecord[]) => {
    for (const r of records) {
      putCollector.run({
        depot: r.depot, state: r.state, status_ts: r.ts, since: r.since, version: r.version ?? null, config_version: r.configVersion ?? null,
        spooled: r.spooled, dropped: r.dropped, last_seen: r.lastSeen,
      });
    }
  });
  return {
    ignoredDevices: () => ignored.all().map((r) => JSON.parse(r.device) as DiscoveredView),
    saveIgnored: (d) => { putIgnored.run(d.key, d.depotId, JSON.stringify(d)); },
    forgetDevice: (key) => { delIgnored.run(key); },
    collectorRecords: () => collectors.all().map((r) => ({
      depot: r.depot, state: r.state, ts: r.status_ts, since: r.since, spooled: r.spooled, dropped: r.dropped, lastSeen: r.last_seen,
      ...(r.version !== null ? { version: r.version } : {}), ...(r.config_version !== null ? { configVersion: r.config_version } : {}),
    })),
    saveCollectors: (records) => { if (records.length) saveAll(records); },
    forgetCollector: (depot) => { delCollector.run(depot); },
  };
}
