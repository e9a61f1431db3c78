import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/system.js';
import { launchBrowser, submitSignIn } from '../helpers/board.js';

/**
 * The demo's first start in Chromium: the admin signs in with the generated password, is asked (in
 * Vietnamese) to choose their own, a weak one is refused with the reason, and then lands on the wall.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const WEB_DIR = join(ROOT, 'dist/web');

let ts: TestSystem | undefined;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  ts = await startTestSystem({ env: { WEB_DIR, SIMULATE: '0', ADMIN_PASSWORD: '' }, tickMs: 100 });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});

afterAll(async () => {
  await browser?.close();
  await ts?.stop();
});

describe('first login with the generated admin password', () => {
  it('asks for a new password, refuses a weak one, then shows the wall', async () => {
    const generated = ts!.system.generatedAdminPassword as string;
    await submitSignIn(page, ts!.base, { username: 'admin', password: generated });
    await page.waitForSelector('[data-testid="password-form"]');
    expect(await page.textContent('h1')).toBe('Đổi mật khẩu');
    // the password just typed is already in the "current" field
    expect(await page.inputValue('[data-testid="password-current"]')).toBe(generated);

    await page.fill('[data-testid="password-new"]', 'PasswordPassword');
    await page.fill('[data-testid="password-confirm"]', 'PasswordPassword');
    await page.click('[data-testid="password-submit"]');
    await page.waitForSelector('[data-testid="password-error"]');
    expect(await page.textContent('[data-testid="password-error"]')).toContain('phổ biến');

    await page.fill('[data-testid="password-new"]', 'kho đạn K101 trực đêm');
    await page.fill('[data-testid="password-confirm"]', 'kho đạn K101 trực đêm');
    await page.click('[data-testid="password-submit"]');
    await page.waitForSelector('[data-testid="map"] svg', { timeout: 15_000 });
    expect(await page.getAttribute('html', 'data-route')).toBe('wall');
    // the tiles follow the live snapshot, which may land just after the map is drawn
    await page.waitForSelector('[data-testid^="depot-tile-"]', { timeout: 15_000 });
    expect(await page.locator('[data-testid^="depot-tile-"]').count()).toBeGreaterThan(0);
  });
});
