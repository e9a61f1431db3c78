import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and names where the time went: self time per function and
 * per place (a project file, an npm package, Node's internals, GC). Only samples inside a time window
 * count, so start-up (tsx compiling the sources, argon2 hashing the admin password) does not drown the
 * steady state being measured.
 */
interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame }
interface CpuProfileFile { nodes: ProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[] }

export interface ProfileEntry { name: string; where: string; selfMs: number; share: number }
export interface ProfileSummary {
  /** busy samples in the window (idle excluded), ms */
  busyMs: number;
  windowMs: number;
  /** false when no sample fell in the window and the whole profile was used */
  windowed: boolean;
  functions: ProfileEntry[];
  places: ProfileEntry[];
}

/** `fromUs`/`toUs`: CLOCK_MONOTONIC microseconds (process.hrtime), the clock V8 stamps samples with */
export function summariseProfile(path: string, fromUs: number, toUs: number, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfileFile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const collect = (windowed: boolean) => {
    const self = new Map<number, number>();
    let t = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      t += profile.timeDeltas[i] ?? 0;
      // a sample's cost is the time until the next one
      const dt = profile.timeDeltas[i + 1] ?? 0;
      if (windowed && (t < fromUs || t > toUs)) continue;
      const id = profile.samples[i] ?? -1;
      self.set(id, (self.get(id) ?? 0) + dt);
    }
    return self;
  };
  let windowed = true;
  let self = collect(true);
  if (self.size === 0) { windowed = false; self = collect(false); }

  const functions = new Map<string, { name: string; where: string; us: number }>();
  const places = new Map<string, number>();
  let busyUs = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id);
    if (!frame || frame.functionName === '(idle)') continue;
    busyUs += us;
    const where = placeOf(frame);
    const key = `${frame.functionName}|${frame.url}|${frame.lineNumber}`;
    const f = functions.get(key) ?? { name: frame.functionName || '(anonymous)', where: withLine(where, frame), us: 0 };
    f.us += us;
    functions.set(key, f);
    places.set(where, (places.get(where) ?? 0) + us);
  }
  const share = (us: number) => (busyUs > 0 ? us / busyUs : 0);
  return {
    busyMs: busyUs / 1000,
    windowMs: (toUs - fromUs) / 1000,
    windowed,
    functions: [...functions.values()].sort((a, b) => b.us - a.us).slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfMs: f.us / 1000, share: share(f.us) })),
    places: [...places.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
      .map(([where, us]) => ({ name: where, where, selfMs: us / 1000, share: share(us) })),
  };
}

/**
 * Line numbers of npm packages' plain JS are real; those of the project's .ts files are positions in
 * tsx's transpiled output, which says nothing useful, so they are left out.
 */
function withLine(where: string, frame: CallFrame): string {
  return frame.url && !frame.url.endsWith('.ts') ? `${where}:${frame.lineNumber + 1}` : where;
}

/** a short, stable name for where a frame's code lives */
function placeOf(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:')) return 'node:internal';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg?.[1]) return `npm:${pkg[1]}`;
  return relative(process.cwd(), path);
}
