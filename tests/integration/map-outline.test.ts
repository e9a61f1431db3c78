import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSiteConfig, ConfigError } from '../../config/loader.js';
import type { MapResponse } from '../../server/src/contracts/map.js';
import { smallSite } from '../helpers/site.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';

/** An engineer's outline of the area (config `map:`), read from CONFIG_DIR and served by DepotWatch itself. */
const dir = mkdtempSync(join(tmpdir(), 'depotwatch-map-'));
let t: TestSystem;
let token: string;
beforeAll(async () => {
  copyFileSync('config/examples/vietnam-outline.geojson', join(dir, 'area.geojson'));
  t = await startTestSystem({ site: { ...smallSite(), map: { outline: 'area.geojson' } }, env: { CONFIG_DIR: dir } });
  token = await t.login();
});
afterAll(async () => {
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the map outline', () => {
  it('serves the configured GeoJSON as lines with their bounds, only to a signed-in user', async () => {
    const { status, body } = await t.api<MapResponse>('/api/map', token);
    expect(status).toBe(200);
    expect(body.outline?.kind).toBe('geojson');
    if (body.outline?.kind !== 'geojson') return;
    expect(body.outline.lines[0]!.length).toBeGreaterThan(40);
    expect(body.outline.bounds.south).toBeCloseTo(8.6);
    expect(body.outline.bounds.north).toBeCloseTo(23.3);
    expect((await fetch(`${t.base}/api/map`)).status).toBe(401);
  });

  it('reports a broken file by name and place instead of failing, and picks up the fixed one', async () => {
    writeFileSync(join(dir, 'area.geojson'), JSON.stringify({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[200, 10], [105, 11]]] } }));
    const bad = (await t.api<MapResponse>('/api/map', token)).body;
    expect(bad.outline).toBeNull();
    expect(bad.problem).toMatch(/^area\.geojson: not GeoJSON outline .*geometry\.coordinates\.0\.0\.0/);
    writeFileSync(join(dir, 'area.geojson'), JSON.stringify({ type: 'LineString', coordinates: [[105, 21], [106, 10]] }));
    const fixed = (await t.api<MapResponse>('/api/map', token)).body;
    expect(fixed.outline?.kind).toBe('geojson');
    rmSync(join(dir, 'area.geojson'));
    expect((await t.api<MapResponse>('/api/map', token)).body.problem).toMatch(/no such file/);
  });

  it('refuses an SVG outline without the bounds that place it, and a path outside the directory', () => {
    const site = (map: string) => [{ name: 'site.yaml', text: `regions: [{ id: R, name: R }]\ndepots: [{ id: D, name: D, region: R, type: fuel, position: { lat: 10, lon: 106 }, zones: [{ id: Z, name: Z, type: fuel_store }] }]\nrules: {}\nmap: ${map}\n` }];
    expect(() => parseSiteConfig(site('{ outline: area.svg }'))).toThrow(ConfigError);
    expect(() => parseSiteConfig(site('{ outline: area.svg }'))).toThrow(/map\.bounds.*SVG outline needs bounds/s);
    expect(() => parseSiteConfig(site('{ outline: ../etc/passwd.json }'))).toThrow(/map\.outline/);
    expect(parseSiteConfig(site('{ outline: area.svg, bounds: { west: 102, east: 110, south: 8, north: 24 } }')).map?.outline).toBe('area.svg');
  });
});
