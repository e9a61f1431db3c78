import type { Logger } from '../adapters/logger.js';
import type { AcceptedMessage } from '../contracts/telemetry.js';
import { createBackfillSummary, type BackfillSummaryBuilder } from '../domain/backfill-summary.js';
import { SYSTEM } from '../domain/incidents.js';
import type { SiteIndex } from '../domain/site-index.js';
import type { AuditInput } from '../ports/alarm-store.js';
import type { Clock } from '../ports/clock.js';

/** a replay with no reading for this long is over, even if the collector never said its spool is empty */
export const BACKFILL_QUIET_MS = 30_000;
export const BACKFILL_ACTION = 'link.backfill';

export interface BackfillJournalDeps {
  index: () => SiteIndex;
  clock: Clock;
  /** written when a depot's replay is over; the audit log is where the depot's timeline and the handover report read it */
  audit: (entries: AuditInput[]) => void;
  logger: Logger;
  quietMs?: number;
}

/**
 * Readings replayed from an edge spool (`hist`) are stored but never reach the live state or the alarm engine;
 * this journal is what the centre learns from them instead: one audit entry `link.backfill` per depot and replay,
 * summarising what happened while the link was down (codes and params, see backfill-summary.ts). A replay is
 * over when the collector reports an empty spool, or after BACKFILL_QUIET_MS without a replayed reading.
 */
export function createBackfillJournal(deps: BackfillJournalDeps) {
  const quietMs = deps.quietMs ?? BACKFILL_QUIET_MS;
  const pending = new Map<string, { builder: BackfillSummaryBuilder; lastAt: number }>();

  function flush(depot: string): void {
    const p = pending.get(depot);
    if (!p) return;
    pending.delete(depot);
    const summary = p.builder.summary();
    try {
      deps.audit([{
        at: deps.clock.now(), actor: SYSTEM, action: BACKFILL_ACTION, target: `depot:${depot}`, depot, note: null,
        detail: summary as unknown as Record<string, unknown>,
      }]);
      deps.logger.info({ depot, readings: summary.params.readings, events: summary.params.events.length }, 'link backfill summarised');
    } catch (err) {
      deps.logger.error({ err, depot }, 'could not write the link backfill summary');
    }
  }

  return {
    /** one replayed reading from a configured device */
    record(msg: AcceptedMessage): void {
      if (msg.type === 'collector') return;
      const index = deps.index();
      const zone = msg.type === 'sensor' ? index.sensor(msg.depotId, msg.sensorId)?.zone.id : index.camera(msg.depotId, msg.cameraId)?.zone.id;
      if (zone === undefined) return;
      let p = pending.get(msg.depotId);
      if (!p) pending.set(msg.depotId, (p = { builder: createBackfillSummary(msg.depotId), lastAt: 0 }));
      p.builder.add(msg, zone);
      p.lastAt = deps.clock.now();
    },
    /** a collector status: an empty spool after a replay closes it */
    noteStatus(msg: AcceptedMessage): void {
      if (msg.type === 'collector' && msg.state === 'online' && msg.spooled === 0) flush(msg.depotId);
    },
    /** now and then: replays that went quiet are over */
    tick(): void {
      const now = deps.clock.now();
      for (const [depot, p] of pending) if (now - p.lastAt >= quietMs) flush(depot);
    },
    pendingDepots: (): string[] => [...pending.keys()],
  };
}
export type BackfillJournal = ReturnType<typeof createBackfillJournal>;
