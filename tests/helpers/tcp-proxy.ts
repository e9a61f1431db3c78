import { createServer, connect, type Socket } from 'node:net';

/**
 * A small TCP proxy of the test's own between the edge and the broker: it can refuse connections (the centre
 * unreachable), cut those open, and add what a weak link adds on top of the tc tbf rate limit (this kernel has
 * no netem): a fixed delay on every chunk, and "loss" as TCP shows it to the application, a chunk held back
 * for a retransmission timeout. Order is always kept, as TCP keeps it. Deterministic (seeded).
 */
export interface TcpProxy {
  port: number;
  /** closed: new connections are refused and open ones cut */
  setOpen(open: boolean): void;
  /** connections accepted so far */
  connections(): number;
  /** TCP payload bytes forwarded from the clients (the edge) to the target (the broker), and back */
  bytes(): { up: number; down: number };
  close(): Promise<void>;
}

export interface TcpProxyOptions {
  listenHost: string;
  target: { host: string; port: number };
  delayMs?: number;
  /** share of chunks (0..1) held back for `retransmitMs`, as a lost segment would be */
  lossRate?: number;
  retransmitMs?: number;
  seed?: number;
}

export async function startTcpProxy(opts: TcpProxyOptions): Promise<TcpProxy> {
  let open = true;
  let accepted = 0;
  let seed = opts.seed ?? 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const sockets = new Set<Socket>();
  const counted = { up: 0, down: 0 };
  const pipe = (from: Socket, to: Socket, dir: 'up' | 'down') => {
    let last = 0;
    from.on('data', (chunk: Buffer) => {
      counted[dir] += chunk.length;
      const extra = opts.lossRate && random() < opts.lossRate ? (opts.retransmitMs ?? 200) : 0;
      const delay = (opts.delayMs ?? 0) + extra;
      if (delay === 0 && last <= Date.now()) { to.write(chunk); return; }
      const at = Math.max(Date.now() + delay, last);
      last = at;
      setTimeout(() => { if (!to.destroyed) to.write(chunk); }, at - Date.now());
    });
    from.on('close', () => setTimeout(() => to.destroy(), Math.max(0, last - Date.now())));
    from.on('error', () => to.destroy());
  };
  const server = createServer((client) => {
    if (!open) { client.destroy(); return; }
    accepted++;
    const upstream = connect(opts.target);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client);
    sockets.add(upstream);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
    pipe(client, upstream, 'up');
    pipe(upstream, client, 'down');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, opts.listenHost, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    setOpen(v) {
      open = v;
      if (!v) for (const s of sockets) s.destroy();
    },
    connections: () => accepted,
    bytes: () => ({ ...counted }),
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
