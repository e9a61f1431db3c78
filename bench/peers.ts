import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The reference peers' scripts (../shared/bench), run from the project root as their README asks. */
export interface Peers {
  dir: string;
  script(name: 'load.mjs' | 'bare-collector.mjs' | 'nodered-flows.mjs' | 'install-nodered.sh'): string;
}

export function findPeers(dir: string): Peers {
  const abs = resolve(dir);
  for (const f of ['load.mjs', 'bare-collector.mjs', 'common.mjs']) {
    if (!existsSync(join(abs, f))) throw new Error(`reference peers not found: ${join(abs, f)} is missing (give their directory with --peers DIR)`);
  }
  return { dir: abs, script: (name) => join(abs, name) };
}
