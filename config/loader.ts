import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { siteConfigSchema, type SiteConfig } from './schema.js';

/** One problem in the configuration: which file, where inside it, and why. */
export interface ConfigProblem {
  file: string;
  /** dotted path inside the file, e.g. `depots[2].sensors[5].kind` */
  path: string;
  line?: number;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(`invalid configuration:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function formatProblem(p: ConfigProblem): string {
  return `  ${p.file}${p.line ? `:${p.line}` : ''} ${p.path || '(top level)'}: ${p.message}`;
}

const MERGED_LISTS = ['regions', 'units', 'depots', 'collectors'] as const;
type PathSegment = string | number;

interface ParsedFile { file: string; doc: Document; lines: LineCounter; data: Record<string, unknown> }

/** Where element `index` of a merged list came from. */
interface Origin { file: ParsedFile; index: number }

/**
 * Reads every `*.yaml` in `dir` (sorted by name), merges them and validates the result with the one
 * schema. `regions`, `units`, `depots` and `collectors` lists concatenate across files; `rules` may appear in one file only.
 * Every problem in every file is reported at once, each with its file, path and line.
 */
export function loadSiteConfig(dir: string): SiteConfig {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  if (files.length === 0) throw new ConfigError([{ file: dir, path: '', message: 'no *.yaml files found' }]);
  return parseSiteConfig(files.map((f) => ({ name: join(dir, f), text: readFileSync(join(dir, f), 'utf8') })));
}

/** The same as loadSiteConfig for texts already in memory (tests, the engineer UI). */
export function parseSiteConfig(sources: readonly { name: string; text: string }[]): SiteConfig {
  const problems: ConfigProblem[] = [];
  const parsed: ParsedFile[] = [];
  for (const { name, text } of sources) {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
    const file = basename(name);
    if (doc.errors.length > 0) {
      for (const e of doc.errors) problems.push({ file, path: '', line: e.linePos?.[0]?.line, message: e.message.split('\n')[0] ?? e.message });
      continue;
    }
    const data: unknown = doc.toJS();
    if (data === null || data === undefined) continue; // an empty file is allowed
    if (typeof data !== 'object' || Array.isArray(data)) {
      problems.push({ file, path: '', message: 'expected a mapping with regions, depots and/or rules' });
      continue;
    }
    parsed.push({ file, doc, lines, data: data as Record<string, unknown> });
  }

  const merged: Record<string, unknown> = {};
  const origins: Record<string, Origin[]> = {};
  let rulesFile: ParsedFile | undefined;
  let mapFile: ParsedFile | undefined;
  for (const pf of parsed) {
    for (const [key, value] of Object.entries(pf.data)) {
      if ((MERGED_LISTS as readonly string[]).includes(key)) {
        if (!Array.isArray(value)) {
          problems.push({ file: pf.file, path: key, line: lineOf(pf, [key]), message: 'expected a list' });
          continue;
        }
        const list = (merged[key] ??= []) as unknown[];
        const from = (origins[key] ??= []);
        value.forEach((v, index) => { list.push(v); from.push({ file: pf, index }); });
      } else if (key === 'rules') {
        if (rulesFile) {
          problems.push({ file: pf.file, path: 'rules', line: lineOf(pf, ['rules']), message: `rules are already defined in ${rulesFile.file}` });
          continue;
        }
        rulesFile = pf;
        merged.rules = value;
      } else if (key === 'map') {
        // the wall's area outline (schema.ts mapConfigSchema): one file says it
        if (mapFile) {
          problems.push({ file: pf.file, path: 'map', line: lineOf(pf, ['map']), message: `map is already defined in ${mapFile.file}` });
          continue;
        }
        mapFile = pf;
        merged.map = value;
      } else {
        problems.push({ file: pf.file, path: key, line: lineOf(pf, [key]), message: `unknown top-level key "${key}" (expected regions, units, depots, collectors, rules, map)` });
      }
    }
  }
  merged.rules ??= {};

  const result = siteConfigSchema.safeParse(merged);
  if (!result.success) {
    for (const issue of result.error.issues) {
      problems.push(locate(issue.path as PathSegment[], issue.message, origins, rulesFile, sources, mapFile));
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(result.data as SiteConfig);
}

/** Maps a path in the merged object back to the file and the path inside that file. */
function locate(
  path: PathSegment[], message: string, origins: Record<string, Origin[]>, rulesFile: ParsedFile | undefined,
  sources: readonly { name: string }[], mapFile?: ParsedFile,
): ConfigProblem {
  const [head, index, ...rest] = path;
  if (typeof head === 'string' && typeof index === 'number') {
    const origin = origins[head]?.[index];
    if (origin) {
      const inFile: PathSegment[] = [head, origin.index, ...rest];
      return { file: origin.file.file, path: formatPath(inFile), line: lineOf(origin.file, inFile), message };
    }
  }
  if (head === 'rules' && rulesFile) return { file: rulesFile.file, path: formatPath(path), line: lineOf(rulesFile, path), message };
  if (head === 'map' && mapFile) return { file: mapFile.file, path: formatPath(path), line: lineOf(mapFile, path), message };
  const file = sources.length === 1 && sources[0] ? basename(sources[0].name) : '(all files)';
  return { file, path: formatPath(path), message };
}

function lineOf(pf: ParsedFile, path: PathSegment[]): number | undefined {
  // Walk up until a node exists: a missing key is reported at its parent's line.
  for (let n = path.length; n >= 0; n--) {
    const node = pf.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return pf.lines.linePos(node.range[0]).line;
  }
  return undefined;
}

export function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
