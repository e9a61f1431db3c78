import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserView } from '../../server/src/contracts/alarms.js';
import { snapshotRequestPayloadSchema, snapshotTopics } from '../../server/src/contracts/snapshots.js';
import { FFMPEG_BIN } from '../helpers/rtsp-camera.js';
import { startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { docShot, launchBrowser, submitSignIn } from '../helpers/board.js';

/**
 * Alarm verification by picture, in Debian's Chromium: smoke at K101's store A (cameras CAM03 and CAM11). The
 * centre raises the alarm and asks the zone's cameras for a snapshot (`snapshot/request`); this test plays the
 * edge, answering each request with a real JPEG made by ffmpeg. The guard's tablet (1280×800) shows the picture
 * beside the alarm and enlarges it on a tap; the officer's desk (1080p) shows it beside the incident and in its
 * timeline; the depot view's camera card shows the latest. Screenshots go to docs/ with UPDATE_SHOTS=1.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const WEB_DIR = join(ROOT, 'dist/web');
const GUARD = { username: 'guard101', password: 'guard-101-password-long', role: 'guard', depots: ['K101'] };
const DUTY = { username: 'duty', password: 'duty-officer-password-long', role: 'officer', depots: null };
const WALL = { username: 'wall1', password: 'wall-display-password-long', role: 'display', depots: 'all' };

let ts: TestSystem | undefined;
let browser: Browser | undefined;
const pictures = new Map<string, Buffer>();
const answered: string[] = [];

async function screen(user: { username: string; password: string }, viewport: { width: number; height: number }, hash = ''): Promise<Page> {
  const page = await (await browser!.newContext({ viewport })).newPage();
  await submitSignIn(page, ts!.base, user);
  if (hash) {
    await page.waitForSelector('[data-testid="login-submit"]', { state: 'detached', timeout: 15_000 });
    await page.evaluate((h) => { location.hash = h; }, hash);
  }
  return page;
}

/** a camera's frame: ffmpeg's test pictures, with the camera's name burnt in where drawtext is available */
function frame(source: string): Buffer {
  return execFileSync(FFMPEG_BIN, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', source, '-frames:v', '1', '-q:v', '4', '-f', 'mjpeg', '-']);
}

beforeAll(async () => {
  pictures.set('CAM03', frame('testsrc2=size=1280x720'));
  pictures.set('CAM11', frame('smptehdbars=size=1280x720'));
  ts = await startTestSystem({ env: { WEB_DIR, SIMULATE: '0' }, tickMs: 100 });
  const admin = await ts.login();
  for (const u of [GUARD, DUTY, WALL]) {
    const r = await ts.api<UserView>('/api/users', admin, { method: 'POST', body: JSON.stringify({ ...u, mustChangePassword: false }) });
    expect(r.status).toBe(201);
  }
  // the edge of K101: answers the centre's requests with its cameras' pictures
  await ts.mqtt.subscribeAsync(snapshotTopics.requests('depots', 'K101'), { qos: 1 });
  ts.mqtt.on('message', (topic, payload) => {
    const camera = /cameras\/([^/]+)\/snapshot\/request$/.exec(topic)?.[1];
    const jpeg = camera ? pictures.get(camera) : undefined;
    if (!camera || !jpeg || !snapshotRequestPayloadSchema.safeParse(JSON.parse(payload.toString())).success) return;
    answered.push(camera);
    void ts!.mqtt.publishAsync(snapshotTopics.snapshot('depots', 'K101', camera), jpeg, { qos: 1 });
  });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await ts?.stop();
});

describe('camera snapshots on the board', () => {
  it('the guard\'s tablet at 1280×800 shows the picture beside the alarm, and enlarges it on a tap', async () => {
    const guard = await screen(GUARD, { width: 1280, height: 800 });
    await guard.waitForSelector('[data-testid="guard-view"]', { timeout: 15_000 });
    await ts!.mqtt.publishAsync('depots/K101/sensors/A-SM1', JSON.stringify({ kind: 'smoke', value: 1 }), { qos: 1 });
    await waitFor(() => answered.includes('CAM03') && answered.includes('CAM11'), 10_000, 'the centre asking store A\'s cameras');

    const thumb = guard.locator('[data-testid="ack-card"] [data-testid="snapshot-thumb"]').first();
    await thumb.waitFor({ timeout: 15_000 });
    // the picture really loaded (the session cookie reached the authenticated route)
    await guard.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="ack-card"] [data-testid="snapshot-thumb"] img');
      return img !== null && img.complete && img.naturalWidth === 1280;
    }, undefined, { timeout: 10_000 });
    const card = await guard.locator('[data-testid="ack-card"]').first().boundingBox();
    const alarm = await guard.locator('[data-testid="ack-alarm"]').first().boundingBox();
    const pic = await thumb.boundingBox();
    expect(card && alarm && pic).toBeTruthy();
    // beside the alarm, inside the card and the screen: no scrolling sideways on the tablet
    expect(pic!.x).toBeGreaterThan(alarm!.x + alarm!.width - 1);
    expect(pic!.y).toBeLessThan(alarm!.y + alarm!.height);
    expect(pic!.x + pic!.width).toBeLessThanOrEqual(card!.x + card!.width);
    expect(card!.x + card!.width).toBeLessThanOrEqual(1280);
    expect(pic!.width).toBeGreaterThan(200);
    const caption = await thumb.locator('figcaption').innerText();
    expect(caption).toMatch(/CAM(03|11)/);
    expect(caption).toContain('Nhà kho đạn A');
    expect(caption).toMatch(/Chụp lúc \d{2}:\d{2}:\d{2}/);
    expect(await guard.locator('[data-testid="snapshot-take"]').first().innerText()).toContain('Chụp ảnh ngay');
    await guard.screenshot({ path: docShot('guard-snapshot-tablet.png') });

    await thumb.locator('[data-testid="snapshot-open"]').click();
    const viewer = guard.locator('dialog[data-testid="snapshot-viewer"][open]');
    await viewer.waitFor({ timeout: 5000 });
    const big = await viewer.locator('img').boundingBox();
    expect(big!.width).toBeGreaterThan(700);
    await guard.screenshot({ path: join(ROOT, 'test-results', 'guard-snapshot-enlarged.png') }).catch(() => undefined);
    await viewer.locator('[data-testid="snapshot-close"]').click();
    await guard.locator('dialog[data-testid="snapshot-viewer"][open]').waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
    expect(await guard.locator('dialog[data-testid="snapshot-viewer"][open]').count()).toBe(0);

    // "take a snapshot now": the centre asks again, the edge answers, the card keeps its pictures
    const before = answered.length;
    await guard.locator('[data-testid="snapshot-take"]').first().click();
    await waitFor(() => answered.length > before, 10_000, 'the guard\'s request reaching the edge');
    await guard.locator('[role="status"]').filter({ hasText: 'Đã yêu cầu ảnh' }).first().waitFor({ timeout: 5000 });
    await guard.context().close();
  });

  it('the officer\'s desk at 1080p shows the picture beside the incident and in its timeline; the depot view shows the latest', async () => {
    const incidents = (await ts!.api<{ id: string; depot: string }[]>('/api/incidents?state=open', await ts!.login('duty', DUTY.password))).body;
    const inc = incidents.find((i) => i.depot === 'K101');
    expect(inc).toBeDefined();
    const desk = await screen(DUTY, { width: 1920, height: 1080 }, `#/desk/incident/${inc!.id}`);
    await desk.waitForSelector('[data-testid="incident-detail"]', { timeout: 15_000 });
    await desk.waitForSelector('[data-testid="incident-snapshots"] [data-testid="snapshot-thumb"] img', { timeout: 10_000 });
    await desk.waitForSelector('[data-testid="timeline-entry"][data-type="snapshot"] [data-testid="snapshot-thumb"]', { timeout: 10_000 });
    await desk.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid="incident-snapshots"] img')].every((i) => i.complete && i.naturalWidth > 0));
    expect(await desk.locator('[data-testid="timeline-entry"][data-type="snapshot"]').first().innerText()).toContain('Ảnh chụp camera');
    await desk.screenshot({ path: docShot('desk-snapshot.png') });

    await desk.evaluate(() => { location.hash = '#/depot/K101'; });
    await desk.waitForSelector('[data-testid="camera-latest-CAM03"] img', { timeout: 10_000 });
    await desk.locator('[data-testid="camera-latest-CAM03"]').scrollIntoViewIfNeeded();
    await desk.screenshot({ path: join(ROOT, 'test-results', 'depot-camera-latest.png') }).catch(() => undefined);
    expect(await desk.locator('[data-testid="camera-latest-CAM04"]').count()).toBe(0);
    await desk.context().close();
  });

  it('the wall\'s alarm strip shows the waiting alarm\'s picture to a display account at 1080p', async () => {
    const wall = await screen(WALL, { width: 1920, height: 1080 });
    const shot = wall.locator('[data-testid="ticker-snapshot"]');
    await shot.waitFor({ timeout: 15_000 });
    expect(await shot.getAttribute('data-alarm')).toContain('K101');
    await wall.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="ticker-snapshot"] img');
      return img !== null && img.complete && img.naturalWidth === 1280;
    }, undefined, { timeout: 10_000 });
    const box = await shot.boundingBox();
    expect(box && box.x + box.width <= 1920 && box.y + box.height <= 1080).toBe(true);
    await wall.screenshot({ path: join(ROOT, 'test-results', 'wall-ticker-snapshot.png') }).catch(() => undefined);
    await wall.context().close();
  });
});
