import { describe, expect, it } from 'vitest';
import { siteConfigSchema } from '../../config/schema.js';
import { edgeDeviceListsSchema } from '../../server/src/contracts/edge-devices.js';
import { maskUrlPassword, unmaskEdgeSecrets } from '../../server/src/domain/edge-secrets.js';
import { changedAccounts, EDGE_SECRET_MASK, HASH_MASK, maskSecrets, unmaskCollectorHashes } from '../../server/src/domain/secrets.js';
import { smallSite } from '../helpers/site.js';

const H1 = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaDE';
const H2 = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaDI';

describe('collector password hashes never leave the server (server/src/domain/secrets.ts)', () => {
  it('masks every passwordHash, nested anywhere, and the from/to of a diff entry about one; the input is untouched', () => {
    const body = {
      config: { collectors: [{ depot: 'K101', passwordHash: H1 }] },
      diff: [{ op: 'change', path: 'collectors[K101].passwordHash', from: H1, to: H2 }, { op: 'add', path: 'collectors[K102]', to: { depot: 'K102', passwordHash: H2 } }, { op: 'change', path: 'depots[K101].name', from: 'a', to: 'b' }],
    };
    const masked = maskSecrets(body);
    expect(JSON.stringify(masked)).not.toContain('$argon2id$v=');
    expect(masked.diff[2]).toBe(body.diff[2]);
    expect(masked.config.collectors[0]).toEqual({ depot: 'K101', passwordHash: HASH_MASK });
    expect(body.config.collectors[0]?.passwordHash).toBe(H1);
    const plain = { depots: [{ id: 'K101' }] };
    expect(maskSecrets(plain)).toBe(plain);
  });

  it('drops a version\'s digest (SHA-256 of the configuration with its secrets), wherever a version is sent, and nothing else named hash', () => {
    const meta = { n: 7, at: 1, author: 'kysu', comment: '', source: 'api', rollbackOf: null, hash: 'ab'.repeat(32), changes: 1 };
    const masked = maskSecrets({ ...meta, config: {}, versions: [meta], result: { changed: true, version: meta, diff: [] } });
    expect(JSON.stringify(masked)).not.toContain('ab'.repeat(32));
    expect(masked.versions[0]).toEqual({ n: 7, at: 1, author: 'kysu', comment: '', source: 'api', rollbackOf: null, changes: 1 });
    // the audit chain's head is public on purpose (anchoring it elsewhere is how tampering is caught)
    const head = { ok: true, entries: 3, head: { id: 3, hash: 'cd'.repeat(32) } };
    expect(maskSecrets(head)).toBe(head);
  });

  it('the mask passes the schema, so the board checks a masked configuration with the server\'s own schema', () => {
    expect(siteConfigSchema.safeParse({ ...smallSite(), collectors: [{ depot: 'D1', passwordHash: HASH_MASK }] }).success).toBe(true);
  });

  it('a mask sent back keeps the stored hash of its depot; a mask with none behind it is a problem at its path', () => {
    const r = unmaskCollectorHashes({ collectors: [{ depot: 'K101', passwordHash: HASH_MASK }, { depot: 'K102', passwordHash: H2 }, { depot: 'K103', passwordHash: HASH_MASK }] }, [{ depot: 'K101', passwordHash: H1 }]);
    expect(r.value).toEqual({ collectors: [{ depot: 'K101', passwordHash: H1 }, { depot: 'K102', passwordHash: H2 }, { depot: 'K103', passwordHash: HASH_MASK }] });
    expect(r.problems).toEqual([{
      path: ['collectors', 2, 'passwordHash'], message: 'no stored password for depot "K103" to keep: set one for this account', code: 'no_stored_password', params: { depot: 'K103' },
    }]);
    expect(unmaskCollectorHashes('not a site', []).value).toBe('not a site');
  });

  it('names the accounts whose login changed: a new hash, disabled, removed; not an unchanged or already disabled one', () => {
    const before = [{ depot: 'A', passwordHash: H1 }, { depot: 'B', passwordHash: H1 }, { depot: 'C', passwordHash: H1 }, { depot: 'D', passwordHash: H1 }, { depot: 'E', passwordHash: H1, disabled: true }];
    const after = [{ depot: 'A', passwordHash: H2 }, { depot: 'B', passwordHash: H1, disabled: true }, { depot: 'D', passwordHash: H1 }, { depot: 'E', passwordHash: H2, disabled: true }];
    expect(changedAccounts(before, after)).toEqual(['A', 'B', 'C']);
  });
});

