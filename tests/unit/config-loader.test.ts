import { describe, expect, it } from 'vitest';
import { ConfigError, loadSiteConfig, parseSiteConfig, type ConfigProblem } from '../../config/loader.js';
import { parseEnv } from '../../server/src/settings.js';

const problemsOf = (sources: { name: string; text: string }[]): ConfigProblem[] => {
  try {
    parseSiteConfig(sources);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error('expected a ConfigError');
};

const REGIONS = 'regions:\n  - { id: R1, name: "R" }\n';
const depot = (extra = '') => `depots:
  - id: D1
    name: "D"
    region: R1
    type: fuel
    position: { lat: 10, lon: 106 }
    zones:
      - { id: Z, name: "Z", type: fuel_store }
    sensors:
      - { id: S1, zone: Z, kind: gas }
${extra}`;

describe('site configuration', () => {
  it('loads the shipped demo: 13 depots in 3 regions, 4–16 cameras each, frozen', () => {
    const site = loadSiteConfig('config');
    expect(site.regions).toHaveLength(3);
    expect(site.depots.length).toBeGreaterThanOrEqual(12);
    for (const d of site.depots) {
      expect(d.cameras.length).toBeGreaterThanOrEqual(4);
      expect(d.cameras.length).toBeLessThanOrEqual(16);
    }
    const kinds = new Set(site.depots.flatMap((d) => d.sensors.map((s) => s.kind)));
    expect([...kinds].sort()).toEqual(['door', 'fence', 'gas', 'humidity', 'mains', 'motion', 'smoke', 'temperature', 'ups_battery', 'ups_on_battery', 'water']);
    expect(Object.isFrozen(site.depots[0])).toBe(true);
    expect(site.rules.thresholds.find((r) => r.id === 'ammo-humidity-high')?.high).toBe(75);
  });

  it('reports every problem at once with file, path, line and reason', () => {
    const problems = problemsOf([
      { name: 'a.yaml', text: REGIONS },
      { name: 'b.yaml', text: depot('    cameras:\n      - { id: C1, zone: NOPE }\n      - { id: "bad id", zone: Z }\n') },
    ]);
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ file: 'b.yaml', path: 'depots[0].cameras[0].zone', line: 12, message: expect.stringContaining('unknown zone "NOPE"') }),
      expect.objectContaining({ file: 'b.yaml', path: 'depots[0].cameras[1].id', line: 13 }),
    ]));
  });

  it('provisions a depot’s edge device lists from the file, and names a point reading a sensor of the wrong kind by file, path and line', () => {
    const edge = (kind: string) => `    edge:\n      modbus:\n        - host: 10.1.1.20\n          points:\n            - { sensor: S1, kind: ${kind}, register: 3, scale: 0.1 }\n`;
    const site = parseSiteConfig([{ name: 'site.yaml', text: `${REGIONS}${depot(edge('gas'))}` }]);
    expect(site.depots[0]?.edge?.modbus[0]?.points[0]).toMatchObject({ sensor: 'S1', kind: 'gas', register: 3, scale: 0.1, type: 'uint16' });
    expect(problemsOf([{ name: 'site.yaml', text: `${REGIONS}${depot(edge('smoke'))}` }])).toEqual([
      expect.objectContaining({ file: 'site.yaml', path: 'depots[0].edge.modbus[0].points[0].kind', line: 17, message: 'sensor S1 is a gas sensor in depot D1, not smoke' }),
    ]);
  });

  it('maps a problem in the second file of a merged list back to that file', () => {
    const problems = problemsOf([
      { name: 'a.yaml', text: `${REGIONS}${depot()}` },
      { name: 'b.yaml', text: 'depots:\n  - { id: D2, name: "x", region: R9, type: fuel, position: { lat: 1, lon: 1 }, zones: [{ id: Z, name: z, type: gate }] }\n' },
    ]);
    expect(problems).toEqual([expect.objectContaining({ file: 'b.yaml', path: 'depots[0].region', line: 2, message: 'unknown region "R9"' })]);
  });

  it('names YAML syntax errors, unknown keys, duplicate ids and a second rules block', () => {
    const problems = problemsOf([
      { name: 'a.yaml', text: `${REGIONS}${depot()}colour: blue\nrules: {}\n` },
      { name: 'b.yaml', text: 'rules:\n  staleFactor: 0\n' },
      { name: 'c.yaml', text: 'depots: [\n' },
      { name: 'd.yaml', text: depot() },
    ]);
    const byFile = (f: string) => problems.filter((p) => p.file === f).map((p) => `${p.path}: ${p.message}`);
    expect(byFile('a.yaml')).toEqual(expect.arrayContaining([expect.stringContaining('unknown top-level key "colour"')]));
    expect(byFile('b.yaml')).toEqual([expect.stringContaining('rules are already defined in a.yaml')]);
    expect(problems.some((p) => p.file === 'c.yaml' && p.line !== undefined)).toBe(true);
    expect(byFile('d.yaml')).toEqual([expect.stringContaining('duplicate depot id "D1"')]);
  });

  it('checks collector accounts: known depot, argon2id hash', () => {
    const problems = problemsOf([{ name: 'c.yaml', text: `${REGIONS}${depot()}collectors:\n  - { depot: D9, passwordHash: "plain" }\n` }]);
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual(expect.arrayContaining([
      expect.stringContaining('collectors[0].passwordHash: must be an argon2id hash'),
    ]));
    const second = problemsOf([{ name: 'c.yaml', text: `${REGIONS}${depot()}collectors:\n  - { depot: D9, passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$x$y" }\n` }]);
    expect(second).toEqual([expect.objectContaining({ path: 'collectors[0].depot', message: 'unknown depot "D9"', line: 14 })]);
  });

  it('refuses bad rules with their path', () => {
    const problems = problemsOf([{ name: 'r.yaml', text: `${REGIONS}${depot()}rules:\n  thresholds:\n    - { id: t, kind: gas, severity: critical }\n` }]);
    expect(problems).toEqual([expect.objectContaining({ file: 'r.yaml', path: 'rules.thresholds[0]', message: 'needs high or low' })]);
  });
});

describe('environment', () => {
  it('applies the SPEC defaults', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ HTTP_PORT: 8080, MQTT_HOST: '127.0.0.1', MQTT_PORT: 1883, INFLUX_DB: 'depotwatch', DATA_DIR: './data' });
    expect(env.MQTT_URL).toBeUndefined();
    expect(env.INFLUX_URL).toBeUndefined();
  });
  it('names each bad variable', () => {
    expect(() => parseEnv({ HTTP_PORT: 'eighty', INFLUX_URL: 'ftp://x', ADMIN_PASSWORD: 'short' })).toThrow(/HTTP_PORT[\s\S]*INFLUX_URL[\s\S]*ADMIN_PASSWORD/);
  });
  it('turns shared subscriptions off with MQTT_SHARE_GROUP=none', () => {
    expect(parseEnv({}).MQTT_SHARE_GROUP).toBe('depotwatch-ingest');
    expect(parseEnv({ MQTT_SHARE_GROUP: 'none' }).MQTT_SHARE_GROUP).toBe('');
  });
  it('treats an empty variable as unset', () => {
    expect(parseEnv({ MQTT_URL: '' }).MQTT_URL).toBeUndefined();
  });
});
