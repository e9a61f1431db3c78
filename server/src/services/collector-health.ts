import type { CollectorHealthView, CollectorsResponse, RejectedSampleView } from '../contracts/collectors.js';
import type { AcceptedMessage } from '../contracts/telemetry.js';
import { RateWindow } from '../domain/rate-window.js';
import { RejectionLog, type RejectedSample } from '../domain/rejection-log.js';
import type { SiteIndex } from '../domain/site-index.js';
import type { Clock } from '../ports/clock.js';

type StatusMessage = Extract<AcceptedMessage, { type: 'collector' }>;

interface Health {
  status?: { state: StatusMessage['state']; ts: number; since: number; version?: string; configVersion?: number; spooled: number; dropped: number };
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
}

/**
 * Each depot's edge collector as engineers see it (SPEC §9 `GET /api/collectors`), fed by the ingest:
 * its last status (state, version, configuration version, spool), when the depot was last heard, its
 * message rate and its rejections with the latest samples. Memory is fixed per configured depot; what
 * names no configured depot shares one "unattributed" log, so invented depot IDs cannot grow it.
 */
export function createCollectorHealth(deps: CollectorHealthDeps) {
  const windowMs = deps.rateWindowMs ?? 5 * 60_000;
  const keep = deps.keepSamples ?? 10;
  const depots = new Map<string, Health>();
  const unattributed = new RejectionLog(keep);

  const healthOf = (depotId: string): Health | undefined => {
    if (!deps.index().depot(depotId)) return undefined;
    let h = depots.get(depotId);
    if (!h) depots.set(depotId, (h = { lastSeen: null, rate: new RateWindow(windowMs, Math.min(10_000, windowMs)), rejections: new RejectionLog(keep) }));
    return h;
  };

  const view = (s: RejectedSample): RejectedSampleView => ({ ...s });

  return {
    /** every MQTT message from a depot, whatever became of it */
    received(depotId: string, at: number): void {
      const h = healthOf(depotId);
      if (!h) return;
      h.lastSeen = Math.max(h.lastSeen ?? 0, at);
      h.rate.add(at);
    },

    /** a live collector status (the Last Will included); an older one than held is ignored */
    status(msg: StatusMessage, receivedAt: number): void {
      const h = healthOf(msg.depotId);
      if (!h) return;
      const prev = h.status;
      if (prev && msg.ts < prev.ts) return;
      // the Last Will is the retained "online" status's offline twin: it carries no version, keep the last known
      h.status = {
        state: msg.state, ts: msg.ts, since: prev && prev.state === msg.state ? prev.since : receivedAt,
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
    reconfigured(): void {
      for (const id of depots.keys()) if (!deps.index().depot(id)) depots.delete(id);
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
          state: s?.state ?? 'unknown', since: s?.since ?? null, lastSeen: h?.lastSeen ?? null,
          version: s?.version ?? null, configVersion: s?.configVersion ?? null, configPublished: deps.publishedVersion?.(d.id) ?? null,
          spooled: s?.spooled ?? 0, dropped: s?.dropped ?? 0,
          ratePerMin: h ? Math.round(h.rate.perMinute(now) * 10) / 10 : 0,
          rejected: h?.rejections.total ?? 0, rejections: h?.rejections.reasons() ?? [], samples: h?.rejections.samples().map(view) ?? [],
        });
      }
      return {
        serverTime: now, configVersion: deps.configVersion(), rateWindowMs: windowMs, collectors,
        unattributed: { rejected: unattributed.total, rejections: unattributed.reasons(), samples: unattributed.samples().map(view) },
      };
    },
  };
}
export type CollectorHealth = ReturnType<typeof createCollectorHealth>;
