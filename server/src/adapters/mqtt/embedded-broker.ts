import { Aedes } from 'aedes';
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Logger } from '../logger.js';

export interface EmbeddedBroker { port: number; host: string; close(): Promise<void> }

const isLoopback = (host: string) => host === 'localhost' || host.startsWith('127.') || host === '::1';

/**
 * The demo and single-machine broker (aedes). SPEC §7: on loopback it admits anonymous clients;
 * on any other address every client needs collector credentials, checked by `verifyCollector`, and a
 * collector may publish only under its own `<root>/<depotId>/…`.
 */
export async function startEmbeddedBroker(opts: {
  host: string; port: number; root: string; logger: Logger;
  verifyCollector?: (username: string, password: string) => Promise<string | null>;
}): Promise<EmbeddedBroker> {
  const { logger, root } = opts;
  const open = isLoopback(opts.host);
  const broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      if (open && !username) return done(null, true);
      if (!username || !password || !opts.verifyCollector) {
        const err = Object.assign(new Error('not authorized'), { returnCode: 5 });
        return done(err as never, false);
      }
      opts.verifyCollector(username, password.toString('utf8')).then((depotId) => {
        if (!depotId) return done(Object.assign(new Error('bad credentials'), { returnCode: 4 }) as never, false);
        (client as unknown as { depotId?: string }).depotId = depotId;
        done(null, true);
      }, (err: unknown) => done(err as never, false));
    },
    authorizePublish: (client, packet, done) => {
      const depotId = (client as unknown as { depotId?: string } | null)?.depotId;
      if (!depotId) return done(null); // anonymous loopback client: the demo simulator, local tools
      done(packet.topic.startsWith(`${root}/${depotId}/`) ? null : new Error(`collector ${depotId} may not publish to ${packet.topic}`));
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
  logger.info({ host: opts.host, port: address.port, anonymous: open }, 'embedded MQTT broker listening');
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
