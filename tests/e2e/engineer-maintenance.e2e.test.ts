import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteAlarmStore } from '../../server/src/adapters/sqlite/alarm-store.js';
import { openStateDb } from '../../server/src/adapters/sqlite/state-db.js';
import type { AuditInput } from '../../server/src/ports/alarm-store.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';
import { docShot, launchBrowser } from '../helpers/board.js';

/**
 * The engineer's Maintenance and Alarm-health tabs in Chromium, on the demo site with four simulated
 * depots and 14 days of alarm history written into the state database before the centre starts: an
 * engineer plans a weekly window that covers now for K101, and the wall shows K101 in maintenance;
 * the Health tab shows its KPI tiles and the ten most frequent alarms.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const WEB_DIR = join(ROOT, 'dist/web');
const H = 3_600_000;

/** 14 days of transitions: a noisy fence alarm, a chattering door, a humidity alarm standing for days, one shelved */
function history(now: number): AuditInput[] {
  const t = (at: number, alarm: string, event: string, to: string): AuditInput =>
    ({ at, actor: 'system', action: 'alarm.transition', target: alarm, depot: alarm.slice(0, 4), note: null, detail: { event, from: 'x', to, incident: null } });
  const out: AuditInput[] = [];
  for (let d = 13; d >= 0; d--) {
    const day = now - d * 24 * H;
    const fence = 6 + ((d * 7) % 11);
    for (let k = 0; k < fence; k++) out.push(t(day - 20 * H + k * 40 * 60_000, 'K103/fence-breach:P-F1', 'raised', 'unack'), t(day - 20 * H + k * 40 * 60_000 + 60_000, 'K103/fence-breach:P-F1', 'cleared', 'normal'));
    if (d % 3 === 0) for (let k = 0; k < 4; k++) out.push(t(day - 5 * H + k * 15_000, 'K102/door-open-after-hours:T1-D1', 'reraised', 'unack'));
    if (d === 9) for (let k = 0; k < 14; k++) out.push(t(day - 3 * H + k * 30_000, `K104/temperature-high:T${k % 3}`, 'raised', 'unack'));
    out.push(t(day - 9 * H, 'K101/camera-offline:CAM11', 'raised', 'unack'), t(day - 8 * H, 'K101/camera-offline:CAM11', 'cleared', 'normal'));
  }
  out.push(t(now - 4 * 24 * H, 'K102/humidity-high:T1-H1', 'raised', 'unack'), t(now - 3 * 24 * H, 'K102/humidity-high:T1-H1', 'acknowledged', 'acked'));
  out.push(t(now - 2 * 24 * H, 'K104/smoke:A-SM1', 'raised', 'unack'), t(now - 2 * 24 * H + H, 'K104/smoke:A-SM1', 'shelved', 'shelved'));
  return out.filter((a) => a.at < now).sort((a, b) => a.at - b.at);
}

let ts: TestSystem | undefined;
let browser: Browser | undefined;
let page: Page;
let dataDir = '';
let engineer = '';

beforeAll(async () => {
  mkdirSync(join(ROOT, 'test-results'), { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'dw-e2e-eng-'));
  const db = openStateDb(join(dataDir, 'depotwatch.db'));
  createSqliteAlarmStore(db).commit({ audit: history(Date.now()) });
  db.close();
  ts = await startTestSystem({ env: { WEB_DIR, DATA_DIR: dataDir, SIMULATE: '4', SIMULATE_SCALE: '0.1' }, tickMs: 100 });
  const admin = await ts.login();
  const made = await ts.api('/api/users', admin, { method: 'POST', body: JSON.stringify({ username: 'kythuat1', password: 'kythuat1-password-long', role: 'engineer', depots: null, mustChangePassword: false }) });
  expect(made.status).toBe(201);
  engineer = await ts.login('kythuat1', 'kythuat1-password-long');
  // two more windows, so the list shows both kinds
  const plan = (b: unknown) => ts!.api('/api/maintenance/recurring', engineer, { method: 'POST', body: JSON.stringify(b) });
  expect((await plan({ depot: 'K102', device: { type: 'sensor', id: 'T1-SM1' }, reason: 'Kiểm tra đầu báo khói định kỳ', recurrence: { kind: 'monthly', on: { day: 'last' }, start: '08:00', durationMin: 240 } })).status).toBe(201);
  expect((await plan({ depot: 'K103', reason: 'Bảo dưỡng máy phát', recurrence: { kind: 'monthly', on: { nth: 1, weekday: 1 }, start: '07:30', durationMin: 180 }, until: Date.now() + 180 * 24 * H })).status).toBe(201);
  browser = await launchBrowser();
  // the depots' zone: the board shows times as the people at the depots read them
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, timezoneId: 'Asia/Ho_Chi_Minh', locale: 'vi-VN' });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await ts?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** now in Vietnam: the weekday (0 = Sunday) and HH:MM a few minutes ago */
function vietnamNow(): { weekday: number; start: string } {
  const local = new Date(Date.now() + 7 * H - 5 * 60_000);
  return { weekday: local.getUTCDay(), start: `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}` };
}

