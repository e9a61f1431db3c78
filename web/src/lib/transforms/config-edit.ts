import {
  siteConfigSchema, thresholdRuleSchema, stateRuleSchema, rateRuleSchema,
  type CameraConfig, type DepotConfig, type SensorConfig, type SiteConfig, type ZoneConfig,
} from '../../../../config/schema.js';
import { problemOf, type Problem } from '../../../../config/problems.js';

/**
 * Pure edits of a draft site configuration for the engineer's editors, and its validation with the
 * server's own schema (config/schema.ts): the message beside a field is the one PUT /api/config would
 * answer, so the board cannot accept what the server refuses or refuse what it accepts.
 */

/** a path into the configuration, as zod reports it: ['depots', 0, 'sensors', 2, 'zone'] */
export type Path = readonly (string | number)[];
/** a field's problem: its code and params for the board to phrase (lib/transforms/problem-text.ts), zod's English beside them */
export interface FieldProblem extends Problem { message: string }
/** "depots.0.sensors.2.zone" → its problem; the first problem per path */
export type FieldErrors = Readonly<Record<string, FieldProblem>>;

export const pathKey = (p: Path): string => p.map(String).join('.');

/** every problem of the draft, keyed by path; an empty object when the server would accept it */
export function validateSite(draft: unknown): FieldErrors {
  const r = siteConfigSchema.safeParse(draft);
  if (r.success) return {};
  const out: Record<string, FieldProblem> = {};
  for (const i of r.error.issues) {
    const k = pathKey(i.path as Path) || '(config)';
    out[k] ??= { ...problemOf(i), message: i.message };
  }
  return out;
}

/** the problems at `prefix` or below it, e.g. to say which depot in the list needs attention */
export function errorsUnder(errors: FieldErrors, prefix: Path): string[] {
  const p = pathKey(prefix);
  return Object.keys(errors).filter((k) => k === p || k.startsWith(`${p}.`));
}

/**
 * A number field's text as the draft keeps it: empty is "not set" (undefined), a number is a number,
 * anything else stays text so the schema reports it ("must be a number") beside the field.
 */
export function numberInput(text: string): number | string | undefined {
  const t = text.trim().replace(',', '.');
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : text;
}

/** an optional text field: empty is "not set" */
export const optionalText = (text: string): string | undefined => (text.trim() === '' ? undefined : text);

/** `obj` with the value at `path` replaced (undefined removes the key); nothing else is copied */
export function setIn<T>(obj: T, path: Path, value: unknown): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(obj)) {
    const copy = obj.slice();
    copy[head as number] = setIn(copy[head as number], rest, value);
    return copy as T;
  }
  const src = (obj ?? {}) as Record<string, unknown>;
  const next = setIn(src[head], rest, value);
  const copy: Record<string, unknown> = { ...src };
  if (next === undefined) delete copy[head];
  else copy[head] = next;
  return copy as T;
}

/** an id not yet used among `taken`: PREFIX1, PREFIX2… */
export function freshId(prefix: string, taken: readonly string[]): string {
  const used = new Set(taken);
  for (let i = 1; ; i++) if (!used.has(`${prefix}${i}`)) return `${prefix}${i}`;
}

export function addDepot(site: SiteConfig): { site: SiteConfig; index: number } {
  const id = freshId('NEW', site.depots.map((d) => d.id));
  const region = site.regions[0]?.id ?? '';
  const depot: DepotConfig = {
    id, name: id, region, type: 'equipment', position: { lat: 16, lon: 106 }, utcOffsetMin: 420,
    zones: [{ id: 'Z1', name: 'Z1', type: 'equipment_store' }], sensors: [], cameras: [],
  };
  return { site: { ...site, depots: [...site.depots, depot] }, index: site.depots.length };
}

export function removeDepot(site: SiteConfig, index: number): SiteConfig {
  const removed = site.depots[index]?.id;
  return {
    ...site,
    depots: site.depots.filter((_, i) => i !== index),
    // a collector account of a removed depot would be refused as "unknown depot"
    collectors: site.collectors.filter((c) => c.depot !== removed),
  };
}

export function addZone(site: SiteConfig, d: number): SiteConfig {
  const depot = site.depots[d];
  if (!depot) return site;
  const id = freshId('Z', depot.zones.map((z) => z.id));
  const zone: ZoneConfig = { id, name: id, type: 'equipment_store' };
  return setIn(site, ['depots', d, 'zones'], [...depot.zones, zone]);
}

export function addSensor(site: SiteConfig, d: number): SiteConfig {
  const depot = site.depots[d];
  if (!depot) return site;
  const sensor: SensorConfig = { id: freshId('S', depot.sensors.map((s) => s.id)), zone: depot.zones[0]?.id ?? '', kind: 'temperature', intervalS: 30 };
  return setIn(site, ['depots', d, 'sensors'], [...depot.sensors, sensor]);
}

export function addCamera(site: SiteConfig, d: number): SiteConfig {
  const depot = site.depots[d];
  if (!depot) return site;
  const camera: CameraConfig = { id: freshId('CAM', depot.cameras.map((c) => c.id)), zone: depot.zones[0]?.id ?? '', intervalS: 30 };
  return setIn(site, ['depots', d, 'cameras'], [...depot.cameras, camera]);
}

/** removes item `i` of a depot's zones, sensors or cameras */
export function removeItem(site: SiteConfig, d: number, list: 'zones' | 'sensors' | 'cameras', i: number): SiteConfig {
  const depot = site.depots[d];
  if (!depot) return site;
  return setIn(site, ['depots', d, list], (depot[list] as unknown[]).filter((_, j) => j !== i));
}

/** what a save would change, in a few words for the default comment: "D1: +S3, −CAM2" */
export function changeSummary(before: SiteConfig, after: SiteConfig): string {
  const parts: string[] = [];
  const ids = (s: SiteConfig) => new Map(s.depots.map((d) => [d.id, d]));
  const a = ids(before);
  const b = ids(after);
  for (const [id] of b) if (!a.has(id)) parts.push(`+${id}`);
  for (const [id] of a) if (!b.has(id)) parts.push(`−${id}`);
  for (const [id, d] of b) {
    const old = a.get(id);
    if (!old) continue;
    const dev = (x: DepotConfig) => new Set([...x.sensors.map((s) => s.id), ...x.cameras.map((c) => c.id), ...x.zones.map((z) => `zone ${z.id}`)]);
    const o = dev(old);
    const n = dev(d);
    const delta = [...[...n].filter((x) => !o.has(x)).map((x) => `+${x}`), ...[...o].filter((x) => !n.has(x)).map((x) => `−${x}`)];
    if (delta.length) parts.push(`${id}: ${delta.join(', ')}`);
    else if (JSON.stringify(old) !== JSON.stringify(d)) parts.push(`${id}: ~`);
  }
  return parts.join('; ');
}

export const ruleSchemas = { threshold: thresholdRuleSchema, state: stateRuleSchema, rate: rateRuleSchema } as const;

/** a rule's problems with the shared rule schema, keyed by field ("high", "deadband"…); "(rule)" for the whole */
export function validateRule(type: keyof typeof ruleSchemas, rule: unknown): FieldErrors {
  const r = ruleSchemas[type].safeParse(rule);
  if (r.success) return {};
  const out: Record<string, FieldProblem> = {};
  for (const i of r.error.issues) out[pathKey(i.path as Path) || '(rule)'] ??= { ...problemOf(i), message: i.message };
  return out;
}
