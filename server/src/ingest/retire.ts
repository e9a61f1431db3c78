import type { MqttClient } from 'mqtt';
import { endMqttSession } from '../../../lib/mqtt/connect.js';
import type { DeferredAcks } from '../../../lib/mqtt/deferred-acks.js';
import type { Logger } from '../adapters/logger.js';
import type { TelemetryQueue } from '../ports/telemetry-queue.js';
import type { TelemetryWriter } from '../services/telemetry-writer.js';
import type { Ingest } from './ingest.js';

/**
 * Retiring an ingest process for good (`npm run ingest -- --retire`, and a server with `--retire`).
 *
 * Why this exists: a member of a shared subscription group keeps its share while it is away. Mosquitto (and
 * other brokers: the MQTT 5 spec lets them) goes on routing every n-th message to a persistent session whose
 * client is offline, queueing it there until the client comes back or the session expires
 * (`persistent_client_expiration`), when the queue is discarded. A process that is simply switched off for good
 * therefore delays, and after the expiry loses, its share of the load. Retiring hands its session over cleanly:
 *
 *   1. connect under the process's own client id (the persistent session and its queue) and take what arrives;
 *   2. unsubscribe at once, so the broker routes new messages to the other members only;
 *   3. store the backlog exactly as ingest does (durable queue first, PUBACK after the commit) until nothing has
 *      arrived for `quietMs` and no PUBACK is pending;
 *   4. write the on-disk queue into the telemetry store (a retired process leaves nothing behind on disk);
 *   5. end the session: a clean-session connection under the same id makes the broker drop it.
 */
export interface RetireDeps {
  url: string;
  clientId: string;
  login: { username?: string | undefined; password?: string | undefined };
  mqtt: MqttClient;
  ingest: Ingest;
  acks: DeferredAcks;
  writer: TelemetryWriter;
  queue: TelemetryQueue;
  logger: Logger;
  quietMs?: number;
  /** how long step 4 may wait for the telemetry store */
  drainTimeoutMs?: number;
}

export type RetireResult =
  | { outcome: 'retired'; messages: number; queueLeft: 0 }
  | { outcome: 'no_session' }
  | { outcome: 'store_unreachable'; messages: number; queueLeft: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Call with `mqtt` created but not yet connected, so the backlog that follows CONNACK is not missed. */
export async function retireSession(deps: RetireDeps): Promise<RetireResult> {
  const { mqtt, logger } = deps;
  const quietMs = deps.quietMs ?? 3000;
  let messages = 0;
  let lastMessageAt = Date.now();
  mqtt.on('message', () => { messages += 1; lastMessageAt = Date.now(); });
  deps.ingest.listen();
  const connack = await new Promise<{ sessionPresent: boolean }>((resolve) => mqtt.once('connect', resolve));
  if (!connack.sessionPresent) {
    await mqtt.endAsync();
    await endSession(deps); // the broker made a fresh (clean: false) session for this connection: remove it too
    return { outcome: 'no_session' };
  }
  await mqtt.unsubscribeAsync(deps.ingest.filters);
  logger.info({ clientId: deps.clientId, filters: deps.ingest.filters }, 'retiring: unsubscribed; storing what the session still holds');
  while (Date.now() - lastMessageAt < quietMs || deps.acks.held() > 0) {
    deps.queue.commit();
    await sleep(200);
  }
  await deps.ingest.stop();
  deps.queue.commit();
  await mqtt.endAsync();
  await deps.writer.drain(deps.drainTimeoutMs ?? 120_000);
  const left = deps.queue.stats().points;
  if (left > 0) {
    // the session stays: its messages are on this disk, not yet in the store; run --retire again once it is back
    logger.error({ queueLeft: left }, 'retiring: the telemetry store did not take the queue; the session is kept, run --retire again');
    return { outcome: 'store_unreachable', messages, queueLeft: left };
  }
  await endSession(deps);
  logger.info({ clientId: deps.clientId, messages }, 'retired: backlog stored, session ended');
  return { outcome: 'retired', messages, queueLeft: 0 };
}

function endSession(deps: RetireDeps): Promise<void> {
  return endMqttSession({ url: deps.url, clientId: deps.clientId, username: deps.login.username, password: deps.login.password });
}
