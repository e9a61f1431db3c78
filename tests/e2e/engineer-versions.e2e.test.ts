import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigChangeResult, RunningConfigView } from '../../server/src/contracts/config.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';
import { docShot, launchBrowser, submitSignIn } from '../helpers/board.js';

/**
 * The engineer's versions and equipment tabs in Chromium against the whole running system (embedded broker,
 * simulator, stores): the register is imported from CSV and a depot renamed over the API; the engineer sees
 * the rename as the newest version with its diff, rolls back to the version before it, and the depot view
 * shows the old name again, with the devices' identification codes; then finds a device by its code.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const WEB_DIR = join(ROOT, 'dist/web');
const OUT = join(ROOT, 'test-results');
const ENGINEER = { username: 'kysu', password: 'kỹ sư trực ca đêm 2026' };
const RENAMED = 'Kho đạn K101 (đổi tên thử)';
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

let ts: TestSystem | undefined;
let browser: Browser | undefined;
let page: Page;
let admin = '';
let registered = 0;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  ts = await startTestSystem({ env: { WEB_DIR, SIMULATE: '4', SIMULATE_SCALE: '0.2' }, tickMs: 100 });
  admin = await ts.login();
  const r = await ts.api('/api/users', admin, { method: 'POST', body: JSON.stringify({ ...ENGINEER, role: 'engineer', depots: null, mustChangePassword: false }) });
  expect(r.status).toBe(201);
  // the register of K101's store A, as a spreadsheet would bring it: one calibration overdue, one due soon
  const csv = [
    'depot,type,id,code,model,serial,commissioned,calibrated,calibration_interval_days,calibration_due',
    `K101,sensor,A-T1,VN-K101-A-T1,Vaisala HMP60,V2231045,2024-03-12,${day(-380)},365,`,
    `K101,sensor,A-H1,VN-K101-A-H1,Vaisala HMP60,V2231046,2024-03-12,,,${day(12)}`,
    `K101,sensor,A-SM1,VN-K101-A-SM1,Hochiki SOC-24VN,H-88120,2024-03-12,${day(-100)},365,`,
    'K101,camera,CAM03,VN-K101-CAM03,Hikvision DS-2CD2143,HK-5530,2024-04-02,,,',
    `K101,collector,K101,VN-K101-EDGE,DepotWatch edge box,EB-0101,2024-03-10,,,`,
  ].join('\n');
  const imp = await fetch(`${ts.base}/api/config/equipment?comment=${encodeURIComponent('Dán mã định danh kho A')}`, { method: 'POST', body: csv, headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' } });
  expect(imp.status).toBe(200);
  registered = ((await imp.json()) as ConfigChangeResult).version.n;
  // the engineer's change, over the API: K101 renamed
  const running = (await ts.api<RunningConfigView>('/api/config', admin)).body;
  const next = structuredClone(running.config) as { depots: { id: string; name: string }[] };
  next.depots.find((d) => d.id === 'K101')!.name = RENAMED;
  const put = await ts.api<ConfigChangeResult>('/api/config', admin, { method: 'PUT', body: JSON.stringify({ config: next, baseVersion: running.n, comment: 'Đổi tên kho K101' }) });
  expect(put.status).toBe(200);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
});

afterAll(async () => {
  await browser?.close();
  await ts?.stop();
});

describe('the engineer\'s versions and equipment register', () => {
  it('sees the change as the newest version with its diff, rolls back, and the board shows the old name', async () => {
    await submitSignIn(page, ts!.base, ENGINEER);
    await page.waitForSelector('[data-testid="engineer-view"]', { timeout: 15_000 });
    await page.goto(`${ts!.base}/#/engineer/versions`);
    const renamed = registered + 1;
    await page.waitForSelector(`[data-testid="version-${renamed}"]`, { timeout: 15_000 });
    expect(await page.textContent(`[data-testid="version-summary-${renamed}"]`)).toBe(`kho K101 · tên Kho đạn K101 → ${RENAMED}`);
    expect(await page.textContent(`[data-testid="version-${renamed}"]`)).toContain('Đổi tên kho K101');
    expect(await page.textContent('[data-testid="version-1"]')).toContain('Nạp từ tệp');
    // the newest is selected: its diff to the version before it
    await page.waitForSelector('[data-testid="version-diff"]');
    expect(await page.locator('[data-testid="diff-line"]').allTextContents()).toEqual([`~kho K101 · tên Kho đạn K101 → ${RENAMED}`]);
    await page.click(`[data-testid="version-${registered}"]`);
    await page.waitForFunction((n) => document.querySelector('[data-testid="version-diff"] h3')?.textContent?.includes(`Phiên bản ${n} so`), registered);
    expect(await page.locator('[data-testid="diff-line"]').count()).toBeGreaterThanOrEqual(20); // 5 devices' register fields
    expect(await page.locator('[data-testid="diff-line"]').allTextContents()).toContain('+cảm biến A-T1 · mã định danh đặt VN-K101-A-T1');
    await page.screenshot({ path: docShot('engineer-versions.png') });

    await page.click('[data-testid="version-rollback"]');
    await page.waitForSelector('[data-testid="rollback-confirm"]');
    await page.fill('[data-testid="rollback-comment"]', 'Tên cũ đúng theo quyết định');
    const clicked = Date.now();
    await page.click('[data-testid="rollback-do"]');
    await page.waitForSelector('[data-testid="versions-notice"]', { timeout: 10_000 });
    expect(await page.textContent('[data-testid="versions-notice"]')).toBe(`Đã khôi phục phiên bản ${registered} thành phiên bản ${renamed + 1}`);
    await page.waitForSelector(`[data-testid="version-${renamed + 1}"]`);
    expect(await page.textContent(`[data-testid="version-${renamed + 1}"]`)).toContain(`Khôi phục bản ${registered}`);
    expect(await page.textContent(`[data-testid="version-${renamed + 1}"]`)).toContain('Tên cũ đúng theo quyết định');

    await page.goto(`${ts!.base}/#/depot/K101`);
    await page.waitForFunction(() => { const h = document.querySelector('h1')?.textContent ?? ''; return h.includes('Kho đạn K101') && !h.includes('đổi tên thử'); }, null, { timeout: 15_000 });
    expect(await page.textContent('h1')).toBe('K101 Kho đạn K101');
    console.log(`rollback to the old name on the depot view ${Date.now() - clicked} ms after the click`);
    await page.waitForSelector('[data-testid="sensor-A-T1"] [data-testid="equipment-code"]', { timeout: 10_000 });
    expect(await page.textContent('[data-testid="sensor-A-T1"] [data-testid="equipment-code"]')).toBe('VN-K101-A-T1');
    expect(await page.textContent('[data-testid="camera-CAM03"] [data-testid="equipment-code"]')).toBe('VN-K101-CAM03');
    await page.screenshot({ path: join(OUT, 'engineer-depot-codes.png') });
  });

  it('finds a device by its code in the equipment register, with the calibration warning and its count', async () => {
    await page.goto(`${ts!.base}/#/engineer/equipment`);
    await page.waitForSelector('[data-testid="calibration-warning"]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid="calibration-warning"]')).toContain('1 thiết bị quá hạn hiệu chuẩn, 1 thiết bị đến hạn trong 30 ngày');
    expect(await page.textContent('[data-testid="calibration-count"]')).toContain('2');
    await page.fill('[data-testid="equipment-search"]', 'vn-k101-a-');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="equipment-row"]').length === 3, null, { timeout: 10_000 });
    expect(await page.locator('[data-testid="equipment-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code'))))
      .toEqual(['VN-K101-A-H1', 'VN-K101-A-T1', 'VN-K101-A-SM1']);
    await page.screenshot({ path: docShot('engineer-equipment.png') });
    await page.fill('[data-testid="equipment-search"]', 'VN-K101-A-T1');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="equipment-row"]').length === 1, null, { timeout: 10_000 });
    const row = (await page.textContent('[data-testid="equipment-row"]')) ?? '';
    expect(row).toContain('A-T1');
    expect(row).toContain('Kho đạn K101');
    expect(row).toContain('V2231045');
    expect(row).toMatch(/Quá hạn \d+ ngày/);
  });

  it('reads at 4K and on a tablet', async () => {
    for (const tab of ['versions', 'equipment'] as const) {
      for (const [name, viewport] of [['4k', { width: 3840, height: 2160 }], ['tablet', { width: 1280, height: 800 }]] as const) {
        await page.setViewportSize(viewport);
        await page.goto(`${ts!.base}/#/engineer/${tab}`);
        await page.waitForSelector(`[data-testid="${tab === 'versions' ? 'versions-table' : 'equipment-table'}"]`, { timeout: 10_000 });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        await page.screenshot({ path: join(OUT, `engineer-${tab}-${name}.png`) });
      }
    }
  });

  it('says so, in Vietnamese, when the desk\'s own chunk cannot be fetched, and loads it after a reload', async () => {
    // the desk is code-split from the wall and the guard console; a broken link must not leave a blank page
    const fresh = await browser!.newPage({ viewport: { width: 1920, height: 1080 } });
    await fresh.route('**/assets/EngineerView-*.js', (route) => route.abort('connectionfailed'));
    await submitSignIn(fresh, ts!.base, ENGINEER);
    await fresh.waitForSelector('[data-route]', { timeout: 10_000 });
    await fresh.goto(`${ts!.base}/#/engineer/versions`);
    const notice = await fresh.waitForSelector('[data-testid="view-load-failed"]', { timeout: 10_000 });
    expect(await notice.textContent()).toContain('Không tải được trang này');
    await fresh.unroute('**/assets/EngineerView-*.js');
    await fresh.click('[data-testid="view-load-failed"] button');
    await fresh.waitForSelector('[data-testid="versions-table"]', { timeout: 10_000 });
    await fresh.close();
  });
});
