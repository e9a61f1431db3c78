import type { z } from 'zod';
import { ID_PATTERN } from '../server/src/contracts/ids.js';

/**
 * A validation problem as a code and its parameters, so that the board phrases it in its own language
 * (issue 9 §3) while the API and the logs keep zod's English message beside it. zod's own issue codes
 * pass through with the parameters that matter (`too_small` with `origin` and `minimum`…); a pattern the
 * schema names below becomes `invalid_format` with that name; the schema's own cross-checks say which
 * rule they broke in `params.code` (see `custom` below) and become that code.
 */
export type ProblemParams = Readonly<Record<string, string | number | boolean>>;
export interface Problem { code: string; params: ProblemParams }

/** the patterns of config/schema.ts and the ids, by the name the board phrases them with */
export const FORMATS = {
  id: ID_PATTERN,
  time_range: /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  equipment_code: /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/,
  argon2id: /^\$argon2id\$/,
  outline_file: /^[A-Za-z0-9][A-Za-z0-9._-]*\.(geojson|json|svg)$/,
} as const;
export type FormatName = keyof typeof FORMATS;

/**
 * The schema's own rules (refinements and cross-references), each with the parameters its phrase needs.
 * `what` names a kind of thing: region, unit, depot, zone, sensor, camera, collector.
 */
export interface CustomProblems {
  not_calendar_date: Record<string, never>;
  needs_high_or_low: Record<string, never>;
  bounds_order: Record<string, never>;
  svg_needs_bounds: Record<string, never>;
  duplicate_id: { what: string; id: string };
  unknown_ref: { what: string; id: string };
  unknown_zone: { id: string; depot: string };
  code_taken: { code: string; what: string; id: string; depot: string };
  id_clash: { id: string; what: string };
  echelon_cycle: { path: string };
  parent_is_depot: { id: string; unit: string };
  unknown_parent: { id: string; unit: string };
  unit_is_region: { id: string };
  unit_region_mismatch: { unit: string; region: string; path: string; expected: string };
  // the edge collector's device lists (config/schema.ts edgeProblems, server/src/contracts/edge-devices.ts)
  one_point_source: Record<string, never>;
  edge_kind_mismatch: { id: string; kind: string; expected: string };
  edge_read_twice: { id: string; by: string };
  snmp_needs_auth_key: Record<string, never>;
  snmp_needs_priv_key: Record<string, never>;
  snmp_needs_credentials: Record<string, never>;
  snmp_needs_sensor: Record<string, never>;
  camera_api_needs_field: Record<string, never>;
  camera_needs_source: Record<string, never>;
  freeze_not_shorter: Record<string, never>;
  unknown_time_zone: Record<string, never>;
  duplicate_account: { depot: string };
  no_stored_password: { depot: string };
  /** a masked edge credential (server/src/domain/edge-secrets.ts) with nothing, or two things, stored to keep */
  no_stored_edge_secret: { what: string; target: string; depot: string };
  ambiguous_edge_secret: { what: string; target: string; depot: string };
  // the equipment CSV's own (server/src/domain/equipment-csv.ts)
  csv_unreadable: { message: string };
  csv_empty: Record<string, never>;
  unknown_column: { columns: string };
  column_missing: Record<string, never>;
  column_twice: Record<string, never>;
  required: Record<string, never>;
  row_repeated: { what: string; id: string; depot: string; row: number };
  collector_id: { id: string };
  no_device: { what: string; id: string; depot: string };
}
export type CustomCode = keyof CustomProblems;

/** the `params` of a custom issue: its code and what its phrase needs */
export const custom = <C extends CustomCode>(code: C, params: CustomProblems[C]): ProblemParams => ({ code, ...params });

const formatNames = new Map<string, FormatName>(Object.entries(FORMATS).map(([name, re]) => [String(re), name as FormatName]));

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : NaN);
const scalar = (v: unknown): string | number | boolean | undefined =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;

/** a zod issue as a code and parameters; never throws, an unknown shape is `{ code: issue.code }` */
export function problemOf(issue: z.core.$ZodIssue): Problem {
  switch (issue.code) {
    case 'invalid_type': return { code: 'invalid_type', params: { expected: String(issue.expected) } };
    case 'too_small': return { code: 'too_small', params: { origin: issue.origin, minimum: num(issue.minimum), inclusive: issue.inclusive !== false } };
    case 'too_big': return { code: 'too_big', params: { origin: issue.origin, maximum: num(issue.maximum), inclusive: issue.inclusive !== false } };
    case 'invalid_format': {
      const name = issue.format === 'regex' && 'pattern' in issue && typeof issue.pattern === 'string' ? formatNames.get(issue.pattern) : undefined;
      return { code: 'invalid_format', params: { format: name ?? issue.format } };
    }
    case 'invalid_value': return { code: 'invalid_value', params: { values: issue.values.map(String).join(', ') } };
    case 'unrecognized_keys': return { code: 'unrecognized_keys', params: { keys: issue.keys.join(', ') } };
    case 'not_multiple_of': return { code: 'not_multiple_of', params: { divisor: num(issue.divisor) } };
    case 'custom': {
      const out: Record<string, string | number | boolean> = {};
      for (const [k, v] of Object.entries(issue.params ?? {})) {
        const s = scalar(v);
        if (s !== undefined && k !== 'code') out[k] = s;
      }
      const code = issue.params?.code;
      return { code: typeof code === 'string' ? code : 'custom', params: out };
    }
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
      return { code: issue.code, params: {} };
  }
}
