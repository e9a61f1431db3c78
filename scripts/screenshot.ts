// Regenerates the README's screenshots: starts the demo (all depots simulated, faster), injects a few
// faults, and photographs the wall in headless Chromium.   npx tsx scripts/screenshot.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { chromium } from 'playwright-core';
import { silentLogger } from '../server/src/adapters/logger.js';
import { parseEnv } from '../server/src/settings.js';
import { startSystem } from '../server/src/system.js';
import { startDemoSimulator } from '../demo/simulate.js';

const dataDir = mkdtempSync(join(tmpdir(), 'depotwatch-shot-'));
const env = parseEnv({
  HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', MQTT_PORT: '0', DATA_DIR: dataDir, ADMIN_PASSWORD: 'screenshot-admin', SIMULATE_SCALE: '0.1', SIMULATE_FAULTS: 'off', LOG_LEVEL: 'silent',
});
const system = await startSystem(env, silentLogger);
const stopSimulator = await startDemoSimulator(system, env, silentLogger);
const base = `http://127.0.0.1:${system.httpPort}`;
const mqtt = await connectAsync(system.mqttUrl);
await new Promise((r) => setTimeout(r, 4000));
for (const [scenario, depot, zone] of [['fire', 'K204', 'A'], ['camera_down', 'K303', ''], ['humidity_high', 'K101', 'B']] as const) {
  await mqtt.publishAsync('depotwatch-sim/scenario', JSON.stringify({ scenario, depot, ...(zone ? { zone } : {}) }), { qos: 1 });
}
await new Promise((r) => setTimeout(r, 4000));

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
await page.goto(base);
await page.getByTestId('login-username').fill('admin');
await page.getByTestId('login-password').fill('screenshot-admin');
await page.getByTestId('login-submit').click();
await page.goto(`${base}/#/`);
await page.getByTestId('depot-tile-K101').waitFor();
await new Promise((r) => setTimeout(r, 2000));
await page.screenshot({ path: 'docs/board-wall.png' });
await page.goto(`${base}/#/depot/K204`);
await page.getByTestId('depot-view').waitFor();
await new Promise((r) => setTimeout(r, 2000));
await page.screenshot({ path: 'docs/board-depot.png' });
await browser.close();
await mqtt.endAsync();
await stopSimulator?.();
await system.stop();
rmSync(dataDir, { recursive: true, force: true });
console.log('wrote docs/board-wall.png, docs/board-depot.png');
