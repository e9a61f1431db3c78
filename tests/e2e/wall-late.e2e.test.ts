import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SensorKind } from '../../server/src/contracts/telemetry.js';
import { FakeClock, startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { launchBrowser, submitSignIn } from '../helpers/board.js';

/**
 * A wall that never lies when the centre falls behind: readings that reach the centre 40 s late say so on
 * the wall ("Dữ liệu về chậm 40 giây"), their devices stay reported (not "not reporting"), and the notice
 * goes once the site is on time again, or cut off (then silence is judged on the centre's clock). The
 * server's clock is a fake one moved by the test; the board's is the browser's.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const WEB_DIR = join(ROOT, 'dist/web');
const OUT = join(ROOT, 'test-results');
const clock = new FakeClock();
let ts: TestSystem | undefined;
let browser: Browser | undefined;
let page: Page;

const valueOf = (kind: SensorKind): number => (kind === 'temperature' ? 24 : kind === 'humidity' ? 60 : 0);
/** every sensor of a depot, each reading sent `age` ms before the server's (fake) now, and read by the centre */
async function send(depot: string, age: number): Promise<void> {
  const d = ts!.system.site.depots.find((x) => x.id === depot)!;
  await Promise.all(d.sensors.map((s) => ts!.mqtt.publishAsync(`depots/${depot}/sensors/${s.id}`, JSON.stringify({ ts: clock.now() - age, kind: s.kind, value: valueOf(s.kind) }), { qos: 1 })));
  await waitFor(async () => (await ts!.api<{ sensors: { ts: number | null }[] }>(`/api/depots/${depot}`, admin)).body.sensors.every((s) => s.ts === clock.now() - age), 5000, `${depot} read`);
}
let admin = '';

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  ts = await startTestSystem({ env: { WEB_DIR }, tickMs: 100, clock });
  admin = await ts.login();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
});
afterAll(async () => {
  await browser?.close();
  await ts?.stop();
});

describe('the wall when the centre falls behind', () => {
  it('says how late the data is, keeps the late devices reported, and drops the notice when it is over', async () => {
    await send('K101', 0);
    await send('K102', 0);
    await submitSignIn(page, ts!.base, { username: 'admin', password: 'test-admin-password' });
    await page.waitForSelector('[data-testid="wall-view"]', { timeout: 15_000 });
    expect(await page.locator('[data-testid="late-banner"]').count()).toBe(0);

    // the centre falls behind: 50 s on, K101's next readings come 10 s late; 30 s later K102's come 40 s late
    clock.advance(50_000);
    await send('K101', 10_000);
    clock.advance(30_000);
    await send('K102', 40_000);
    const banner = page.locator('[data-testid="late-banner"]');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.getAttribute('data-late-s')).toBe('40');
    expect(await banner.innerText()).toContain('Dữ liệu về chậm 40 giây');
    await page.screenshot({ path: join(OUT, 'wall-late-1080p.png') });
    for (const [name, width, height] of [['4k', 3840, 2160], ['tablet', 1280, 800]] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: join(OUT, `wall-late-${name}.png`) });
      // one line of the screen at most beside the header, whatever its width: the board stays readable under it
      expect((await banner.boundingBox())!.height, name).toBeLessThan(height * 0.1);
    }
    await page.setViewportSize({ width: 1920, height: 1080 });
    // 35 s after K101's came (more than 3 × 10 s on the centre's clock) the site has delivered only 5 s past
    // them: K101's sensors are still reported, not "not reporting"
    clock.advance(5_000);
    ts!.system.live.tick(); // evaluated at the moved clock now, not at the next timer tick
    const k101 = (await ts!.api<{ counts: { sensorsStale: number } }>('/api/depots/K101', admin)).body;
    expect(k101.counts.sensorsStale).toBe(0);
    await page.waitForFunction(() => document.querySelector('[data-testid="depot-tile-K101"]')?.getAttribute('data-readiness') !== 'unknown');

    // on time again: the notice goes
    await send('K101', 0);
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
  });
});
