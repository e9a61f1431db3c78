import { z } from 'zod';

/** GET /api/map: the engineer-supplied outline of the area (config `map:`), ready to project. */
export interface MapBounds { west: number; east: number; south: number; north: number }
export type MapOutline =
  /** polylines of [longitude, latitude]; polygon rings are closed (first point repeated last) */
  | { kind: 'geojson'; file: string; lines: [number, number][][]; bounds: MapBounds }
  /** the SVG text itself, drawn as an image over `bounds` (no request of its own) */
  | { kind: 'svg'; file: string; svg: string; bounds: MapBounds };
export interface MapResponse {
  outline: MapOutline | null;
  /** why a configured outline is not shown (missing file, not GeoJSON…); the schematic is drawn instead */
  problem?: string;
}

const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).rest(z.number());
const ring = z.array(position).min(2);
const geometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('LineString'), coordinates: ring }),
  z.object({ type: z.literal('MultiLineString'), coordinates: z.array(ring) }),
  z.object({ type: z.literal('Polygon'), coordinates: z.array(ring) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring)) }),
]);
type Geometry = z.infer<typeof geometrySchema>;
const featureSchema = z.object({ type: z.literal('Feature'), geometry: geometrySchema.nullable() });
const geoJsonSchema = z.union([
  z.object({ type: z.literal('FeatureCollection'), features: z.array(featureSchema) }),
  featureSchema,
  geometrySchema,
]);

function linesOf(g: Geometry): [number, number][][] {
  const two = (r: readonly (readonly number[])[]): [number, number][] => r.map((p) => [p[0]!, p[1]!]);
  switch (g.type) {
    case 'LineString': return [two(g.coordinates)];
    case 'MultiLineString': return g.coordinates.map(two);
    case 'Polygon': return g.coordinates.map(two);
    case 'MultiPolygon': return g.coordinates.flat().map(two);
  }
}

/**
 * Parses GeoJSON text into polylines; never throws: a problem comes back as a sentence naming the
 * place in the file ("features.3.geometry.type: …").
 */
export function parseOutlineGeoJson(text: string): { lines: [number, number][][]; bounds: MapBounds } | { problem: string } {
  let json: unknown;
  try { json = JSON.parse(text); } catch (err) { return { problem: `not JSON: ${(err as Error).message}` }; }
  const r = geoJsonSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    return { problem: `not GeoJSON outline (Polygon, MultiPolygon, LineString, MultiLineString): ${i.path.join('.') || '(top)'}: ${i.message}` };
  }
  const geoms: Geometry[] = 'features' in r.data ? r.data.features.flatMap((f) => (f.geometry ? [f.geometry] : []))
    : r.data.type === 'Feature' ? (r.data.geometry ? [r.data.geometry] : []) : [r.data];
  const lines = geoms.flatMap(linesOf);
  if (lines.length === 0) return { problem: 'the GeoJSON holds no line or polygon' };
  const b: MapBounds = { west: Infinity, east: -Infinity, south: Infinity, north: -Infinity };
  for (const l of lines) for (const [lon, lat] of l) {
    b.west = Math.min(b.west, lon); b.east = Math.max(b.east, lon); b.south = Math.min(b.south, lat); b.north = Math.max(b.north, lat);
  }
  return { lines, bounds: b };
}
