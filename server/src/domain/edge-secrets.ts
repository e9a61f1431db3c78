import { EDGE_SECRET_MASK } from '../contracts/edge-devices.js';

/**
 * The edge's credentials coming back masked (secrets.ts masks them on the way out): a configuration sent with
 * `EDGE_SECRET_MASK` where an SNMP community, an SNMPv3 key or a camera URL's password was keeps the value the
 * running (or latest stored) configuration holds for the same device. Pure.
 *
 * A mask is matched to a stored value by what the credential authenticates to, never by its place in a list:
 * - SNMP: the depot id and the agent's `host:port` (port 161 when absent); a v3 key also by the USM user name,
 *   whose key it is. A list index would hand a removed UPS's community to whatever row now sits at its index,
 *   and a reordered list would swap two agents' communities; worse, a masked row whose host was edited would send
 *   the stored community to the new host (possibly not a UPS of ours at all), so a new host needs the value typed
 *   again. Two stored entries with one `host:port` make the match ambiguous: that is refused too.
 * - Camera URLs: the depot id, the camera id (listed once per depot, config/schema.ts), the field (`rtsp`,
 *   `snapshot`, `status.url`) and the URL's scheme, user, host and port: the same URL with another path keeps the
 *   password, one pointing elsewhere does not.
 * A mask with nothing to keep is a problem at its path (the PUT answers 400 there), never stored.
 */

/** `code` and `params` for the board to phrase (config/problems.ts) */
export interface EdgeMaskProblem {
  path: (string | number)[]; message: string;
  code: 'no_stored_edge_secret' | 'ambiguous_edge_secret'; params: { what: string; target: string; depot: string };
}
type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function parseUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

/** `s` with the password of its userinfo replaced by the mask; a URL without one (or no URL) as it is */
export function maskUrlPassword(s: string): string {
  const u = parseUrl(s);
  if (u) {
    if (u.password === '') return s;
    u.password = EDGE_SECRET_MASK;
    return u.href;
  }
  // not a URL the parser takes (the schema refuses those, but an answer may quote one): mask a `//user:pass@` anyway
  return s.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:)[^/?#]*@/i, `$1${EDGE_SECRET_MASK}@`);
}

/** what a URL's password is for: scheme, user, host and port */
const urlTarget = (u: URL) => `${u.protocol}//${u.username}@${u.host}`;

const snmpTarget = (d: Rec) => `${String(d.host)}:${typeof d.port === 'number' ? d.port : 161}`;

/**
 * `input` (a site configuration as sent, not yet validated) with each masked edge secret replaced by the one
 * `stored` (the running or latest stored site, raw) holds for the same device, and a problem for each mask with
 * none behind it. Returns `input` itself when it holds no mask.
 */
export function unmaskEdgeSecrets(input: unknown, stored: unknown): { value: unknown; problems: EdgeMaskProblem[] } {
  const problems: EdgeMaskProblem[] = [];
  if (!isRecord(input) || !Array.isArray(input.depots)) return { value: input, problems };
  const storedEdge = new Map<string, Rec>();
  for (const d of list(isRecord(stored) ? stored.depots : undefined)) {
    if (isRecord(d) && typeof d.id === 'string' && isRecord(d.edge)) storedEdge.set(d.id, d.edge);
  }
  let changed = false;
  const depots = input.depots.map((d: unknown, i) => {
    if (!isRecord(d) || !isRecord(d.edge)) return d;
    const at = ['depots', i, 'edge'];
    const before = typeof d.id === 'string' ? storedEdge.get(d.id) : undefined;
    const snmp = Array.isArray(d.edge.snmp) ? d.edge.snmp.map((dev: unknown, j) => unmaskSnmp(dev, before, [...at, 'snmp', j], String(d.id), problems)) : d.edge.snmp;
    const cameras = Array.isArray(d.edge.cameras) ? d.edge.cameras.map((c: unknown, j) => unmaskCamera(c, before, [...at, 'cameras', j], String(d.id), problems)) : d.edge.cameras;
    if (sameItems(snmp, d.edge.snmp) && sameItems(cameras, d.edge.cameras)) return d;
    changed = true;
    return { ...d, edge: { ...d.edge, ...(snmp === undefined ? {} : { snmp }), ...(cameras === undefined ? {} : { cameras }) } };
  });
  return { value: changed ? { ...input, depots } : input, problems };
}

