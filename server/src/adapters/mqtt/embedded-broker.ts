import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Logger } from '../logger.js';
import { mayPublish, mayReceive, maySubscribe, type BrokerIdentity } from './acl.js';
import { createClientIdRegistry } from './client-ids.js';
import { createLoginThrottle, createLogLimiter, type LoginThrottleOptions } from './login-throttle.js';
import { limitPackets, PACKET_LIMITS, type PacketScanner } from './packet-limit.js';

export interface EmbeddedBroker {
  port: number;
  host: string;
  /** the centre's own account on this broker: full rights, a secret made at start and never stored */
  centreCredentials: { username: string; password: string };
  /** ends the connections logged in as this depot's collector (its password changed, its account went); how many */
  disconnectCollector(depotId: string): number;
  close(): Promise<void>;
}

/** Why the broker refused a connection, a subscription or a publish: the label of its counter. */
export type BrokerRefusal =
  | 'anonymous' | 'bad_credentials' | 'throttled' | 'client_id_taken' | 'too_many_client_ids'
  | 'oversized_packet' | 'oversized_before_connect' | 'malformed_length' | 'subscribe_denied' | 'publish_denied';

/** outside the SPEC §3 id pattern, so no depot's collector account can ever have this name */
export const CENTRE_USERNAME = 'depotwatch:centre';

