import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EchelonNodeView } from '../../server/src/contracts/echelons.js';
import { injectFaults, openWall, ROOT, startWall, type WallHarness } from '../helpers/wall-harness.js';
import { docShot } from '../helpers/board.js';

/**
 * Issue 8 part 5 in Chromium: 200 simulated depots in 3 military regions × 4 divisions. A guard scoped
 * to one division sees exactly that division's depots on the wall; the engineer's Echelons tab shows the
 * tree with its roll-ups; and the admin's wall of all 200 still accounts for every depot at 1080p.
 */
const OUT = join(ROOT, 'test-results');
let h: WallHarness;
const UNIT = 'QK2-F3';

async function signIn(token: string, hash: string, viewport = { width: 1920, height: 1080 }): Promise<Page> {
  const page = await h.browser.newPage({ viewport });
  await page.addInitScript('globalThis.__name ??= (f) => f');
  await page.addInitScript((t) => {
    if (!sessionStorage.getItem('seeded')) { localStorage.setItem('depotwatch.token', t); localStorage.setItem('depotwatch.lang', 'vi'); sessionStorage.setItem('seeded', '1'); }
  }, token);
  await page.goto(`${h.ts.base}/${hash}`);
  return page;
}

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  h = await startWall(200, { units: 4, regions: 3, scale: 2 });
  await injectFaults(h.ts, h.ts.system.site.depots.map((d) => d.id));
  await h.ts.system.auth.createUser({ username: 'guard-f3', password: 'guard-f3-long-password', role: 'guard', depots: [UNIT] });
  await h.ts.system.auth.createUser({ username: 'eng', password: 'engineer-long-password', role: 'engineer', depots: null });
});
afterAll(async () => { await h?.stop(); });

