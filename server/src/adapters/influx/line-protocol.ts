import type { TelemetryPoint } from '../../contracts/telemetry.js';

/**
 * InfluxDB line protocol (v1 and the v1-compatible /write of 2.x and 3), one line per point, timestamps in
 * epoch ms (the store writes with `precision=ms`). Pure: no I/O, so escaping is unit-tested exhaustively.
 *
 * Escaping follows InfluxDB 1.x's parser, not a generic rule: a backslash only escapes `,` ` ` `=` (tags,
 * field keys) or `,` ` ` (measurement); any other backslash is kept literally, so backslashes are never
 * doubled. Two things cannot be represented at all and throw `RangeError` (the store reports the point as
 * rejected instead of sending a line that would corrupt its neighbours): a line break anywhere in a tag or
 * key, and a tag value ending in a backslash (it would escape the separator after it). IDs validated by
 * `^[A-Za-z0-9_-]{1,64}$` never hit either case.
 */

type FieldValue = number | boolean | { readonly int: number };

/** All points of the batch, newline-separated; throws RangeError on the first point that cannot be written. */
export function toLineProtocol(points: readonly TelemetryPoint[]): string {
  return points.map(pointToLine).join('\n');
}

/** One point as one line (no trailing newline). */
export function pointToLine(point: TelemetryPoint): string {
  const tags = serializeTags(point.tags);
  const fields = serializeFields(fieldsOf(point));
  return `${escapeMeasurement(point.measurement)}${tags} ${fields} ${timestampMs(point.ts)}`;
}

function fieldsOf(point: TelemetryPoint): ReadonlyArray<readonly [string, FieldValue | undefined]> {
  switch (point.measurement) {
    case 'sensor':
      return [['value', point.fields.value]];
    case 'camera': {
      const f = point.fields;
      return [
        ['online', f.online], ['recording', f.recording], ['tamper', f.tamper], ['video_loss', f.video_loss],
        ['fps', f.fps], ['bitrate_kbps', f.bitrate_kbps], ['packet_loss_pct', f.packet_loss_pct],
        ['storage_free_pct', f.storage_free_pct],
      ];
    }
    case 'collector':
      // `spooled` is an integer field (SPEC §4); without the `i` suffix InfluxDB would type it float.
      return [['online', point.fields.online], ['spooled', { int: point.fields.spooled }]];
  }
}

/** `,k=v` pairs in byte order of the key (InfluxDB's recommended order); empty values are omitted, as InfluxDB
 * treats a missing tag and an empty one the same and rejects `k=`. */
function serializeTags(tags: Readonly<Record<string, string>>): string {
  let out = '';
  for (const key of Object.keys(tags).sort(compareCodeUnits)) {
    const value = tags[key];
    if (value === undefined || value === '') continue;
    if (value.endsWith('\\')) throw new RangeError(`tag ${key} ends with a backslash, which line protocol cannot carry`);
    out += `,${escapeKey(key)}=${escapeKey(value)}`;
  }
  return out;
}

function serializeFields(fields: ReadonlyArray<readonly [string, FieldValue | undefined]>): string {
  const parts: string[] = [];
  for (const [key, value] of fields) {
    if (value === undefined) continue;
    parts.push(`${escapeKey(key)}=${formatField(key, value)}`);
  }
  // Every measurement has a required field, so this only guards against a malformed point from outside the types.
  if (parts.length === 0) throw new RangeError('a point needs at least one field');
  return parts.join(',');
}

function formatField(key: string, value: FieldValue): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    // InfluxDB parses a bare `23` as float; JS never prints `23i`, and `1e+21` / `1e-7` parse as floats too.
    if (!Number.isFinite(value)) throw new RangeError(`field ${key} is not a finite number: ${value}`);
    return String(value);
  }
  if (!Number.isSafeInteger(value.int)) throw new RangeError(`field ${key} is not an integer: ${value.int}`);
  return `${value.int}i`;
}

function timestampMs(ts: number): string {
  if (!Number.isFinite(ts)) throw new RangeError(`timestamp is not a finite number: ${ts}`);
  // Sub-millisecond parts carry no information at precision=ms; flooring keeps replays on the same key.
  return String(Math.floor(ts));
}

function escapeMeasurement(name: string): string {
  assertSingleLine(name);
  return name.replace(/[, ]/g, (c) => `\\${c}`);
}

function escapeKey(text: string): string {
  assertSingleLine(text);
  return text.replace(/[,= ]/g, (c) => `\\${c}`);
}

function assertSingleLine(text: string): void {
  if (/[\r\n]/.test(text)) throw new RangeError(`line protocol cannot carry a line break: ${JSON.stringify(text)}`);
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
