import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createSimulator, type Simulator } from '../../collectors/src/simulator/simulator.js';
import { silentLogger } from '../../server/src/adapters/logger.js';
import { checkPrerequisites, launchBrowser, ROOT, WEB_DIR } from './board.js';
import { ADMIN_PASSWORD, startTestSystem, type TestSystem } from './system.js';
import { wallSite } from './wall-site.js';

/**
 * A wall of `n` simulated depots (the demo's depots cloned along Vietnam), a few of them in trouble,
 * and Debian's Chromium logged in on it. Shared by the wall's e2e tests, the screenshot tool and the
 * bench/soak scripts, so what is measured is what is tested.
 */
export { ROOT };

export interface WallHarness { ts: TestSystem; browser: Browser; stop(): Promise<void> }

/** `outline`: draw config/examples/vietnam-outline.geojson under the depots (config `map:`) */
export async function startWall(n: number, opts: { scale?: number; tickMs?: number; env?: Record<string, string>; outline?: boolean; units?: number; regions?: number } = {}): Promise<WallHarness> {
  checkPrerequisites();
  const generated = wallSite(n, { ...(opts.units ? { units: opts.units } : {}), ...(opts.regions ? { regions: opts.regions } : {}) });
  const site = opts.outline ? { ...generated, map: { outline: 'vietnam-outline.geojson' } } : generated;
  const configEnv: Record<string, string> = opts.outline ? { CONFIG_DIR: join(ROOT, 'config/examples') } : {};
  const ts = await startTestSystem({ site, env: { WEB_DIR, SIMULATE: '0', ...configEnv, ...opts.env }, tickMs: opts.tickMs ?? 250 });
  // simulators of 25 depots each, started one after another: 500 MQTT connections at once time out on a busy machine
  const sims: Simulator[] = [];
  const ids = site.depots.map((d) => d.id);
  for (let i = 0; i < ids.length; i += 25) {
    // one more try for a chunk whose connections time out on a machine busy with other work
    for (let attempt = 1; ; attempt++) {
      const sim = createSimulator({
        mqttUrl: ts.system.mqttUrl, site, depots: ids.slice(i, i + 25), intervalScale: opts.scale ?? 1, faults: false, logger: silentLogger,
      });
      try {
        await sim.start();
        sims.push(sim);
        break;
      } catch (err) {
        if (attempt >= 2) { for (const s of sims) await s.stop(); await ts.stop(); throw err; }
      }
    }
  }
  // precise memory: the soak reads the JS heap after a forced GC
  const browser = await launchBrowser(['--enable-precise-memory-info']);
  return {
    ts, browser,
    async stop() {
      await browser.close();
      for (const s of sims) await s.stop();
      await ts.stop();
    },
  };
}

/** Faults on a few depots (about one in twelve), so the wall has abnormal depots to put first. */
export async function injectFaults(ts: TestSystem, ids: readonly string[]): Promise<string[]> {
  const scenarios = ['fire', 'camera_down', 'humidity_high', 'intrusion', 'camera_down', 'link_lost'] as const;
  const hit: string[] = [];
  const every = Math.max(3, Math.round(ids.length / Math.max(2, Math.ceil(ids.length / 12))));
  for (let i = 0; i < ids.length; i += every) {
    const scenario = scenarios[hit.length % scenarios.length]!;
    await ts.mqtt.publishAsync('depotwatch-sim/scenario', JSON.stringify({ scenario, depot: ids[i] }), { qos: 1 });
    hit.push(ids[i]!);
  }
  return hit;
}

/** signs the admin in (a token in localStorage, as a kiosk keeps it) and opens the wall; `page` may be one already routed */
export async function openWall(h: WallHarness, viewport: { width: number; height: number }, lang: 'vi' | 'en' = 'vi', existing?: Page): Promise<Page> {
  const page = existing ?? await h.browser.newPage({ viewport });
  const token = await h.ts.login('admin', ADMIN_PASSWORD);
  // tsx (esbuild keepNames) wraps named functions in __name(), which the page does not have
  await page.addInitScript('globalThis.__name ??= (f) => f');
  await page.addInitScript(([t, l]) => {
    if (!sessionStorage.getItem('seeded')) {
      localStorage.setItem('depotwatch.token', t!);
      localStorage.setItem('depotwatch.lang', l!);
      sessionStorage.setItem('seeded', '1');
    }
  }, [token, lang]);
  await page.goto(`${h.ts.base}/#/`);
  await page.waitForSelector('[data-testid="wall-view"] [data-testid="map"] svg', { timeout: 30_000 });
  return page;
}
