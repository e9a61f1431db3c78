import type { MqttClient } from 'mqtt';
import type { Logger } from '../../../../lib/logger.js';
import type { EdgeReading } from '../reading.js';
import type { Spool } from '../spool/spool.js';
import { createTokenBucket } from './token-bucket.js';
import { batchLimitsFor, liveMessage, planBatches, type OutMessage } from './wire.js';

export interface PublisherDeps {
  mqtt: MqttClient;
  spool: Spool;
  root: string;
  depot: string;
  /** the share of the link the backlog replay may take (link.backfillKbps) */
  backfillKbps: number;
  now: () => number;
  logger: Logger;
  /** the backlog was cleared: the status should say spooled 0 now */
  onCaughtUp?: () => void;
}

/** spool rows read per replay step */
const PAGE_ROWS = 2000;
/** replay messages awaiting their PUBACK at once: enough to fill a slow link's round trip, no more */
const MAX_REPLAY_INFLIGHT = 16;

export interface PublisherCounters {
  liveMessages: number;
  liveBytes: number;
  replayMessages: number;
  replayReadings: number;
  replayBytes: number;
}

/**
 * Store and forward. Every reading is appended to the spool first. While the link is up it is published at
 * once, on its own (live data goes first); whatever is in the spool and not in flight is the backlog, replayed
 * oldest first, batched per device and flagged `hist`, paced by a token bucket on bytes at `backfillKbps`.
 * A reading leaves the spool only on its PUBACK. When the connection drops, everything still in flight is
 * taken back out of mqtt.js and becomes backlog again (so it is replayed as history, never resent later as
 * if live); a crash re-sends what was not acknowledged, which the centre's idempotent store absorbs.
 */
export function createPublisher(deps: PublisherDeps) {
  const { mqtt, spool, root, depot, logger } = deps;
  const limits = batchLimitsFor(deps.backfillKbps);
  const rate = (deps.backfillKbps * 1000) / 8;
  const bucket = createTokenBucket(rate, limits.maxPayloadBytes + 512, deps.now());
  /** spool rows published and not yet acknowledged */
  const inflight = new Set<number>();
  let connected = false;
  let stopped = false;
  /** the replay walks the spool by seq; reset to 0 whenever something goes back to the backlog */
  let cursor = 0;
  let planned: OutMessage[] = [];
  let replayInflight = 0;
  let replaying = false;
  let timer: NodeJS.Timeout | undefined;
  const counters: PublisherCounters = { liveMessages: 0, liveBytes: 0, replayMessages: 0, replayReadings: 0, replayBytes: 0 };

  function publish(m: OutMessage, done: (ok: boolean) => void): void {
    for (const s of m.seqs) inflight.add(s);
    mqtt.publish(m.topic, m.payload, { qos: 1 }, (err) => {
      for (const s of m.seqs) inflight.delete(s);
      if (err) {
        backToBacklog();
        done(false);
        return;
      }
      try {
        spool.remove(m.seqs);
      } catch (e) {
        // the broker has it; if the row stays, it is sent again (harmless: the centre's store is idempotent)
        logger.error({ err: e }, 'could not remove acknowledged readings from the spool');
      }
      done(true);
    });
  }

  function backToBacklog(): void {
    cursor = 0;
    planned = [];
  }

  function submit(reading: EdgeReading): void {
    const seq = spool.append(reading);
    if (!connected || stopped) return;
    const m = liveMessage(root, depot, seq, reading);
    counters.liveMessages++;
    counters.liveBytes += m.wireBytes;
    publish(m, () => undefined);
  }

  function schedule(ms: number): void {
    if (timer) return;
    timer = setTimeout(() => { timer = undefined; pump(); }, ms);
  }

  /** sends backlog messages while the bucket and the in-flight window allow */
  function pump(): void {
    if (!connected || stopped) return;
    while (replayInflight < MAX_REPLAY_INFLIGHT) {
      if (planned.length === 0) {
        const rows = spool.page(cursor, PAGE_ROWS);
        const last = rows.at(-1);
        if (!last) {
          if (replaying && replayInflight === 0) {
            replaying = false;
            logger.info({ ...counters }, 'backlog replayed');
            deps.onCaughtUp?.();
          }
          return;
        }
        cursor = last.seq;
        planned = planBatches(root, depot, rows.filter((r) => !inflight.has(r.seq)), limits);
        if (planned.length === 0) continue;
        if (!replaying) {
          replaying = true;
          logger.info({ spooled: spool.stats().spooled }, 'replaying the backlog');
        }
      }
      const next = planned[0];
      if (!next) continue;
      const wait = bucket.take(next.wireBytes, deps.now());
      if (wait > 0) return schedule(wait);
      planned.shift();
      replayInflight++;
      counters.replayMessages++;
      counters.replayReadings += next.seqs.length;
      counters.replayBytes += next.wireBytes;
      publish(next, () => {
        replayInflight--;
        pump();
      });
    }
  }

  function onConnect(): void {
    connected = true;
    backToBacklog();
    pump();
  }

  function onClose(): void {
    if (!connected) return;
    connected = false;
    if (timer) { clearTimeout(timer); timer = undefined; }
    // Take back everything in flight: it stays in the spool and is replayed, flagged hist, after reconnecting.
    // Left in mqtt.js it would be resent as it was, a live reading arriving minutes late as if it were new.
    for (const [id, entry] of Object.entries(mqtt.outgoing)) if (entry.cmd === 'publish') mqtt.removeOutgoingMessage(Number(id));
    backToBacklog();
  }

  return {
    submit,
    start(): void {
      mqtt.on('connect', onConnect);
      mqtt.on('close', onClose);
      if (mqtt.connected) onConnect();
    },
    /** stops sending; what is not acknowledged stays in the spool for the next start */
    stop(): void {
      stopped = true;
      if (timer) clearTimeout(timer);
      mqtt.off('connect', onConnect);
      mqtt.off('close', onClose);
    },
    /** readings published and not yet acknowledged */
    inflight: (): number => inflight.size,
    replaying: (): boolean => replaying,
    counters: (): Readonly<PublisherCounters> => ({ ...counters }),
  };
}
export type Publisher = ReturnType<typeof createPublisher>;
