import { describe, expect, it } from 'vitest';
import { siteConfigSchema, type SiteConfig } from '../../config/schema.js';
import { collectorConfigMessage, edgeParts, partVersions } from '../../server/src/domain/collector-config.js';
import { diffConfig } from '../../server/src/domain/config-diff.js';
import { smallSite } from '../helpers/site.js';

/** the site configuration's per-depot edge device lists (issue 8 §1, SPEC §11) and what the centre sends of them */
type Loose = Record<string, unknown>;
/** the small site, D1 with a UPS's mains and battery sensors and the given edge lists */
const withEdge = (edge: Loose | undefined): Loose => {
  const site = structuredClone(smallSite()) as unknown as { depots: { sensors: Loose[]; edge?: Loose }[] };
  const d1 = site.depots[0]!;
  d1.sensors.push({ id: 'V1', zone: 'P', kind: 'mains', intervalS: 30 }, { id: 'B1', zone: 'P', kind: 'ups_battery', intervalS: 30 });
  if (edge) d1.edge = edge;
  return site as unknown as Loose;
};
const problems = (input: unknown): [string, string][] => {
  const r = siteConfigSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => [i.path.join('.'), i.message]);
};
const GOOD = {
  modbus: [{ host: '10.1.1.20', points: [{ sensor: 'T1', kind: 'temperature', register: 0, type: 'int16', scale: 0.1 }, { sensor: 'DR1', kind: 'door', coil: 3, zone: 'A' }] }],
  snmp: [{ host: '10.1.1.30', community: 'public', mains: 'V1', battery: 'B1' }],
  cameras: [{ camera: 'C1', rtsp: 'rtsp://10.1.1.41/stream1', zone: 'A' }],
};

describe('site configuration: the edge device lists of a depot', () => {
  it('accepts a depot without them, and lists that read its own sensors and cameras, with the edge schema’s defaults', () => {
    expect(problems(smallSite())).toEqual([]);
    const site = siteConfigSchema.parse(withEdge(GOOD));
    expect(site.depots[0]?.edge?.modbus[0]).toMatchObject({ port: 502, unitId: 1, everyS: 10, points: [{ table: 'holding', scale: 0.1 }, { coil: 3, invert: false }] });
    expect(site.depots[0]?.edge?.cameras[0]).toMatchObject({ everyS: 30, rtspTransport: 'tcp' });
    expect(site.depots[1]?.edge).toBeUndefined();
    // only some lists: the others are empty
    expect(siteConfigSchema.parse(withEdge({ cameras: GOOD.cameras })).depots[0]?.edge).toMatchObject({ modbus: [], snmp: [] });
  });

  it('checks each element with the edge’s own schema, naming the path', () => {
    const bad = withEdge({ modbus: [{ host: '10.1.1.20', points: [{ sensor: 'T1', kind: 'temperature', register: 70000 }, { sensor: 'H1', kind: 'humidity' }] }] });
    expect(problems(bad)).toEqual([
      ['depots.0.edge.modbus.0.points.0.register', expect.stringContaining('65535')],
      ['depots.0.edge.modbus.0.points.1', 'needs exactly one of register, coil, discreteInput'],
    ]);
    expect(problems(withEdge({ modbus: [], typo: [] }))).toEqual([['depots.0.edge', expect.stringContaining('typo')]]);
  });

  it('a point reads one of the depot’s sensors, of its kind, and no sensor is read twice; cameras and zones are the depot’s', () => {
    const edge = {
      modbus: [
        { host: '10.1.1.20', points: [{ sensor: 'T1', kind: 'humidity', register: 0 }, { sensor: 'G1', kind: 'gas', register: 1 }, { sensor: 'H1', kind: 'humidity', register: 2, zone: 'Q' }] },
        { host: '10.1.1.21', points: [{ sensor: 'H1', kind: 'humidity', register: 0 }] },
      ],
      snmp: [{ host: '10.1.1.30', community: 'public', mains: 'B1', onBattery: 'NOPE' }],
      cameras: [{ camera: 'C9', snapshot: 'http://10.1.1.49/snap.jpg' }, { camera: 'C1', rtsp: 'rtsp://x/1' }, { camera: 'C1', rtsp: 'rtsp://x/2', zone: 'Q' }],
    };
    expect(problems(withEdge(edge))).toEqual([
      ['depots.0.edge.modbus.0.points.0.kind', 'sensor T1 is a temperature sensor in depot D1, not humidity'],
      // G1 is D2's sensor, not D1's
      ['depots.0.edge.modbus.0.points.1.sensor', 'unknown sensor "G1" in depot D1'],
      ['depots.0.edge.modbus.0.points.2.zone', 'unknown zone "Q" in depot D1'],
      ['depots.0.edge.modbus.1.points.0.sensor', 'sensor H1 is already read by edge.modbus.0.points.2.sensor'],
      ['depots.0.edge.snmp.0.mains', 'sensor B1 is a ups_battery sensor in depot D1, not mains'],
      ['depots.0.edge.snmp.0.onBattery', 'unknown sensor "NOPE" in depot D1'],
      ['depots.0.edge.cameras.0.camera', 'unknown camera "C9" in depot D1'],
      ['depots.0.edge.cameras.2.camera', 'camera C1 is listed twice'],
      ['depots.0.edge.cameras.2.zone', 'unknown zone "Q" in depot D1'],
    ]);
  });
});

