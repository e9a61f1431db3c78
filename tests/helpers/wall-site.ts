import { join, resolve } from 'node:path';
import { loadSiteConfig } from '../../config/loader.js';
import type { DepotConfig, RegionConfig, SiteConfig } from '../../config/schema.js';
import { mulberry32 } from '../../collectors/src/simulator/models.js';

/**
 * A site of any size for the wall: the demo's 13 depots (real zone names, devices and door schedules)
 * cloned to `n`, spread along Vietnam's north–south spine in military regions, so 200 or 500 depots
 * look like a real command's estate: dense clusters round the cities, long names, several regions.
 */
const SPINE: readonly [number, number][] = [
  [22.6, 104.3], [21.9, 105.6], [21.0, 105.9], [20.2, 106.1], [19.2, 105.6], [18.2, 106.0], [16.9, 107.0],
  [16.0, 108.1], [14.9, 108.7], [13.6, 109.1], [12.2, 109.0], [11.4, 108.2], [10.8, 106.7], [10.1, 105.7], [9.2, 105.2],
];
const REGION_NAMES = [
  ['Quân khu 1', 'Military Region 1'], ['Quân khu 2', 'Military Region 2'], ['Quân khu 3', 'Military Region 3'],
  ['Quân khu 4', 'Military Region 4'], ['Quân khu 5', 'Military Region 5'], ['Quân khu 7', 'Military Region 7'],
  ['Quân khu 9', 'Military Region 9'],
] as const;


/** `units`: that many units in each region (ids QK1-F1…), the region's depots spread over them in order */
export function wallSite(n: number, opts: { configDir?: string; regions?: number; units?: number } = {}): SiteConfig {
  const base = loadSiteConfig(opts.configDir ?? resolve(import.meta.dirname, '../../config'));
  if (n <= base.depots.length) return { ...base, depots: base.depots.slice(0, n) };
  const rnd = mulberry32(n);
  const regionCount = Math.min(opts.regions ?? (n <= 40 ? 3 : REGION_NAMES.length), REGION_NAMES.length);
  const regions: RegionConfig[] = REGION_NAMES.slice(0, regionCount).map(([name, nameEn], i) => ({ id: `QK${i + 1}`, name, nameEn }));
  const depots: DepotConfig[] = [];
  for (let i = 0; i < n; i++) {
    const template = base.depots[i % base.depots.length]!;
    // position along the spine (uniform), a little jitter across it; depots bunch at a few hubs
    const t = (i + rnd() * 0.5) / n;
    const seg = Math.min(SPINE.length - 2, Math.floor(t * (SPINE.length - 1)));
    const f = t * (SPINE.length - 1) - seg;
    const [lat0, lon0] = SPINE[seg]!;
    const [lat1, lon1] = SPINE[seg + 1]!;
    const hub = rnd() < 0.35 ? 0.05 : 0.55;
    const lat = lat0 + (lat1 - lat0) * f + (rnd() - 0.5) * hub;
    const lon = lon0 + (lon1 - lon0) * f + (rnd() - 0.5) * hub * 1.6;
    const id = `${template.id.slice(0, 1)}${String(i + 1).padStart(3, '0')}`;
    const ri = Math.min(regionCount - 1, Math.floor(t * regionCount));
    const region = regions[ri]!.id;
    const k = opts.units ?? 0;
    const unit = k > 0 ? `${region}-F${Math.min(k, Math.floor((t * regionCount - ri) * k) + 1)}` : undefined;
    depots.push({
      ...template, id, region, ...(unit ? { unit } : {}),
      name: template.name.replace(template.id, id), nameEn: template.nameEn?.replace(template.id, id),
      position: { lat: +lat.toFixed(4), lon: +lon.toFixed(4) },
    });
  }
  const k = opts.units ?? 0;
  const units = k > 0 ? regions.flatMap((r) => Array.from({ length: k }, (_, j) => ({ id: `${r.id}-F${j + 1}`, name: `Sư đoàn ${j + 1} ${r.id}`, nameEn: `Division ${j + 1} ${r.id}`, parent: r.id }))) : undefined;
  return { ...base, regions, ...(units ? { units } : {}), depots };
}

export const CONFIG_DIR = join(resolve(import.meta.dirname, '../..'), 'config');
