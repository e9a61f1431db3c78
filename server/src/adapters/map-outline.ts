import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { MapConfig } from '../../../config/schema.js';
import { parseOutlineGeoJson, type MapResponse } from '../contracts/map.js';
import type { Logger } from './logger.js';

/** larger than any national outline worth drawing on a wall; a bigger file is a mistake, not a map */
const MAX_BYTES = 8 * 2 ** 20;

/**
 * Reads the configured outline from the configuration directory, again only when the file changes, so
 * an engineer can replace it without a restart. A missing or bad file is a warning and a `problem`
 * in the answer, never an error: the wall draws the schematic instead.
 */
export function createMapOutline(configDir: string, map: MapConfig | undefined, logger: Logger): () => MapResponse {
  let cached: { mtimeMs: number; size: number; res: MapResponse } | null = null;
  return () => {
    if (!map) return { outline: null };
    const path = join(configDir, map.outline);
    const fail = (problem: string): MapResponse => {
      logger.warn({ file: path, problem }, 'map outline not shown');
      return { outline: null, problem: `${map.outline}: ${problem}` };
    };
    let st;
    try { st = statSync(path); } catch { cached = null; return fail(`no such file in the configuration directory (${configDir})`); }
    if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached.res;
    if (st.size > MAX_BYTES) return fail(`${st.size} bytes, more than the ${MAX_BYTES} an outline may have`);
    const text = readFileSync(path, 'utf8');
    let res: MapResponse;
    if (map.outline.endsWith('.svg')) {
      res = /<svg[\s>]/i.test(text) && map.bounds ? { outline: { kind: 'svg', file: map.outline, svg: text, bounds: map.bounds } } : fail('not an SVG document');
    } else {
      const parsed = parseOutlineGeoJson(text);
      res = 'problem' in parsed ? fail(parsed.problem) : { outline: { kind: 'geojson', file: map.outline, ...parsed } };
    }
    cached = { mtimeMs: st.mtimeMs, size: st.size, res };
    return res;
  };
}
