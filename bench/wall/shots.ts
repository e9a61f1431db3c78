import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureWall } from '../../tests/helpers/wall-checks.js';
import { injectFaults, openWall, ROOT, startWall } from '../../tests/helpers/wall-harness.js';

/**
 * Screenshots of the wall at several sizes of estate and screen, with the readability report of each
 * (cut texts, overlapping map labels). `npx tsx bench/wall/shots.ts --depots 13,200,500`
 */
const { values } = parseArgs({
  options: {
    depots: { type: 'string', default: '13,200,500' },
    sizes: { type: 'string', default: '1920x1080,3840x2160' },
    out: { type: 'string', default: join(ROOT, 'test-results/wall') },
    lang: { type: 'string', default: 'vi' },
    settle: { type: 'string', default: '12' },
    outline: { type: 'boolean', default: false },
  },
});
mkdirSync(values.out, { recursive: true });
for (const n of values.depots.split(',').map(Number)) {
  const h = await startWall(n, { outline: values.outline });
  try {
    const ids = h.ts.system.site.depots.map((d) => d.id);
    const first = await openWall(h, { width: 1920, height: 1080 });
    await new Promise((r) => setTimeout(r, 4000));
    const hit = await injectFaults(h.ts, ids);
    await new Promise((r) => setTimeout(r, Number(values.settle) * 1000));
    await first.close();
    for (const size of values.sizes.split(',')) {
      const [width, height] = size.split('x').map(Number) as [number, number];
      const page = await openWall(h, { width, height }, values.lang === 'en' ? 'en' : 'vi');
      await new Promise((r) => setTimeout(r, 3000));
      const file = join(values.out, `wall-${n}-${width}x${height}-${values.lang}.png`);
      await page.screenshot({ path: file });
      const report = await measureWall(page);
      console.log(JSON.stringify({ n, size, faults: hit.length, file, ...report, overflow: report.overflow.slice(0, 12), overflowCount: report.overflow.length, overlaps: report.overlaps.slice(0, 12), overlapCount: report.overlaps.length }, null, 1));
      await page.close();
    }
  } finally {
    await h.stop();
  }
}
