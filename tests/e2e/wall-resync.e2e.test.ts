import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureWall } from '../helpers/wall-checks.js';
import { openWall, ROOT, startWall, type WallHarness } from '../helpers/wall-harness.js';

/**
 * The demo's 13 depots on a 1080p wall, and a wall that never lies: nothing cut, a lost live message
 * shows "reloading" until a fresh snapshot is in, and a session that ends takes the whole screen.
 * The gap is made for real: Playwright sits on the board's WebSocket and drops one batch frame.
 */
const OUT = join(ROOT, 'test-results');
let h: WallHarness;
let page: Page;
/** when set, the next live batch from the server is dropped and the resync's answer held back this long */
const net = { dropNext: false, holdAckMs: 0, dropped: 0 };

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  h = await startWall(13, { scale: 0.1, tickMs: 100 });
  await h.ts.mqtt.publishAsync('depotwatch-sim/scenario', JSON.stringify({ scenario: 'fire', depot: 'K101', zone: 'A' }), { qos: 1 });
});
afterAll(async () => { await h?.stop(); });

async function openRouted(): Promise<Page> {
  const p = await h.browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await p.routeWebSocket(/\/socket\.io\//, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => server.send(m));
    server.onMessage((m) => {
      const text = typeof m === 'string' ? m : m.toString();
      if (net.dropNext && text.startsWith('42["live:batch"')) { net.dropNext = false; net.dropped++; return; }
      // engine.io "4" message + socket.io "3" ack: the answer to live:resync
      if (net.holdAckMs > 0 && text.startsWith('43')) { const wait = net.holdAckMs; net.holdAckMs = 0; setTimeout(() => ws.send(m), wait); return; }
      ws.send(m);
    });
  });
  return p;
}

describe('the 13-depot wall', () => {
  it('cuts no text and overlaps no map label at 1080p', async () => {
    page = await openRouted();
    await openWall(h, { width: 1920, height: 1080 }, 'vi', page);
    await page.waitForSelector('[data-testid="depot-tile-K101"][data-readiness="not_ready"]', { timeout: 20_000 });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="depot-tile-"][data-readiness="unknown"]').length === 0, null, { timeout: 20_000 });
    const r = await measureWall(page);
    await page.screenshot({ path: join(OUT, 'wall-13-1080p.png') });
    expect(r.mode).toBe('full');
    expect(r.tiles).toBe(13);
    expect(r.overflow).toEqual([]);
    expect(r.overlaps).toEqual([]);
    expect(r.outside).toEqual([]);
  });

  it('shows "reloading" after a lost batch, with stale tiles, until a fresh snapshot replaces everything', async () => {
    expect(await page.locator('[data-testid="reloading-banner"]').count()).toBe(0);
    net.holdAckMs = 2_000;
    net.dropNext = true;
    const banner = page.locator('[data-testid="reloading-banner"]');
    await banner.waitFor({ timeout: 15_000 });
    expect(net.dropped).toBe(1);
    expect(await banner.innerText()).toContain('ĐANG TẢI LẠI');
    expect(await page.locator('[data-testid="depot-tile-K101"]').getAttribute('class')).toContain('stale');
    await page.screenshot({ path: join(OUT, 'wall-reloading.png') });
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
    expect(await page.locator('[data-testid="depot-tile-K101"]').getAttribute('class')).not.toContain('stale');
    expect(await page.locator('[data-testid="depot-tile-K101"]').getAttribute('data-readiness')).toBe('not_ready');
  });

  it('takes the whole screen when the session ends, never an empty board', async () => {
    const token = await page.evaluate(() => localStorage.getItem('depotwatch.token'));
    const res = await fetch(`${h.ts.base}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBeLessThan(300);
    const notice = page.locator('[data-testid="session-ended"]');
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.innerText()).toContain('PHIÊN ĐĂNG NHẬP ĐÃ KẾT THÚC');
    expect(await page.locator('[data-testid="wall-view"]').count()).toBe(0);
    const box = await notice.boundingBox();
    expect(box?.width).toBe(1920);
    expect(box?.height).toBeGreaterThanOrEqual(1080);
    await page.screenshot({ path: join(OUT, 'wall-session-ended.png') });
    await page.click('[data-testid="session-ended-login"]');
    await page.waitForSelector('[data-testid="login-username"]');
  });

  it('shows the same notice when a reload finds the token refused (401)', async () => {
    const p = await h.browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await p.addInitScript(() => { localStorage.setItem('depotwatch.token', 'revoked-token'); });
    await p.goto(`${h.ts.base}/#/`);
    await p.locator('[data-testid="session-ended"]').waitFor({ timeout: 15_000 });
    await p.close();
  });
});