describe('each depot’s collector/config: its part and the version it last changed in', () => {
  const site = (edge: Loose | undefined) => siteConfigSchema.parse(withEdge(edge));

  it('is {version} without edge lists and {version, modbus, snmp, cameras} with them', () => {
    const s = site(GOOD);
    expect(collectorConfigMessage(s.depots[1]!, 4)).toEqual({ version: 4 });
    const m = collectorConfigMessage(s.depots[0]!, 4);
    expect(Object.keys(m)).toEqual(['version', 'modbus', 'snmp', 'cameras']);
    expect(m.modbus?.[0]?.points.map((p) => p.sensor)).toEqual(['T1', 'DR1']);
  });

  it('walks back through the stored versions to where each depot’s part last changed', () => {
    // v1 no lists; v2 D1 gets lists; v3 a threshold changes; v4 D1's camera changes; v5 (running) a threshold again
    const v1 = site(undefined);
    const v2 = site(GOOD);
    const v4 = site({ ...GOOD, cameras: [{ camera: 'C2', rtsp: 'rtsp://10.1.1.42/s' }] });
    const stored: Record<number, SiteConfig> = { 1: v1, 2: v2, 3: v2, 4: v4 };
    const history = (n: number) => (stored[n] ? JSON.parse(JSON.stringify(stored[n])) as unknown : undefined);
    expect(Object.fromEntries(partVersions(v4, 5, history))).toEqual({ D1: 4, D2: 1 });
    expect(Object.fromEntries(partVersions(v2, 3, history))).toEqual({ D1: 2, D2: 1 });
    // a bounded walk stops at the oldest version it looked at
    expect(Object.fromEntries(partVersions(v4, 5, history, 2))).toEqual({ D1: 4, D2: 3 });
    // versions no longer stored end the walk
    expect(Object.fromEntries(partVersions(v4, 5, () => undefined))).toEqual({ D1: 5, D2: 5 });
    expect(edgeParts({ nonsense: true }).size).toBe(0);
  });

  it('the diff in words names points by sensor and cameras by id', () => {
    const a = site(GOOD);
    const b = structuredClone(a) as unknown as { depots: { edge: { modbus: { points: Loose[] }[]; cameras: Loose[] } }[] };
    b.depots[0]!.edge.modbus[0]!.points[0]!.register = 4;
    b.depots[0]!.edge.cameras.push({ camera: 'C2', snapshot: 'http://10.1.1.42/snap.jpg' });
    expect(diffConfig(a, b).map((c) => `${c.op} ${c.path}`)).toEqual([
      'change depots[D1].edge.modbus[10.1.1.20].points[T1].register',
      'add depots[D1].edge.cameras[C2]',
    ]);
    expect(diffConfig(site(undefined), a).map((c) => `${c.op} ${c.path}`)).toEqual(['add depots[D1].edge']);
  });
});
