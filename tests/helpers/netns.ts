import { execFileSync } from 'node:child_process';

/**
 * A network namespace of the test's own, joined to this machine by a veth pair whose both directions are
 * limited by tc tbf (this kernel has tbf but no netem). Needs root; `netnsUnavailable()` says why not.
 */
export interface LinkNamespace {
  name: string;
  /** this machine's end of the veth pair */
  hostIp: string;
  /** take the link down inside the namespace (a partition: packets vanish, nothing is reset) or bring it back */
  partition(down: boolean): void;
  destroy(): void;
}

const run = (args: string[]) => execFileSync(args[0] as string, args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });

/** null when namespaces can be used here, else the reason */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (ip netns, tc); CI runs as root';
  try {
    run(['ip', '-V']);
    run(['tc', '-V']);
  } catch {
    return 'needs iproute2 (ip, tc)';
  }
  // root in a container without CAP_NET_ADMIN cannot make namespaces: find out now, not halfway through
  const probe = `dwprobe${process.pid % 100000}`;
  try {
    run(['ip', 'netns', 'add', probe]);
    run(['ip', 'netns', 'del', probe]);
  } catch {
    return 'cannot create a network namespace here (needs CAP_NET_ADMIN)';
  }
  return null;
}

export function createLinkNamespace(opts: { rateKbit: number }): LinkNamespace {
  // short, unique names: interface names are at most 15 characters
  const id = `${process.pid % 10000}${Math.floor(Math.random() * 100)}`;
  const name = `dwl${id}`;
  const host = `dwh${id}`;
  const peer = `dwp${id}`;
  const octet = 1 + (process.pid % 250);
  const hostIp = `10.231.${octet}.1`;
  const nsIp = `10.231.${octet}.2`;
  const inNs = (...args: string[]) => run(['ip', 'netns', 'exec', name, ...args]);
  const tbf = ['tbf', 'rate', `${opts.rateKbit}kbit`, 'burst', '1600', 'latency', '2s'];
  run(['ip', 'netns', 'add', name]);
  try {
    run(['ip', 'link', 'add', host, 'type', 'veth', 'peer', 'name', peer]);
    run(['ip', 'link', 'set', peer, 'netns', name]);
    run(['ip', 'addr', 'add', `${hostIp}/30`, 'dev', host]);
    run(['ip', 'link', 'set', host, 'up']);
    inNs('ip', 'addr', 'add', `${nsIp}/30`, 'dev', peer);
    inNs('ip', 'link', 'set', peer, 'up');
    inNs('ip', 'link', 'set', 'lo', 'up');
    run(['tc', 'qdisc', 'add', 'dev', host, 'root', ...tbf]);
    inNs('tc', 'qdisc', 'add', 'dev', peer, 'root', ...tbf);
  } catch (err) {
    try { run(['ip', 'netns', 'del', name]); } catch { /* already gone */ }
    try { run(['ip', 'link', 'del', host]); } catch { /* already gone */ }
    throw err;
  }
  return {
    name,
    hostIp,
    partition(down) { inNs('ip', 'link', 'set', peer, down ? 'down' : 'up'); },
    destroy() {
      try { run(['ip', 'netns', 'del', name]); } catch { /* already gone */ }
      try { run(['ip', 'link', 'del', host]); } catch { /* deleted with the namespace */ }
    },
  };
}