describe('echelons on the board', () => {
  it('a guard scoped to a unit sees exactly that unit’s depots on the wall', { timeout: 120_000 }, async () => {
    const mine = h.ts.system.site.depots.filter((d) => d.unit === UNIT).map((d) => d.id).sort();
    expect(mine.length).toBeGreaterThan(5);
    const page = await signIn(await h.ts.login('guard-f3', 'guard-f3-long-password'), '#/');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="depot-tile-"]').length === n, mine.length, { timeout: 45_000 });
    const shown = await page.$$eval('[data-testid^="depot-tile-"]', (els) => els.map((e) => (e.getAttribute('data-testid') ?? '').replace('depot-tile-', '')).sort());
    expect(shown).toEqual(mine);
    // the tile's place line names the region and the division, where there is room
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid^="depot-tile-"] .region')].some((e) => e.textContent?.includes('Sư đoàn 3')), undefined, { timeout: 15_000 });
    await page.screenshot({ path: join(OUT, 'echelons-guard-wall.png') });
    await page.close();
  });

  it('the engineer’s Echelons tab shows the tree with every level rolled up', { timeout: 120_000 }, async () => {
    const token = await h.ts.login('eng', 'engineer-long-password');
    const page = await signIn(token, '#/engineer/units');
    await page.waitForSelector('[data-testid="units-tree"]', { timeout: 30_000 });
    const rows = await page.$$eval('[data-testid="units-tree"] tr[data-node]', (els) => els.map((e) => e.getAttribute('data-node')));
    expect(rows).toEqual(['QK1', 'QK1-F1', 'QK1-F2', 'QK1-F3', 'QK1-F4', 'QK2', 'QK2-F1', 'QK2-F2', 'QK2-F3', 'QK2-F4', 'QK3', 'QK3-F1', 'QK3-F2', 'QK3-F3', 'QK3-F4']);
    // each region's count is what the API's roll-up says, and those sum to 200
    const api = (await h.ts.api<EchelonNodeView[]>('/api/echelons', token)).body;
    const total = (n: EchelonNodeView) => n.counts.ready + n.counts.degraded + n.counts.not_ready + n.counts.unknown;
    expect(api.reduce((s, r) => s + total(r), 0)).toBe(200);
    const qk1 = (await page.textContent('[data-testid="units-count-QK1"]'))?.trim() ?? '';
    expect(qk1.startsWith(String(total(api[0]!)))).toBe(true);
    // select a division: the edit panel offers rename, move and add beneath it
    await page.click('[data-testid="units-node-QK1-F2"]');
    await page.waitForSelector('[data-testid="units-new-id"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="depot-tile-"], [data-testid="units-tree"] [data-readiness], [data-testid="units-tree"] [data-level]').length > 30, undefined, { timeout: 30_000 });
    await page.screenshot({ path: docShot('engineer-units.png') });

    // add a unit beneath it through the tab: a new configuration version, and the tree shows it
    await page.fill('[data-testid="units-new-id"]', 'QK1-F2-E1');
    await page.fill('[data-testid="units-new-name"]', 'Trung đoàn 1');
    await page.click('[data-testid="units-add"]');
    await page.waitForSelector('[data-testid="units-node-QK1-F2-E1"]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid="units-message"]')).toContain('Đã lưu phiên bản cấu hình');
    const cfg = (await h.ts.api<{ n: number; comment: string; config: { units: { id: string; parent: string }[] } }>('/api/config', token)).body;
    expect(cfg.config.units.find((u) => u.id === 'QK1-F2-E1')?.parent).toBe('QK1-F2');
    expect(cfg.comment).toBe('Thêm đơn vị QK1-F2-E1 dưới QK1-F2');
    await page.close();

    // a tablet and a 4K screen: the tree and the edit panel stay inside the page's width
    for (const viewport of [{ width: 1280, height: 800 }, { width: 3840, height: 2160 }]) {
      const p = await signIn(token, '#/engineer/units', viewport);
      await p.waitForSelector('[data-testid="units-tree"]', { timeout: 30_000 });
      await p.click('[data-testid="units-node-QK2"]');
      await p.screenshot({ path: join(OUT, `engineer-units-${viewport.width}x${viewport.height}.png`) });
      expect(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
      await p.close();
    }
    // a portrait tablet, one column: a unit picked at the tree's end is edited in view, not below the tree
    const portrait = { width: 800, height: 1280 };
    const p = await signIn(token, '#/engineer/units', portrait);
    await p.waitForSelector('[data-testid="units-tree"]', { timeout: 30_000 });
    await p.locator('[data-testid="units-node-QK3-F4"]').scrollIntoViewIfNeeded();
    await p.click('[data-testid="units-node-QK3-F4"]');
    await p.waitForSelector('[data-testid="units-new-id"]');
    const box = await p.locator('[data-testid="units-new-id"]').boundingBox();
    expect(box && box.y >= 0 && box.y + box.height <= portrait.height, JSON.stringify(box)).toBe(true);
    await p.screenshot({ path: join(OUT, 'engineer-units-800x1280.png') });
    await p.close();
  });

  it('the admin’s wall of 200 depots in 3 regions × 4 units accounts for every depot at 1080p', { timeout: 120_000 }, async () => {
    const page = await openWall(h, { width: 1920, height: 1080 });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="depot-tile-"]').length > 10, undefined, { timeout: 45_000 });
    await new Promise((r) => setTimeout(r, 1500));
    await page.screenshot({ path: join(OUT, 'wall-200-units-1080p.png') });
    const counted = await page.evaluate(() => ({
      tiles: document.querySelectorAll('[data-testid^="depot-tile-"]').length,
      folded: [...document.querySelectorAll('[data-testid="region-fold"]')].reduce((s, e) => s + Number(e.getAttribute('data-collapsed') ?? 0), 0),
      more: document.querySelectorAll('[data-testid="more-depots"]').length,
      units: [...document.querySelectorAll('[data-testid^="depot-tile-"] .region')].filter((e) => e.textContent?.includes('Sư đoàn')).length,
    }));
    // every depot is a tile, a chip or counted in its region's fold (unless a storm fills the last cell)
    if (counted.more === 0) expect(counted.tiles + counted.folded).toBe(200);
    expect(counted.units).toBeGreaterThan(0);
    await page.close();
  });
});