describe('the edge’s SNMP credentials and camera URL passwords never leave the server either (secrets.ts, edge-secrets.ts)', () => {
  const COMMUNITY = 'k101-ups-community';
  const AUTH = 'k101-auth-key-secret';
  const PRIV = 'k101-priv-key-secret';
  const CAM_PW = 's3cret-cam-pw';
  type Ups = { host: string; port: number; version: string; community?: string; user?: { name: string; level: string; authKey?: string; privKey?: string }; mains?: string; battery?: string };
  const ups1: Ups = { host: '10.0.0.9', port: 161, version: '2c', community: COMMUNITY, mains: 'M1' };
  const ups2: Ups = { host: '10.0.0.10', port: 161, version: '3', user: { name: 'dw', level: 'authPriv', authKey: AUTH, privKey: PRIV }, battery: 'B1' };
  const cam = { camera: 'C1', rtsp: `rtsp://viewer:${CAM_PW}@10.0.0.20:554/stream1`, snapshot: 'http://10.0.0.20/snap.jpg', status: { url: `http://admin:${CAM_PW}@10.0.0.20/status.json`, tamper: 'x' } };
  const stored: { depots: { id: string; edge: { modbus: never[]; snmp: Ups[]; cameras: (typeof cam)[] } }[] } = {
    depots: [{ id: 'K101', edge: { modbus: [], snmp: [ups1, ups2], cameras: [cam] } }, { id: 'K102', edge: { modbus: [], snmp: [{ ...ups1, community: 'k102-other' }], cameras: [] } }],
  };
  const SECRETS = [COMMUNITY, AUTH, PRIV, CAM_PW, 'k102-other'];

  it('masks communities, v3 keys and URL passwords in a configuration, in diff entries about them and in a whole edge added', () => {
    const body = {
      config: stored,
      diff: [
        { op: 'change', path: 'depots[K101].edge.snmp[10.0.0.9].community', from: 'old-community', to: COMMUNITY },
        { op: 'change', path: 'depots[K101].edge.snmp[10.0.0.10].user.authKey', from: 'old-auth-key', to: AUTH },
        { op: 'change', path: 'depots[K101].edge.cameras[C1].rtsp', from: 'rtsp://viewer:old-cam-pw@10.0.0.20/s', to: cam.rtsp },
        { op: 'add', path: 'depots[K102].edge', to: stored.depots[1]?.edge },
      ],
    };
    const text = JSON.stringify(maskSecrets(body));
    for (const s of [...SECRETS, 'old-community', 'old-auth-key', 'old-cam-pw']) expect(text).not.toContain(s);
    const masked = maskSecrets(body);
    expect(masked.config.depots[0]?.edge.snmp[0]).toEqual({ ...ups1, community: EDGE_SECRET_MASK });
    expect(masked.config.depots[0]?.edge.cameras[0]).toEqual({ ...cam, rtsp: `rtsp://viewer:${EDGE_SECRET_MASK}@10.0.0.20:554/stream1`, status: { url: `http://admin:${EDGE_SECRET_MASK}@10.0.0.20/status.json`, tamper: 'x' } });
    expect(masked.diff[2]).toMatchObject({ from: `rtsp://viewer:${EDGE_SECRET_MASK}@10.0.0.20/s` });
    expect(maskUrlPassword('http://10.0.0.20/snap.jpg')).toBe('http://10.0.0.20/snap.jpg');
    expect(maskUrlPassword('rtsp://user@cam/x')).toBe('rtsp://user@cam/x');
    expect(maskUrlPassword('rtsp://u:p w@[bad')).toBe(`rtsp://u:${EDGE_SECRET_MASK}@[bad`);
    expect(stored.depots[0]?.edge.snmp[0]?.community).toBe(COMMUNITY);
  });

  it('the masked edge lists pass the schema (the board checks them with the server’s own)', () => {
    for (const d of maskSecrets(stored).depots) expect(edgeDeviceListsSchema.safeParse(d.edge).success).toBe(true);
  });

  it('masks sent back keep the stored values, matched by depot and agent host:port or camera and URL target: reordered lists are fine', () => {
    const back = structuredClone(maskSecrets(stored));
    back.depots.reverse();
    back.depots[1]!.edge.snmp.reverse();
    const r = unmaskEdgeSecrets(back, stored);
    expect(r.problems).toEqual([]);
    const k101 = (r.value as typeof stored).depots[1]!;
    expect(k101.edge.snmp).toEqual([ups2, ups1]);
    expect(k101.edge.cameras[0]).toEqual(cam);
    expect((r.value as typeof stored).depots[0]!.edge.snmp[0]?.community).toBe('k102-other');
    // a new stream path on the same camera login keeps the password; nothing masked is returned as it is
    const moved = structuredClone(maskSecrets(stored));
    moved.depots[0]!.edge.cameras[0]!.rtsp = `rtsp://viewer:${EDGE_SECRET_MASK}@10.0.0.20:554/stream2`;
    expect((unmaskEdgeSecrets(moved, stored).value as typeof stored).depots[0]!.edge.cameras[0]?.rtsp).toBe(`rtsp://viewer:${CAM_PW}@10.0.0.20:554/stream2`);
    expect(unmaskEdgeSecrets(stored, stored).value).toBe(stored);
  });

  it('a mask whose device is new, removed, moved to another host or ambiguous is a problem at its path, never another device’s value', () => {
    const back = structuredClone(maskSecrets(stored));
    back.depots[0]!.edge.snmp[0]!.host = '192.168.7.7'; // edited host: the community must not follow it there
    back.depots[0]!.edge.snmp[1]!.user!.name = 'other'; // another USM user: the keys are not theirs
    back.depots[0]!.edge.cameras[0]!.rtsp = `rtsp://viewer:${EDGE_SECRET_MASK}@evil.example/stream1`;
    back.depots[1]!.edge.snmp.push({ ...ups1, host: '10.0.0.11', community: EDGE_SECRET_MASK }); // a new row copying the mask
    const r = unmaskEdgeSecrets(back, stored);
    expect(r.problems[1]).toMatchObject({ code: 'no_stored_edge_secret', params: { what: 'authKey', target: '10.0.0.10:161 (user "other")', depot: 'K101' } });
    expect(r.problems.map((p) => p.path.join('.'))).toEqual([
      'depots.0.edge.snmp.0.community', 'depots.0.edge.snmp.1.user.authKey', 'depots.0.edge.snmp.1.user.privKey', 'depots.0.edge.cameras.0.rtsp', 'depots.1.edge.snmp.1.community',
    ]);
    expect(JSON.stringify(r.value)).not.toContain(COMMUNITY);
    expect(JSON.stringify(r.value)).not.toContain(AUTH);
    // the status document's URL still points at the camera's own host: its password is kept, the moved stream's not
    expect((r.value as typeof stored).depots[0]!.edge.cameras[0]).toMatchObject({ rtsp: `rtsp://viewer:${EDGE_SECRET_MASK}@evil.example/stream1`, status: { url: cam.status.url } });
    const twice = { depots: [{ id: 'K101', edge: { snmp: [ups1, { ...ups1, community: 'second' }], cameras: [] } }] };
    expect(unmaskEdgeSecrets({ depots: [{ id: 'K101', edge: { snmp: [{ ...ups1, community: EDGE_SECRET_MASK }], cameras: [] } }] }, twice).problems[0]?.message).toMatch(/two stored SNMP entries for 10\.0\.0\.9:161/);
  });
});
