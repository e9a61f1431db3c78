import { withoutCredentials } from '../logger.js';
import { hostname } from 'node:os';
import { connect, connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../logger.js';

/**
 * The one way DepotWatch opens an MQTT connection (the centre's server and ingest process, and the edge
 * collector): TCP_NODELAY on every (re)connect, automatic reconnects, credentials and TLS options,
 * and a URL with its password removed for logs. It returns at once: a broker that is down is retried
 * forever, and `client.connected` tells readiness probes where things stand.
 */
export interface MqttConnectOptions {
  url: string;
  clientId: string;
  /** false: a persistent session, so the broker keeps subscriptions and unacknowledged QoS 1 messages */
  clean: boolean;
  username?: string | undefined;
  password?: string | undefined;
  /** for mqtts:// and wss:// (PEM text); unset: the system's CAs */
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; rejectUnauthorized?: boolean };
  reconnectPeriodMs?: number;
  connectTimeoutMs?: number;
  keepaliveSec?: number;
  /** the Last Will: the edge's retained `{"state":"offline"}` on its status topic */
  will?: IClientOptions['will'];
  /** false: a QoS 0 publish while offline is dropped, not kept in mqtt.js's memory (the edge's spool is its queue) */
  queueQoSZero?: boolean;
  /** true: mqtt.js subscribes again after a reconnect by itself (the edge's few fixed topics); default false */
  resubscribe?: boolean;
  /** 4 (MQTT 3.1.1, the default: every broker, the embedded aedes too) or 5 (user properties: a snapshot's `ts`) */
  protocolVersion?: 4 | 5;
  logger: Logger;
}

export function connectMqtt(opts: MqttConnectOptions): MqttClient {
  const { logger } = opts;
  const options: IClientOptions = {
    clientId: opts.clientId,
    clean: opts.clean,
    reconnectPeriod: opts.reconnectPeriodMs ?? 1000,
    connectTimeout: opts.connectTimeoutMs ?? 10_000,
    keepalive: opts.keepaliveSec ?? 30,
    protocolVersion: opts.protocolVersion ?? 4,
    // the centre's subscriptions are the caller's (subscribeOnConnect)
    resubscribe: opts.resubscribe ?? false,
    ...(opts.will !== undefined ? { will: opts.will } : {}),
    ...(opts.queueQoSZero !== undefined ? { queueQoSZero: opts.queueQoSZero } : {}),
    ...(opts.username !== undefined ? { username: opts.username } : {}),
    ...(opts.password !== undefined ? { password: opts.password } : {}),
    ...opts.tls,
  };
  const client = connect(opts.url, options);
  const where = { mqtt: redactUrl(opts.url), clientId: opts.clientId };
  // Nagle's algorithm holds every small packet (a PUBACK, an alarm) back for up to 40 ms
  const noDelay = () => (client.stream as { setNoDelay?: (v: boolean) => void } | undefined)?.setNoDelay?.(true);
  let up = false;
  let lastError = '';
  client.on('connect', (connack) => {
    noDelay();
    up = true;
    lastError = '';
    logger.info({ ...where, sessionPresent: connack.sessionPresent }, 'MQTT connected');
  });
  client.on('offline', () => {
    if (up) logger.warn(where, 'MQTT broker connection lost; reconnecting');
    up = false;
  });
  client.on('error', (err) => {
    // a broker that stays down fails every reconnect the same way: say it once, not every second
    if (err.message === lastError) return;
    lastError = err.message;
    logger.error({ ...where, err: err.message }, 'MQTT error');
  });
  return client;
}

/**
 * Ends the persistent session of `clientId` on the broker: a clean-session connection under the same id makes
 * the broker discard the session, its subscriptions and whatever it still queued for it. For a process that is
 * retired for good, after its backlog has been taken (server/src/ingest/retire.ts): a shared-subscription member
 * that is merely switched off goes on receiving its share.
 */
export async function endMqttSession(opts: Pick<MqttConnectOptions, 'url' | 'clientId' | 'username' | 'password' | 'tls'>): Promise<void> {
  const client = await connectAsync(opts.url, {
    clientId: opts.clientId, clean: true, reconnectPeriod: 0, connectTimeout: 10_000,
    ...(opts.username !== undefined ? { username: opts.username } : {}),
    ...(opts.password !== undefined ? { password: opts.password } : {}),
    ...opts.tls,
  });
  await client.endAsync();
}

/** `mqtt://user:secret@host` → `mqtt://user:***@host`: credentials never reach a log line. */
/** a broker URL fit for logs: the logger's one redaction of credentials */
export const redactUrl = withoutCredentials;

/**
 * The default MQTT client id of a process role on this host ("depotwatch-centre-<host>"): stable across
 * restarts, so the broker can hand a restarted process the session (and the messages) it left behind.
 * Two processes of the same role on one host must be given distinct ids (MQTT_CLIENT_ID).
 */
export function defaultClientId(role: string, host: string = hostname()): string {
  const safe = host.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40) || 'host';
  return `depotwatch-${role}-${safe}`;
}

/**
 * Subscribes (QoS 1) on every connection the broker answers without a session (the first, or after the
 * broker lost it). A present session still has the subscriptions and re-sends what was not acknowledged;
 * subscribing again there is left alone (a second SUBSCRIBE to a shared subscription on a present session is
 * a path where brokers differ). `subscribed` resolves once the subscriptions are in place.
 */
export function subscribeOnConnect(client: MqttClient, filters: string[], logger: Logger): { stop(): void; subscribed: Promise<void> } {
  let resolveFirst: () => void = () => {};
  const subscribed = new Promise<void>((resolve) => { resolveFirst = resolve; });
  const subscribe = (sessionPresent: boolean) => {
    if (sessionPresent) { resolveFirst(); return; }
    client.subscribe(filters, { qos: 1 }, (err) => {
      if (err) logger.error({ err: err.message, filters }, 'MQTT subscribe failed');
      else { logger.info({ filters }, 'subscribed'); resolveFirst(); }
    });
  };
  const onConnect = (connack: { sessionPresent: boolean }) => subscribe(connack.sessionPresent);
  client.on('connect', onConnect);
  if (client.connected) subscribe(false);
  return { stop: () => { client.removeListener('connect', onConnect); }, subscribed };
}
