import { loadSiteConfig } from '../../config/loader.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkEdgeConfig, parseEdgeConfig } from '../../collectors/src/edge/config-loader.js';
import { ConfigError, type ConfigProblem } from '../../config/loader.js';

function problems(text: string): ConfigProblem[] {
  try {
    parseEdgeConfig(text, '/etc/depotwatch/edge.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error('expected the configuration to be refused');
}

const HEAD = `depot: K101
mqtt: { url: "mqtt://centre:1883" }
spool: { dir: /tmp/spool }
`;

describe('edge configuration loader', () => {
  it('accepts the example configuration, with the SPEC §11 defaults filled in, frozen', () => {
    const cfg = parseEdgeConfig(readFileSync('config/edge/example.yaml', 'utf8'), 'example.yaml');
    expect(cfg.depot).toBe('K101');
    expect(cfg.spool.maxBytes).toBe(2e9);
    expect(cfg.modbus[0]?.points[0]).toMatchObject({ sensor: 'A-T1', type: 'int16', scale: 0.1, table: 'holding', byteOrder: 'ABCD' });
    expect(cfg.snmp[0]).toMatchObject({ version: '2c', port: 161, mains: 'E-V1' });
    expect(cfg.cameras[1]?.status?.recording).toEqual({ path: 'channel.record_state', equals: 'recording' });
    expect(Object.isFrozen(cfg.modbus[0]?.points)).toBe(true);
  });

  it('names only devices the shipped site configures for K101, with their kinds and zones, so a newcomer sees them on the board', () => {
    const cfg = parseEdgeConfig(readFileSync('config/edge/example.yaml', 'utf8'), 'example.yaml');
    const depot = loadSiteConfig('config').depots.find((d) => d.id === cfg.depot);
    const sensors = new Map(depot?.sensors.map((s) => [s.id, s]));
    const points = cfg.modbus.flatMap((m) => m.points);
    for (const p of points) {
      expect(sensors.get(p.sensor)?.kind, p.sensor).toBe(p.kind);
      if (p.zone !== undefined) expect(sensors.get(p.sensor)?.zone, p.sensor).toBe(p.zone);
    }
    const ups = cfg.snmp[0];
    expect([ups?.mains, ups?.battery, ups?.onBattery].map((id) => sensors.get(id ?? '')?.kind)).toEqual(['mains', 'ups_battery', 'ups_on_battery']);
    for (const c of cfg.cameras) {
      const site = depot?.cameras.find((x) => x.id === c.camera);
      expect(site, c.camera).toBeDefined();
      if (c.zone !== undefined) expect(site?.zone, c.camera).toBe(c.zone);
    }
  });

  it('reports every problem at once with the file, the path and the line', () => {
    const ps = problems(`${HEAD}modbus:
  - host: 10.1.1.20
    points:
      - { sensor: A-T1, kind: temprature, register: 0 }
      - { sensor: A-D1, kind: door, coil: 3, register: 4 }
snmp:
  - { host: 10.1.1.30, mains: E-V1 }
cameras:
  - { camera: CAM01, rtsp: "http://not-rtsp/" }
`);
    expect(ps.map((p) => [p.file, p.path, p.line])).toEqual([
      ['edge.yaml', 'modbus[0].points[0].kind', 7],
      ['edge.yaml', 'modbus[0].points[1]', 8],
      ['edge.yaml', 'snmp[0].version', 10],
      ['edge.yaml', 'cameras[0].rtsp', 12],
    ]);
    expect(ps[1]?.message).toMatch(/exactly one of register, coil, discreteInput/);
    expect(ps[2]?.message).toMatch(/community/);
  });

  it('refuses a sensor or camera id published twice, naming both places', () => {
    const ps = problems(`${HEAD}modbus:
  - { host: a, points: [ { sensor: X1, kind: door, coil: 1 } ] }
snmp:
  - { host: b, community: c, battery: X1 }
cameras:
  - { camera: C1, snapshot: "http://c/snap.jpg" }
  - { camera: C1, snapshot: "http://d/snap.jpg" }
`);
    expect(ps.map((p) => [p.path, p.line, p.message])).toEqual([
      ['snmp[0].battery', 7, 'sensor "X1" is already published by modbus[0].points[0].sensor'],
      ['cameras[1].camera', 10, 'camera "C1" is already configured at cameras[0]'],
    ]);
  });

  it('reports YAML syntax errors and unknown keys with their line', () => {
    expect(problems('depot: [\n')[0]).toMatchObject({ file: 'edge.yaml', line: expect.any(Number) });
    expect(problems(`${HEAD}modbuss: []\n`)[0]).toMatchObject({ path: '', message: expect.stringMatching(/modbuss/) });
  });

  it('checks an already parsed document (the centre\'s collector/config) with paths and no lines', () => {
    expect(() => checkEdgeConfig({ depot: 'K101', mqtt: { url: 'mqtt://x' }, spool: { dir: '/s' }, cameras: [{ camera: 'bad id!' }] }, 'collector/config'))
      .toThrow(/collector\/config cameras\[0\]\.camera/);
  });
});
