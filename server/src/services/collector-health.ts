import type { CollectorHealthView, CollectorsResponse, RejectedSampleView } from '../contracts/collectors.js';
import type { AcceptedMessage } from '../contracts/telemetry.js';
import { RateWindow } from '../domain/rate-window.js';
import { RejectionLog, type RejectedSample } from '../domain/rejection-log.js';
import type { SiteIndex } from '../domain/site-index.js';
import type { Clock } from '../ports/clock.js';
import type { CollectorRecord } from '../ports/engineer-state.js';

type StatusMessage = Extract<AcceptedMessage, { type: 'collector' }>;

interface Health {
  /** `restored`: read back after a restart, not yet confirmed by the collector */
  status?: { state: StatusMessage['state']; ts: number; since: number; version?: string; configVersion?: number; spooled: number; dropped: number; restored?: true };
  lastSeen: number | null;
  rate: RateWindow;
  rejections: RejectionLog;
}

export interface CollectorHealthDeps {
  index: () => SiteIndex;
  clock: Clock;
  /** the running configuration version */
  configVersion: () => number;
  /** the version of the depot's retained collector/config (its part last changed in); undefined until published */
  publishedVersion?: (depot: string) => number | undefined;
  rateWindowMs?: number;
  /** rejected samples kept per depot */
  keepSamples?: number;
  /** what the last run knew (EngineerStateStore): each depot's last status and last-heard time */
  restored?: readonly CollectorRecord[];
}

/**
 * Each depot's edge collector as engineers see it (SPEC §9 `GET /api/collectors`), fed by the ingest:
 * its last status (state, version, configuration version, spool), when the depot was last heard, its
 * message rate and its rejections with the latest samples. Memory is fixed per configured depot; what
 * names no configured depot shares one "unattributed" log, so invented depot IDs cannot grow it.
 *
 * Across a restart: the last status and last-heard time are kept (`dirty()` hands the changed ones to the
 * state store, `restored` brings them back), so a collector that went quiet before the restart still says
 * when it was heard, its version and what it had spooled and dropped; a status that said "online" comes
 * back as "unknown" until the collector speaks again, since nothing vouches for it after the gap. The
 * rejection tallies and samples are not kept: they count "since" the centre's start (`rejectionsSince`),
 * like the /metrics counters, and a flood of hostile messages never turns into state-database writes.
 */
export function createCollectorHealth(deps: CollectorHealthDeps) {
  const windowMs = deps.rateWindowMs ?? 5 * 60_000;
  const keep = deps.keepSamples ?? 10;
  const depots = new Map<string, Health>();
  const unattributed = new RejectionLog(keep);
  const startedAt = deps.clock.now();
  /** depots whose status or last-heard time changed since the last dirty() */
  const changed = new Set<string>();

  const healthOf = (depotId: string): Health | undefined => {
    if (!deps.index().depot(depotId)) return undefined;
    let h = depots.get(depotId);
    if (!h) depots.set(depotId, (h = { lastSeen: null, rate: new RateWindow(windowMs, Math.min(10_000, windowMs)), rejections: new RejectionLog(keep) }));
    return h;
  };
  for (const r of deps.restored ?? []) {
    const h = healthOf(r.depot);
    if (!h) continue;
    h.lastSeen = r.lastSeen;
    h.status = {
      state: r.state, ts: r.ts, since: r.since, spooled: r.spooled, dropped: r.dropped, restored: true,
      ...(r.version !== undefined ? { version: r.version } : {}), ...(r.configVersion !== undefined ? { configVersion: r.configVersion } : {}),
    };
  }

  const view = (s: RejectedSample): RejectedSampleView => ({ ...s });

  return {
    /** every MQTT message from a depot, whatever became of it */
    received(depotId: string, at: number): void {
      const h = healthOf(depotId);
      if (!h) return;
      h.lastSeen = Math.max(h.lastSeen ?? 0, at);
      h.rate.add(at);
      changed.add(depotId);
    },

    /** a live collector status (the Last Will included); an older one than held is ignored */
    status(msg: StatusMessage, receivedAt: number): void {
      const h = healthOf(msg.depotId);
      if (!h) return;
      const prev = h.status;
      if (prev && !prev.restored && msg.ts < prev.ts) return;
      changed.add(msg.depotId);
      // the Last Will is the retained "online" status's offline twin: it carries no version, keep the last known
      h.status = {
        state: msg.state, ts: msg.ts, since: prev && prev.state === msg.state && !(prev.restored && prev.state === 'online') ? prev.since : receivedAt,
        spooled: msg.spooled, dropped: msg.dropped ?? prev?.dropped ?? 0,
        ...(msg.version !== undefined ? { version: msg.version } : prev?.version !== undefined ? { version: prev.version } : {}),
        ...(msg.configVersion !== undefined ? { configVersion: msg.configVersion } : prev?.configVersion !== undefined ? { configVersion: prev.configVersion } : {}),
      };
    },

    rejected(depotId: string | undefined, sample: RejectedSample): void {
      const h = depotId === undefined ? undefined : healthOf(depotId);
      (h?.rejections ?? unattributed).add(sample);
    },

    /** a new configuration version: depots it no longer has are forgotten */
    reconfigured(): string[] {
      const gone = [...depots.keys()].filter((id) => !deps.index().depot(id));
      for (const id of gone) { depots.delete(id); changed.delete(id); }
      return gone;
    },

    /** the records changed since the last call, for the state store; clears the list */
    dirty(): CollectorRecord[] {
      const out: CollectorRecord[] = [];
      for (const id of changed) {
        const h = depots.get(id);
        const s = h?.status;
        if (!h || !s) continue; // heard but never a status: nothing a restart would miss but the time, kept with the first status
        out.push({
          depot: id, state: s.state, ts: s.ts, since: s.since, spooled: s.spooled, dropped: s.dropped, lastSeen: h.lastSeen,
          ...(s.version !== undefined ? { version: s.version } : {}), ...(s.configVersion !== undefined ? { configVersion: s.configVersion } : {}),
        });
      }
      changed.clear();
      return out;
    },

    snapshot(visible: (depotId: string) => boolean): CollectorsResponse {
      const now = deps.clock.now();
      const collectors: CollectorHealthView[] = [];
      for (const d of deps.index().site.depots) {
        if (!visible(d.id)) continue;
        const h = depots.get(d.id);
        const s = h?.status;
        collectors.push({
          depot: d.id, name: d.name, ...(d.nameEn ? { nameEn: d.nameEn } : {}), region: d.region,
          // an "online" from before the restart is not vouched for until the collector speaks again
          state: !s ? 'unknown' : s.restored && s.state === 'online' ? 'unknown' : s.state,
          since: s && !(s.restored && s.state === 'online') ? s.since : null, lastSeen: h?.lastSeen ?? null,
          version: s?.version ?? null, configVersion: s?.configVersion ?? null, configPublished: deps.publishedVersion?.(d.id) ?? null,
          spooled: s?.spooled ?? 0, dropped: s?.dropped ?? 0,
          ratePerMin: h ? Math.round(h.rate.perMinute(now) * 10) / 10 : 0,
          rejected: h?.rejections.total ?? 0, rejections: h?.rejections.reasons() ?? [], samples: h?.rejections.samples().map(view) ?? [],
        });
      }
      return {
        serverTime: now, configVersion: deps.configVersion(), rateWindowMs: windowMs, rejectionsSince: startedAt, collectors,
        unattributed: { rejected: unattributed.total, rejections: unattributed.reasons(), samples: unattributed.samples().map(view) },
      };
    },
  };
}
export type CollectorHealth = ReturnType<typeof createCollectorHealth>;