const sameItems = (a: unknown, b: unknown) => a === b || (Array.isArray(a) && Array.isArray(b) && a.every((x, i) => x === b[i]));

function unmaskSnmp(dev: unknown, before: Rec | undefined, at: (string | number)[], depot: string, problems: EdgeMaskProblem[]): unknown {
  if (!isRecord(dev)) return dev;
  const user = isRecord(dev.user) ? dev.user : undefined;
  const masked = dev.community === EDGE_SECRET_MASK || user?.authKey === EDGE_SECRET_MASK || user?.privKey === EDGE_SECRET_MASK;
  if (!masked) return dev;
  const target = snmpTarget(dev);
  const matches = list(before?.snmp).filter((s): s is Rec => isRecord(s) && snmpTarget(s) === target);
  const keep = (path: (string | number)[], what: string, value: unknown, of = target): unknown => {
    if (matches.length === 1 && typeof value === 'string' && value !== EDGE_SECRET_MASK) return value;
    const params = { what, target: of, depot };
    problems.push(matches.length > 1
      ? { path, message: `two stored SNMP entries for ${target} in depot ${depot}: type the ${what} again`, code: 'ambiguous_edge_secret', params }
      : { path, message: `no stored ${what} for SNMP agent ${of} in depot ${depot} to keep: type it`, code: 'no_stored_edge_secret', params });
    return EDGE_SECRET_MASK;
  };
  const old = matches[0];
  const out: Rec = { ...dev };
  if (dev.community === EDGE_SECRET_MASK) out.community = keep([...at, 'community'], 'community', old?.community);
  if (user) {
    const oldUser = isRecord(old?.user) && old.user.name === user.name ? old.user : undefined;
    const u: Rec = { ...user };
    for (const k of ['authKey', 'privKey'] as const) {
      if (user[k] !== EDGE_SECRET_MASK) continue;
      u[k] = keep([...at, 'user', k], k, oldUser?.[k], `${target} (user "${String(user.name)}")`);
    }
    out.user = u;
  }
  return out;
}

function unmaskCamera(cam: unknown, before: Rec | undefined, at: (string | number)[], depot: string, problems: EdgeMaskProblem[]): unknown {
  if (!isRecord(cam)) return cam;
  const old = list(before?.cameras).find((c): c is Rec => isRecord(c) && c.camera === cam.camera);
  const fix = (value: unknown, oldValue: unknown, path: (string | number)[]): unknown => {
    if (typeof value !== 'string') return value;
    const u = parseUrl(value);
    if (u?.password !== EDGE_SECRET_MASK) return value;
    // the URL as it was sent out: the stored one, verbatim (no re-serialised spelling, so no spurious change)
    if (typeof oldValue === 'string' && maskUrlPassword(oldValue) === value) return oldValue;
    const o = typeof oldValue === 'string' ? parseUrl(oldValue) : undefined;
    if (o && o.password !== '' && urlTarget(o) === urlTarget(u)) {
      u.password = o.password;
      return u.href;
    }
    const target = `${u.protocol}//${u.host} (camera ${String(cam.camera)})`;
    problems.push({ path, message: `no stored password for ${target} in depot ${depot} to keep: type it in the URL`, code: 'no_stored_edge_secret', params: { what: 'password', target, depot } });
    return value;
  };
  const rtsp = fix(cam.rtsp, old?.rtsp, [...at, 'rtsp']);
  const snapshot = fix(cam.snapshot, old?.snapshot, [...at, 'snapshot']);
  const oldStatus = isRecord(old?.status) ? old.status : undefined;
  const status = isRecord(cam.status) ? { url: fix(cam.status.url, oldStatus?.url, [...at, 'status', 'url']) } : undefined;
  if (rtsp === cam.rtsp && snapshot === cam.snapshot && (!status || !isRecord(cam.status) || status.url === cam.status.url)) return cam;
  return {
    ...cam,
    ...(rtsp === undefined ? {} : { rtsp }),
    ...(snapshot === undefined ? {} : { snapshot }),
    ...(status && isRecord(cam.status) ? { status: { ...cam.status, url: status.url } } : {}),
  };
}
