import { Aedes } from 'aedes';
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Logger } from '../logger.js';

export interface EmbeddedBroker { port: number; host: string; close(): Promise<void> }

export const isLoopback = (address: string | undefined) =>
  !!address && (address === 'localhost' || address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'));

type WithDepot = { depotId?: string; conn?: { remoteAddress?: string } };

/**
 * The demo and single-machine broker (aedes). SPEC §7: a client on this machine (loopback: the
 * DepotWatch server itself, the demo simulator, local tools) may connect anonymously; any other client
 * needs its collector's credentials — username the depot id — checked by `verifyCollector`, and may
 * publish only under its own `<root>/<depotId>/…`.
 */
export async function startEmbeddedBroker(opts: {
  host: string; port: number; root: string; logger: Logger;
  verifyCollector: (username: string, password: string) => Promise<string | null>;
  /** who may connect without credentials; by default clients connecting from loopback */
  admitAnonymous?: (remoteAddress: string | undefined) => boolean;
}): Promise<EmbeddedBroker> {
  const { logger, root } = opts;
  const admitAnonymous = opts.admitAnonymous ?? isLoopback;
  const refuse = (returnCode: number, message: string) => Object.assign(new Error(message), { returnCode }) as never;
  const broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      const remote = (client as unknown as WithDepot).conn?.remoteAddress;
      if (!username) return admitAnonymous(remote) ? done(null, true) : done(refuse(5, 'credentials required'), false);
      opts.verifyCollector(username, password?.toString('utf8') ?? '').then((depotId) => {
        if (!depotId) {
          logger.warn({ username: username.slice(0, 64), remote }, 'MQTT login refused');
          return done(refuse(4, 'bad credentials'), false);
        }
        (client as unknown as WithDepot).depotId = depotId;
        done(null, true);
      }, (err: unknown) => done(err as never, false));
    },
    authorizePublish: (client, packet, done) => {
      const depotId = (client as unknown as WithDepot | null)?.depotId;
      if (!depotId) return done(null); // an anonymous local client
      if (packet.topic.startsWith(`${root}/${depotId}/`)) return done(null);
      logger.warn({ depot: depotId, topic: packet.topic.slice(0, 200) }, 'collector publishing outside its depot refused');
      done(new Error(`collector ${depotId} may not publish to ${packet.topic}`));
    },
  });
  broker.on('clientError', (client, err) => logger.debug({ client: client?.id, err: err.message }, 'mqtt client error'));
  const server: Server = createServer(broker.handle);
  server.on('connection', (socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  logger.info({ host: opts.host, port: address.port }, 'embedded MQTT broker listening');
  return {
    port: address.port,
    host: opts.host,
    close: () => new Promise<void>((resolve) => {
      broker.close(() => server.close(() => resolve()));
      // aedes closes client sockets; make sure lingering ones do not hold close() forever
      setTimeout(resolve, 2000).unref();
    }),
  };
}