describe('the engineer plans maintenance and reads alarm health', () => {
  it('an engineer creates a weekly window covering now for K101; it is listed as in maintenance', async () => {
    await page.goto(`${ts!.base}/#/engineer/maintenance`);
    await page.waitForSelector('[data-testid="login-username"]');
    await page.fill('[data-testid="login-username"]', 'kythuat1');
    await page.fill('[data-testid="login-password"]', 'kythuat1-password-long');
    await page.click('[data-testid="login-submit"]');
    await page.waitForSelector('[data-testid="engineer-maintenance"]');
    await page.waitForSelector('[data-testid="recurring-list"] tbody tr:nth-child(2)');

    const { weekday, start } = vietnamNow();
    await page.waitForSelector('[data-testid="recurring-depot"] option[value="K101"]', { state: 'attached' });
    await page.selectOption('[data-testid="recurring-depot"]', 'K101');
    await page.check('[data-testid="recurring-weekly"]');
    await page.check(`[data-testid="recurring-days"] input[value="${weekday}"]`);
    await page.fill('[data-testid="recurring-start"]', start);
    await page.fill('[data-testid="recurring-duration"]', '120');
    await page.fill('[data-testid="recurring-reason"]', 'Kiểm tra hệ thống báo cháy hằng tuần');
    await page.click('[data-testid="recurring-save"]');
    const row = page.locator('[data-testid="recurring-list"] tr', { hasText: 'K101' });
    await row.locator('.badge.on').waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('Đang bảo trì đến');
    // the occurrence runs as a maintenance window, marked recurring
    await page.locator('[data-testid="running-list"] tr', { hasText: 'K101' }).waitFor({ timeout: 10_000 });
    const windows = (await ts!.api<{ depot: string; recurringId?: number }[]>('/api/maintenance', engineer)).body;
    expect(windows.some((w) => w.depot === 'K101' && w.recurringId !== undefined)).toBe(true);
    await page.screenshot({ path: docShot('engineer-maintenance.png') });
  }, 60_000);

  it('the wall shows K101 in maintenance', async () => {
    await page.goto(`${ts!.base}/#/`);
    const tile = page.locator('[data-testid="depot-tile-K101"]');
    await tile.waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="depot-tile-K101"]')?.textContent?.includes('bảo trì'), null, { timeout: 15_000 });
    expect(await tile.getAttribute('data-readiness')).toBe('unknown');
  }, 30_000);

  it('the Health tab shows KPI tiles with their targets and the ten most frequent alarms', async () => {
    await page.goto(`${ts!.base}/#/engineer/health`);
    await page.waitForSelector('[data-testid="kpi-avgPer10Min"]', { timeout: 15_000 });
    expect(await page.locator('[data-testid="health-tiles"] article').count()).toBe(9);
    expect(await page.textContent('[data-testid="kpi-avgPer10Min"]')).toContain('Mục tiêu ≤ 1');
    expect(await page.textContent('[data-testid="kpi-chattering"]')).toMatch(/[1-9]/);
    const rows = page.locator('[data-testid="health-top"] tbody tr');
    expect(await rows.count()).toBeGreaterThan(3);
    expect(await rows.first().textContent()).toContain('K103');
    expect(await page.locator('[data-testid="health-tiles"] canvas').count()).toBe(9);
    await page.waitForTimeout(300);
    await page.screenshot({ path: docShot('engineer-health.png') });
    // the tablet and the 4K wall (the board scales with rem): the same page, looked at in test-results/
    for (const [width, height] of [[1280, 800], [3840, 2160]] as const) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(ROOT, 'test-results', `engineer-health-${width}x${height}.png`) });
      await page.goto(`${ts!.base}/#/engineer/maintenance`);
      await page.waitForSelector('[data-testid="recurring-list"] .badge.on');
      await page.screenshot({ path: join(ROOT, 'test-results', `engineer-maintenance-${width}x${height}.png`) });
      await page.goto(`${ts!.base}/#/engineer/health`);
      await page.waitForSelector('[data-testid="kpi-avgPer10Min"]');
    }
  }, 30_000);
});
