import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError, formatPath, type ConfigProblem } from '../../../config/loader.js';
import { edgeConfigSchema, type EdgeConfig } from './config-schema.js';

/**
 * Reads the edge collector's YAML file (SPEC §11) and checks it with the one schema, reporting every problem
 * at once with the file, the path inside it and the line, as the site configuration's loader does. Beyond the
 * schema: a sensor or camera id may be published by one device only. The result is frozen.
 */

type PathSegment = string | number;

export function loadEdgeConfig(file: string): EdgeConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, path: '', message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }]);
  }
  return parseEdgeConfig(text, file);
}

export function parseEdgeConfig(text: string, name: string): EdgeConfig {
  const file = basename(name);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => ({ file, path: '', line: e.linePos?.[0]?.line, message: e.message.split('\n')[0] ?? e.message })));
  }
  return checkEdgeConfig(doc.toJS(), file, (path) => lineOf(doc, lines, path));
}

/**
 * The same checks for a configuration already parsed (the centre's retained `collector/config` is JSON):
 * problems carry `file` (a label such as "collector/config") and paths, lines only when `lineOf` knows them.
 */
export function checkEdgeConfig(data: unknown, file: string, lineOf: (path: PathSegment[]) => number | undefined = () => undefined): EdgeConfig {
  const problems: ConfigProblem[] = [];
  const at = (path: PathSegment[], message: string): void => {
    const line = lineOf(path);
    problems.push({ file, path: formatPath(path), ...(line !== undefined ? { line } : {}), message });
  };
  const result = edgeConfigSchema.safeParse(data ?? {});
  if (!result.success) {
    for (const issue of result.error.issues) at(issue.path as PathSegment[], issue.message);
    throw new ConfigError(problems);
  }
  const config = result.data;
  const sensors = new Map<string, string>();
  const claim = (id: string, path: PathSegment[]): void => {
    const first = sensors.get(id);
    if (first !== undefined) at(path, `sensor "${id}" is already published by ${first}`);
    else sensors.set(id, formatPath(path));
  };
  config.modbus.forEach((d, i) => d.points.forEach((p, j) => claim(p.sensor, ['modbus', i, 'points', j, 'sensor'])));
  config.snmp.forEach((d, i) => {
    for (const key of ['mains', 'battery', 'onBattery'] as const) {
      const id = d[key];
      if (id !== undefined) claim(id, ['snmp', i, key]);
    }
  });
  const cameras = new Map<string, number>();
  config.cameras.forEach((c, i) => {
    const first = cameras.get(c.camera);
    if (first !== undefined) at(['cameras', i, 'camera'], `camera "${c.camera}" is already configured at cameras[${first}]`);
    else cameras.set(c.camera, i);
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config);
}

function lineOf(doc: Document, lines: LineCounter, path: PathSegment[]): number | undefined {
  // Walk up until a node exists: a missing key is reported at its parent's line.
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
