/**
 * Who may do what on the embedded broker (SPEC §3, §7). Pure: topic strings in, a yes or no out.
 *
 * | client                     | publish                  | subscribe / receive                                        |
 * |----------------------------|--------------------------|------------------------------------------------------------|
 * | collector of depot D       | `<root>/D/…` only        | `<root>/D/collector/config`, `<root>/D/cameras/<c>/snapshot/request` (`<c>` a camera id or `+`) |
 * | the centre (internal)      | anything but `$SYS/…`    | anything                                                   |
 * | anonymous, from loopback   | anything but `$SYS/…` and `<root>/+/collector/config` | anything but `<root>/+/collector/config` (the simulator, local tools) |
 *
 * A depot's `collector/config` is the centre's word to that depot's collector: it names the devices to poll
 * with their secrets (SNMP communities and keys, camera passwords). Only the centre may set it and only the
 * depot's collector (and the centre) may read it; another user of the centre machine, anonymous on loopback,
 * could otherwise read every depot's secrets or point a collector at devices of its own choosing.
 *
 * A collector's subscription is refused when any topic it could match lies outside that set: `#`,
 * `<root>/D/#`, `<root>/+/collector/config`, `$SYS/#`, shared subscriptions (`$share/…`) all are. What a
 * collector receives is checked again per message (`collectorMayReceive`): retained messages and a
 * persistent session's queue reach it only through that check too.
 */
export type BrokerIdentity =
  | { kind: 'anonymous' }
  | { kind: 'centre' }
  | { kind: 'collector'; depotId: string };

const SYS_PREFIX = '$SYS';

export function mayPublish(who: BrokerIdentity, root: string, topic: string): boolean {
  if (topic.startsWith(SYS_PREFIX)) return false;
  if (who.kind === 'collector') return topic.startsWith(`${root}/${who.depotId}/`);
  return who.kind === 'centre' || !isCollectorConfig(root, topic);
}

export function maySubscribe(who: BrokerIdentity, root: string, filter: string): boolean {
  if (who.kind === 'collector') return collectorMaySubscribe(root, who.depotId, filter);
  // a filter that can match nothing but configurations is refused outright (a SUBACK failure says why
  // nothing arrives); a wider one (`#`, `depots/+/+/+`) is granted and its configurations held back per message
  return who.kind === 'centre' || !matchesOnlyCollectorConfig(root, filter);
}

export function mayReceive(who: BrokerIdentity, root: string, topic: string): boolean {
  if (who.kind === 'collector') return collectorMayReceive(root, who.depotId, topic);
  return who.kind === 'centre' || !isCollectorConfig(root, topic);
}

/** `<root>/<depot>/collector/config` */
function isCollectorConfig(root: string, topic: string): boolean {
  const levels = topic.split('/');
  return levels.length === 4 && levels[0] === root && levels[2] === 'collector' && levels[3] === 'config';
}

/** a filter of four levels ending in `collector/config`, under the root or any root (`+`) */
function matchesOnlyCollectorConfig(root: string, filter: string): boolean {
  const levels = filter.split('/');
  return levels.length === 4 && (levels[0] === root || levels[0] === '+') && levels[2] === 'collector' && levels[3] === 'config';
}

/** the filter's levels, if it reads only the collector's own config or snapshot requests */
function collectorMaySubscribe(root: string, depotId: string, filter: string): boolean {
  const levels = filter.split('/');
  if (levels[0] !== root || levels[1] !== depotId) return false;
  if (levels.length === 4) return levels[2] === 'collector' && levels[3] === 'config';
  if (levels.length === 6) {
    const camera = levels[3] ?? '';
    return levels[2] === 'cameras' && levels[4] === 'snapshot' && levels[5] === 'request' && (camera === '+' || isPlainLevel(camera));
  }
  return false;
}

function collectorMayReceive(root: string, depotId: string, topic: string): boolean {
  if (topic === `${root}/${depotId}/collector/config`) return true;
  const levels = topic.split('/');
  return levels.length === 6 && levels[0] === root && levels[1] === depotId && levels[2] === 'cameras'
    && isPlainLevel(levels[3] ?? '') && levels[4] === 'snapshot' && levels[5] === 'request';
}

/** a non-empty topic level without wildcards */
const isPlainLevel = (level: string) => level.length > 0 && !level.includes('+') && !level.includes('#');