export const isLoopback = (address: string | undefined) =>
  !!address && (address === 'localhost' || address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'));

/**
 * The demo and single-machine broker (aedes), with the rules of SPEC §7 (see acl.ts for the table):
 * anonymous clients only from this machine (`admitAnonymous`, MQTT_ANONYMOUS), collectors log in with
 * their depot id and password (`verifyCollector`, throttled before hashing), publish only under their
 * own depot and read only their own config and snapshot requests; a client id stays with the account
 * that first used it; packets are limited in size as they arrive.
 */
export async function startEmbeddedBroker(opts: {
  host: string; port: number; root: string; logger: Logger;
  verifyCollector: (username: string, password: string) => Promise<string | null>;
  /** who may connect without credentials; by default clients connecting from loopback */
  admitAnonymous?: (remoteAddress: string | undefined) => boolean;
  throttle?: LoginThrottleOptions;
  limits?: { maxPacketBytes: number; beforeConnectBytes: number };
  onRefused?: (reason: BrokerRefusal) => void;
}): Promise<EmbeddedBroker> {
  const { logger, root } = opts;
  const admitAnonymous = opts.admitAnonymous ?? isLoopback;
  const limits = opts.limits ?? PACKET_LIMITS;
  const centreCredentials = { username: CENTRE_USERNAME, password: randomBytes(32).toString('base64url') };
  const centreSecret = Buffer.from(centreCredentials.password);
  const identities = new WeakMap<Client, BrokerIdentity>();
  const scanners = new WeakMap<object, PacketScanner>();
  const throttle = createLoginThrottle(opts.throttle);
  const oncePerMinute = createLogLimiter(60_000);
  let clients: Record<string, Client | undefined> = {};
  const clientIds = createClientIdRegistry({ isConnected: (id) => !!clients[id] && !clients[id].closed });

  const refused = (reason: BrokerRefusal, fields: Record<string, unknown>, message: string) => {
    opts.onRefused?.(reason);
    const key = `${reason}:${String(fields.remote ?? '')}:${String(fields.account ?? '')}`;
    const { log, suppressed } = oncePerMinute(key);
    if (log) logger.warn({ reason, ...fields, ...(suppressed ? { alsoRefusedSinceLastLog: suppressed } : {}) }, message);
  };
  const refuse = (returnCode: 2 | 3 | 4 | 5, message: string): AuthenticateError => Object.assign(new Error(message), { returnCode }) as AuthenticateError;

  const broker = await Aedes.createBroker({
    connectTimeout: 10_000,
    authenticate: (client, username, password, done) => {
      const remote = (client.conn as Socket).remoteAddress;
      const admit = (who: BrokerIdentity) => {
        // the binding is checked only now, once the account is known (and after the hash)
        const claim = clientIds.claim(client.id, who);
        if (claim !== 'ok') {
          const reason = claim === 'taken' ? 'client_id_taken' : 'too_many_client_ids';
          refused(reason, { remote, account: who.kind === 'collector' ? who.depotId : who.kind, clientId: client.id.slice(0, 128) }, 'MQTT client id refused: it belongs to another account');
          return done(refuse(2, reason === 'client_id_taken' ? 'client id in use by another account' : 'too many client ids for this account'), false);
        }
        identities.set(client, who);
        done(null, true);
      };
      if (username === undefined) {
        if (admitAnonymous(remote)) return admit({ kind: 'anonymous' });
        refused('anonymous', { remote }, 'anonymous MQTT client refused');
        return done(refuse(5, 'credentials required'), false);
      }
      const account = username.slice(0, 64);
      const secret = password ?? Buffer.alloc(0);
      void (async () => {
        const verdict = await throttle.begin(remote ?? 'unknown', account);
        if (!verdict.ok) {
          refused('throttled', { remote, account, by: verdict.by, retryAfterMs: verdict.retryAfterMs }, 'MQTT login throttled');
          return done(refuse(3, 'too many login attempts; retry later'), false);
        }
        let who: BrokerIdentity | null;
        if (username === CENTRE_USERNAME) {
          who = secret.length === centreSecret.length && timingSafeEqual(secret, centreSecret) ? { kind: 'centre' } : null;
        } else {
          const depotId = await opts.verifyCollector(username, secret.toString('utf8'));
          who = depotId ? { kind: 'collector', depotId } : null;
        }
        verdict.settle(who !== null);
        if (!who) {
          refused('bad_credentials', { remote, account }, 'MQTT login refused');
          return done(refuse(4, 'bad credentials'), false);
        }
        admit(who);
      })().catch((err: unknown) => {
        logger.error({ err, remote }, 'MQTT login check failed');
        done(refuse(3, 'login check failed'), false);
      });
    },
    authorizePublish: (client, packet, done) => {
      // null: a Will aedes publishes for a client of an earlier broker instance (none with in-memory
      // persistence); refusing it would surface as an 'error' event, so it gets the centre's rule (no $SYS)
      const who = client ? identities.get(client) : { kind: 'centre' as const };
      if (who && mayPublish(who, root, packet.topic)) return done(null);
      refused('publish_denied', { account: who?.kind === 'collector' ? who.depotId : who?.kind, topic: packet.topic.slice(0, 200) }, 'MQTT publish refused');
      done(new Error(`may not publish to ${packet.topic.slice(0, 200)}`));
    },
    authorizeSubscribe: (client, sub, done) => {
      const who = identities.get(client);
      if (who && maySubscribe(who, root, sub.topic)) return done(null, sub);
      refused('subscribe_denied', { account: who?.kind === 'collector' ? who.depotId : who?.kind, topic: sub.topic.slice(0, 200) }, 'MQTT subscription refused');
      done(null, null); // a SUBACK failure (0x80) for this filter; the connection and its other filters stay
    },
    // every message on its way to a client, retained ones and a persistent session's queue included
    authorizeForward: (client, packet) => {
      const who = identities.get(client);
      return who && mayReceive(who, root, packet.topic) ? packet : null;
    },
  });
  clients = (broker as unknown as { clients: Record<string, Client | undefined> }).clients;
  broker.on('connackSent', (packet, client) => {
    if (packet.returnCode === 0) scanners.get(client.conn)?.admit();
  });
  (broker as unknown as EventEmitter).on('error', (err: Error) => logger.error({ err }, 'embedded broker error'));
  broker.on('clientError', (client, err) => logger.debug({ client: client?.id, err: err.message }, 'mqtt client error'));
  broker.on('connectionError', (_client, err) => logger.debug({ err: err.message }, 'mqtt connection error'));

  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    const remote = socket.remoteAddress;
    scanners.set(socket, limitPackets(socket, limits, (v) => {
      refused(v.reason, { remote, ...('declaredBytes' in v ? { declaredBytes: v.declaredBytes, limitBytes: v.limitBytes } : {}) }, 'MQTT connection closed: packet too large or malformed');
    }));
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  logger.info({ host: opts.host, port: address.port }, 'embedded MQTT broker listening');
  return {
    port: address.port,
    host: opts.host,
    centreCredentials,
    disconnectCollector(depotId) {
      let n = 0;
      for (const client of Object.values(clients)) {
        const who = client && identities.get(client);
        if (!client || who?.kind !== 'collector' || who.depotId !== depotId) continue;
        client.close();
        n++;
      }
      if (n) logger.info({ account: depotId, connections: n }, 'collector connections ended: its broker account changed');
      return n;
    },
    close: () => new Promise<void>((resolve) => {
      broker.close(() => server.close(() => resolve()));
      // aedes closes client sockets; make sure lingering ones do not hold close() forever
      setTimeout(resolve, 2000).unref();
    }),
  };
}
