import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSiteConfig } from '../../config/loader.js';
import { ADMIN_PASSWORD, startTestSystem, type TestSystem } from '../helpers/system.js';
import { launchBrowser } from '../helpers/board.js';

/**
 * The board end to end: the real server (embedded broker, stores, simulator) in this process on
 * ephemeral ports, the built board from dist/web, and Debian's Chromium. It logs in, sees every
 * depot, injects a fire with the simulator and watches the tile turn, checks that the page never
 * talks to another host (the command network is air-gapped), and that losing the server is loud.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const WEB_DIR = join(ROOT, 'dist/web');
const OUT = join(ROOT, 'test-results');
const SIMULATED = 4; // K101…K104 report; the others stay "unknown", which the board must show too
const depotIds = loadSiteConfig(join(ROOT, 'config')).depots.map((d) => d.id);

let ts: TestSystem | undefined;
let browser: Browser | undefined;
let page: Page;
let host = '';
const requests: string[] = [];

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  ts = await startTestSystem({ env: { WEB_DIR, SIMULATE: String(SIMULATED), SIMULATE_SCALE: '0.1' }, tickMs: 100 });
  host = new URL(ts.base).host;
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  page.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (w) => requests.push(w.url()));
});

afterAll(async () => {
  await browser?.close();
  await ts?.stop();
});

const tile = (id: string) => page.locator(`[data-testid="depot-tile-${id}"]`);

describe('the wall display', () => {
  it('logs in (Vietnamese first) and shows a tile for every configured depot', async () => {
    // the wall itself: an administrator would otherwise land on the user list
    await page.goto(`${ts!.base}/#/`);
    await page.waitForSelector('[data-testid="login-username"]');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await page.fill('[data-testid="login-username"]', 'admin');
    await page.fill('[data-testid="login-password"]', 'wrong-password');
    await page.click('[data-testid="login-submit"]');
    await page.waitForSelector('[data-testid="login-error"]');
    expect(await page.textContent('[data-testid="login-error"]')).toContain('không đúng');

    await page.fill('[data-testid="login-password"]', ADMIN_PASSWORD);
    await page.click('[data-testid="login-submit"]');
    await page.waitForSelector('[data-testid="map"] svg');
    for (const id of depotIds) await tile(id).waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid^="depot-tile-"]').count()).toBe(depotIds.length);
    expect(await page.locator('[data-testid^="map-marker-"]').count()).toBe(depotIds.length);
    // a depot that never reported is "unknown", not "ready"
    expect(await tile(depotIds[depotIds.length - 1]!).getAttribute('data-readiness')).toBe('unknown');
    await page.waitForFunction(() => document.querySelector('[data-testid="depot-tile-K101"]')?.getAttribute('data-readiness') !== 'unknown', null, { timeout: 15_000 });
    await page.screenshot({ path: join(OUT, 'board-wall-before.png') });
  });

  it('turns a tile not ready within seconds of a fire injected by the simulator', async () => {
    const started = Date.now();
    await ts!.mqtt.publishAsync('depotwatch-sim/scenario', JSON.stringify({ scenario: 'fire', depot: 'K101', zone: 'A' }), { qos: 1 });
    await page.waitForSelector('[data-testid="depot-tile-K101"][data-readiness="not_ready"]', { timeout: 15_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    // worst first: the burning depot is the first tile, its marker says so too, with the word and not only the colour
    expect(await page.locator('[data-testid^="depot-tile-"]').first().getAttribute('data-testid')).toBe('depot-tile-K101');
    expect(await page.locator('[data-testid="map-marker-K101"]').getAttribute('data-readiness')).toBe('not_ready');
    expect(await tile('K101').innerText()).toMatch(/KHÔNG SẴN SÀNG/i);
    expect(await tile('K101').innerText()).toContain('khói');
    await page.screenshot({ path: join(OUT, 'board-wall-after.png') });
  });

  it('switches language and keeps the choice', async () => {
    await page.click('[data-testid="lang-switch"]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await tile('K101').innerText()).toMatch(/not ready/i);
    expect(await tile('K101').innerText()).toContain('smoke detected');
    await page.reload();
    await tile('K101').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.click('[data-testid="lang-switch"]');
  });

  it('opens the depot view with zones, live values and a history chart', async () => {
    await tile('K101').click();
    await page.waitForSelector('[data-testid="depot-view"][data-depot="K101"]');
    expect(page.url()).toContain('#/depot/K101');
    await page.waitForSelector('[data-testid="sensor-A-SM1"][data-status="alarm"]');
    await page.waitForSelector('[data-testid="history-chart"][data-sensor="A-T1"]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="history-chart"]')?.getAttribute('data-points')) > 0, null, { timeout: 10_000 });
    await page.click('[data-testid="range-6h"]');
    await page.click('[data-testid="sensor-A-H1"]');
    await page.waitForSelector('[data-testid="history-chart"][data-sensor="A-H1"][data-state="ready"]', { timeout: 10_000 });
    await page.screenshot({ path: join(OUT, 'board-depot.png') });
    await page.click('a[href="#/"]');
    await page.waitForSelector('[data-testid="wall-view"]');
  });

  it('asked nothing of any host but its own server', () => {
    const foreign = requests.filter((u) => !u.startsWith('data:') && new URL(u).host !== host);
    expect(requests.length).toBeGreaterThan(5);
    expect(foreign).toEqual([]);
  });

  it('shows a loud banner and stale tiles when the server goes away', async () => {
    expect(await page.locator('[data-testid="connection-banner"]').count()).toBe(0);
    const system = ts!;
    ts = undefined;
    await system.stop();
    await page.waitForSelector('[data-testid="connection-banner"]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid="connection-banner"]')).toContain('MẤT KẾT NỐI VỚI MÁY CHỦ');
    expect(await tile('K101').getAttribute('class')).toContain('stale');
    await page.waitForTimeout(1_000); // let the banner's "since" tick once
    await page.screenshot({ path: join(OUT, 'board-connection-lost.png') });
  });
});
