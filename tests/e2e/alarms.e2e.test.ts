import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentView, UserView } from '../../server/src/contracts/alarms.js';
import { startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { launchBrowser, submitSignIn } from '../helpers/board.js';

/**
 * Alarms end to end, as the people who handle them see it: the real server in this process (no
 * simulator, so nothing moves but what the test publishes), the built board, Debian's Chromium with
 * four screens side by side — the command centre's wall (a display account, 1080p), the K101 guard's
 * tablet (1024×768), the K102 guard's tablet, and the duty officer's desk. A smoke detector trips
 * at K101: the wall shows it, brings K101 forward and sounds its horn; the wall silences its own
 * horn and a second detector re-arms it; the K101 guard acknowledges with one tap and a note; the
 * wall stops; the timeline has the guard's words. The K102 guard never sees any of it.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const WEB_DIR = join(ROOT, 'dist/web');
const OUT = join(ROOT, 'test-results');
const NOTE = 'Kiểm tra cùng đồng chí Hùng, đầu báo bám bụi';
const USERS = [
  { username: 'guard101', password: 'guard-101-password', role: 'guard', depots: ['K101'] },
  { username: 'guard102', password: 'guard-102-password', role: 'guard', depots: ['K102'] },
  { username: 'duty', password: 'duty-officer-password', role: 'officer', depots: null },
  { username: 'wall', password: 'wall-display-password', role: 'display', depots: null },
] as const;

let ts: TestSystem | undefined;
let browser: Browser | undefined;
let host = '';
const requests: string[] = [];
let adminToken = '';
let wall: Page;
let guard: Page;
let other: Page;
let desk: Page;
let incidentId = '';

async function screen(user: (typeof USERS)[number], viewport: { width: number; height: number }): Promise<Page> {
  const ctx: BrowserContext = await browser!.newContext({ viewport, acceptDownloads: true });
  ctx.on('request', (r) => { requests.push(r.url()); });
  const page = await ctx.newPage();
  page.on('websocket', (w) => { requests.push(w.url()); });
  await submitSignIn(page, ts!.base, user);
  return page;
}

const horn = (p: Page) => p.getAttribute('html', 'data-horn');
const waitHorn = (p: Page, state: string) => p.waitForSelector(`html[data-horn="${state}"]`, { timeout: 10_000 });
const smoke = (sensor: string, value: 0 | 1) =>
  ts!.mqtt.publishAsync(`depots/K101/sensors/${sensor}`, JSON.stringify({ kind: 'smoke', value }), { qos: 1 });

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  ts = await startTestSystem({ env: { WEB_DIR, SIMULATE: '0' }, tickMs: 100 });
  host = new URL(ts.base).host;
  adminToken = await ts.login();
  for (const u of USERS) {
    const r = await ts.api<UserView>('/api/users', adminToken, { method: 'POST', body: JSON.stringify({ ...u, mustChangePassword: false }) });
    expect(r.status).toBe(201);
  }
  browser = await launchBrowser(['--autoplay-policy=no-user-gesture-required']);
  [wall, guard, other, desk] = await Promise.all([
    screen(USERS[3], { width: 1920, height: 1080 }),
    screen(USERS[0], { width: 1024, height: 768 }),
    screen(USERS[1], { width: 1024, height: 768 }),
    screen(USERS[2], { width: 1920, height: 1080 }),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await ts?.stop();
});

describe('alarms from the sensor to the guard and back to the wall', () => {
  it('puts each role on its own page, calm, with the horn armed and off', async () => {
    await wall.waitForSelector('[data-testid="wall-view"] [data-testid="depot-tile-K101"]');
    await guard.waitForSelector('[data-testid="guard-view"] [data-testid="guard-calm"]');
    await other.waitForSelector('[data-testid="guard-view"] [data-testid="guard-calm"]');
    await desk.waitForSelector('[data-testid="desk-view"]');
    expect(guard.url()).toContain('#/guard');
    expect(desk.url()).toContain('#/desk');
    // a display account gets the wall only: no menu, no way to a desk or a console
    expect(await wall.locator('[data-testid="nav"]').count()).toBe(0);
    await wall.goto(`${ts!.base}/#/desk`);
    await wall.waitForFunction(() => location.hash === '#/');
    await wall.waitForSelector('[data-testid="wall-view"] [data-testid="depot-tile-K101"]');
    expect(await guard.locator('[data-testid="nav-desk"]').count()).toBe(0);
    for (const p of [wall, guard, other, desk]) expect(await horn(p)).toBe('off');
    // the browser allowed audio (autoplay flag): the station says it is ready, not "enable sound"
    expect(await wall.getAttribute('[data-testid="horn-control"]', 'data-audio')).toBe('running');
  });

  it('shows a K101 smoke alarm on the wall: ticker, tile first and red, horn sounding', async () => {
    await smoke('A-SM1', 1);
    const row = wall.locator('[data-testid="ticker-row"][data-depot="K101"]');
    await row.first().waitFor({ timeout: 10_000 });
    expect(await row.first().getAttribute('data-state')).toBe('unack');
    const text = await row.first().innerText();
    expect(text).toContain('Phát hiện khói');
    expect(text).toContain('Nhà kho đạn A');
    expect(text).toContain('A-SM1');
    expect(text).toMatch(/CHƯA XÁC NHẬN/i);
    await wall.waitForSelector('[data-testid="depot-tile-K101"][data-readiness="not_ready"][data-attention="true"]', { timeout: 10_000 });
    expect(await wall.locator('[data-testid^="depot-tile-"]').first().getAttribute('data-testid')).toBe('depot-tile-K101');
    expect(await wall.getAttribute('[data-testid="map-marker-K101"]', 'data-attention')).toBe('true');
    await waitHorn(wall, 'sounding');
    await waitHorn(desk, 'sounding');
    await wall.screenshot({ path: join(OUT, 'alarms-wall-alarm.png') });
  });

  it('silences the wall station only, and a new critical alarm re-arms it', async () => {
    await wall.click('[data-testid="horn-silence"]');
    await waitHorn(wall, 'silenced');
    expect(await horn(desk)).toBe('sounding'); // silencing is local: the officer's desk still sounds
    expect(await horn(guard)).toBe('sounding');
    await smoke('B-SM1', 1);
    await waitHorn(wall, 'sounding');
    await wall.waitForSelector('[data-testid="ticker-row"][data-alarm="K101/smoke:B-SM1"]');
  });

  it('shows the K101 guard which sensor, where, since when, and acknowledges with one tap and a note', async () => {
    const card = guard.locator('[data-testid="ack-card"][data-depot="K101"]');
    await card.waitFor({ timeout: 10_000 });
    await guard.waitForFunction(() => document.querySelectorAll('[data-testid="ack-card"] [data-testid="ack-alarm"]').length === 2);
    expect(await guard.locator('[data-testid="ack-card"]').count()).toBe(1); // one incident for both detectors
    const text = await card.innerText();
    for (const s of ['A-SM1', 'Nhà kho đạn A', 'B-SM1', 'Nhà kho đạn B', 'Phát hiện khói', 'Khói']) expect(text).toContain(s);
    incidentId = (await card.getAttribute('data-id')) ?? '';
    expect(incidentId).toMatch(/^INC-\d+$/);
    await guard.screenshot({ path: join(OUT, 'alarms-guard-before.png') });

    // the buttons are touch targets: at least 48 px tall on the tablet
    const box = await guard.locator(`[data-testid="ack-${incidentId}-quick-checked_normal"]`).boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(48);
    await guard.fill(`[data-testid="ack-${incidentId}-note"]`, NOTE);
    await guard.click(`[data-testid="ack-${incidentId}-quick-checked_normal"]`);
    await guard.waitForSelector('[data-testid="action-ok"]');
    await guard.waitForSelector(`[data-testid="acked-item"][data-id="${incidentId}"] [data-testid="acked-note"]`);
    expect(await guard.locator('[data-testid="ack-card"]').count()).toBe(0);
    expect(await guard.textContent(`[data-testid="acked-item"][data-id="${incidentId}"]`)).toContain(NOTE);
    await waitHorn(guard, 'off');
    await guard.screenshot({ path: join(OUT, 'alarms-guard-after.png') });
  });

  it('shows the alarms acknowledged on the wall and stops its horn', async () => {
    await waitHorn(wall, 'off');
    await wall.waitForFunction(() => [...document.querySelectorAll('[data-testid="ticker-row"][data-depot="K101"]')].every((r) => r.getAttribute('data-state') === 'acked'));
    expect(await wall.locator('[data-testid="ticker-row"]').count()).toBe(2);
    expect(await wall.getAttribute('[data-testid="depot-tile-K101"]', 'data-attention')).toBe('false');
    expect(await wall.locator('[data-testid="ticker-row"]').first().innerText()).toMatch(/Đã xác nhận/);
    await waitHorn(desk, 'off');
  });

  it('records the guard, the time and the note on the incident timeline', async () => {
    const token = await ts!.login('duty', USERS[2].password);
    const r = await ts!.api<IncidentView>(`/api/incidents/${incidentId}`, token);
    expect(r.status).toBe(200);
    expect(r.body.state).toBe('acknowledged');
    const ack = r.body.timeline.find((e) => e.type === 'acknowledged');
    expect(ack?.actor).toBe('guard101');
    expect(ack?.note).toBe(`Đã kiểm tra tại chỗ — bình thường. ${NOTE}`);
    expect(r.body.alarms.every((a) => a.ack?.username === 'guard101')).toBe(true);
  });

  it('never shows K101 to the K102 guard', async () => {
    expect(await horn(other)).toBe('off');
    expect(await other.locator('[data-testid="ack-card"]').count()).toBe(0);
    expect(await other.locator('[data-testid="acked-item"]').count()).toBe(0);
    expect(await other.textContent('[data-testid="guard-view"]')).not.toContain('K101');
    const token = await ts!.login('guard102', USERS[1].password);
    const list = await ts!.api<IncidentView[]>('/api/incidents', token);
    expect(list.body).toEqual([]);
    const denied = await ts!.api(`/api/incidents/${incidentId}/ack`, token, { method: 'POST', body: JSON.stringify({ note: 'x' }) });
    expect([403, 404]).toContain(denied.status);
  });

  it('gives the officer the incident with its full timeline', async () => {
    await desk.goto(`${ts!.base}/#/desk/incident/${incidentId}`);
    await desk.waitForSelector(`[data-testid="incident-detail"][data-id="${incidentId}"]`);
    await desk.waitForSelector(`[data-testid="incident-row"][data-id="${incidentId}"]`);
    const ack = desk.locator('[data-testid="timeline-entry"][data-type="acknowledged"]');
    expect(await ack.getAttribute('data-actor')).toBe('guard101');
    expect(await ack.innerText()).toContain(NOTE);
    await desk.fill('[data-testid="incident-note"]', 'Đã cử tổ kỹ thuật vệ sinh đầu báo');
    await desk.click('[data-testid="incident-add-note"]');
    await desk.waitForSelector('[data-testid="timeline-entry"][data-type="note"][data-actor="duty"]');
    await desk.screenshot({ path: join(OUT, 'alarms-desk-timeline.png') });
  });

  it('prints the shift handover report and exports it as CSV with the token', async () => {
    await desk.goto(`${ts!.base}/#/desk/handover`);
    await desk.waitForSelector(`[data-testid="handover-report"] >> text=${incidentId}`);
    const [download] = await Promise.all([desk.waitForEvent('download'), desk.click('[data-testid="handover-csv"]')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain(incidentId);
    expect(csv).toContain('guard101');
    expect(download.suggestedFilename()).toMatch(/^handover-.*\.csv$/);
    // roughly an A4 page at 96 dpi, as the printer will lay it out
    await desk.setViewportSize({ width: 794, height: 1123 });
    await desk.emulateMedia({ media: 'print' });
    expect(await desk.locator('header.bar').isVisible()).toBe(false);
    expect(await desk.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(255, 255, 255)');
    await desk.screenshot({ path: join(OUT, 'alarms-handover-print.png'), fullPage: true });
    await desk.emulateMedia({ media: 'screen' });
    await desk.setViewportSize({ width: 1920, height: 1080 });
  });

  it('asks for a tap when the browser blocks sound, and the tap enables it', async () => {
    // a wall that reboots straight into the board (saved token, nobody touched it) starts with audio blocked
    const strict = await launchBrowser();
    try {
      const token = await ts!.login('wall', USERS[3].password);
      const ctx = await strict.newContext({ viewport: { width: 1920, height: 1080 } });
      ctx.on('request', (r) => { requests.push(r.url()); });
      await ctx.addInitScript((t) => { localStorage.setItem('depotwatch.token', t); }, token);
      const page = await ctx.newPage();
      await page.goto(`${ts!.base}/#/`);
      await page.waitForSelector('[data-testid="horn-control"][data-audio="blocked"]');
      await page.click('[data-testid="horn-enable-sound"]');
      await page.waitForSelector('[data-testid="horn-control"][data-audio="running"]');
      expect(await page.locator('[data-testid="horn-enable-sound"]').count()).toBe(0);
    } finally {
      await strict.close();
    }
  });

  it('asked nothing of any host but its own server', async () => {
    await waitFor(() => requests.length > 20);
    const foreign = requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).host !== host);
    expect(foreign).toEqual([]);
  });
});
