import { createHash } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';

/**
 * The snapshots' JPEG files: DATA_DIR/snapshots/{depot}/{camera}/{ts}-{sha256 prefix}.jpg. Each is written to a
 * temporary name, fsynced, renamed into place and its directory fsynced: a picture the broker was told is safe
 * (its PUBACK follows this) survives a power cut, and a half-written file never has a real name.
 */
export function createSnapshotFiles(dataDir: string) {
  const root = resolve(dataDir, 'snapshots');
  /** a stored relative path back to an absolute one, never outside the snapshots directory */
  const absolute = (rel: string): string => {
    const p = resolve(root, rel);
    if (!p.startsWith(root + sep)) throw new Error(`snapshot path outside ${root}: ${rel}`);
    return p;
  };
  async function fsyncDir(dir: string): Promise<void> {
    const h = await open(dir, 'r');
    try { await h.sync(); } finally { await h.close(); }
  }
  return {
    root,
    absolute,
    /** writes the picture durably; returns its path relative to the snapshots directory and its SHA-256 */
    async write(depot: string, camera: string, ts: number, jpeg: Buffer): Promise<{ path: string; sha256: string }> {
      const sha256 = createHash('sha256').update(jpeg).digest('hex');
      const dir = join(root, depot, camera);
      await mkdir(dir, { recursive: true });
      const final = join(dir, `${ts}-${sha256.slice(0, 12)}.jpg`);
      const tmp = `${final}.${process.pid}.tmp`;
      const h = await open(tmp, 'w', 0o640);
      try {
        await h.writeFile(jpeg);
        await h.sync();
      } finally {
        await h.close();
      }
      await rename(tmp, final);
      await fsyncDir(dir);
      return { path: relative(root, final), sha256 };
    },
    async remove(rel: string): Promise<void> {
      await unlink(absolute(rel)).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
    },
  };
}
export type SnapshotFiles = ReturnType<typeof createSnapshotFiles>;
