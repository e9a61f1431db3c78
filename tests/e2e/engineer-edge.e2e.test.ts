import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigChangeResult, RunningConfigView } from '../../server/src/contracts/config.js';
import { startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { docShot, launchBrowser } from '../helpers/board.js';

/**
 * The engineer's Edge tab (#/engineer/edge) in Chromium against the whole running system: K101's edge device
 * lists taken over by the centre, a Modbus device with two points, a bad register refused as you type with the
 * server's own message, a save that lost a race answered with the conflict and a reload, the saved version on
 * K101's retained collector/config, and the depot's collector shown catching up when it reports that version.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const WEB_DIR = join(ROOT, 'dist/web');
const ENGINEER = { username: 'kysu-edge', password: 'kỹ sư thu thập tại kho 2026' };

let ts: TestSystem | undefined;
let browser: Browser | undefined;
let page: Page;
let admin = '';

beforeAll(async () => {
  ts = await startTestSystem({ env: { WEB_DIR }, tickMs: 100 });
  admin = await ts.login();
  const r = await ts.api('/api/users', admin, { method: 'POST', body: JSON.stringify({ ...ENGINEER, role: 'engineer', depots: null, mustChangePassword: false }) });
  expect(r.status).toBe(201);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
});

afterAll(async () => {
  await browser?.close();
  await ts?.stop();
});

const tid = (id: string) => `[data-testid="${id}"]`;

/** K101 managed from the centre, with one Modbus device at 10.1.1.20 reading A-T1 */
async function startDevice(): Promise<void> {
  await page.click(tid('edge-depot-K101'));
  await page.waitForSelector(`${tid('edge-editor')}[data-depot="K101"]`);
  await page.click(tid('edge-manage'));
  await page.click(tid('edge-add-modbus'));
  // a new device's host is empty: the schema says so beside the field
  await page.waitForSelector(`${tid('edge-modbus-0')} ${tid('field-error')}`);
  await page.fill(tid('modbus-0-host'), '10.1.1.20');
  expect(await page.getAttribute(tid('point-0-0'), 'data-sensor')).toBe('A-T1');
}

describe('the engineer’s edge collectors tab', () => {
  it('adds a Modbus point, refuses a bad register as you type, survives a conflict, saves, and sees the collector catch up', async () => {
    await page.goto(`${ts!.base}/`);
    await page.fill(tid('login-username'), ENGINEER.username);
    await page.fill(tid('login-password'), ENGINEER.password);
    await page.click(tid('login-submit'));
    await page.waitForSelector(tid('engineer-view'), { timeout: 15_000 });
    await page.click(tid('engineer-tab-edge'));
    await page.waitForSelector(tid('engineer-edge'), { timeout: 15_000 });
    expect(await page.textContent(tid('engineer-tab-edge'))).toBe('Bộ thu thập tại kho');
    expect(await page.getAttribute(tid('edge-depot-K101'), 'data-sync')).toBe('unknown');

    // someone else saves first: the tab says so and reloads the newest, losing nothing stored
    await startDevice();
    const before = (await ts!.api<RunningConfigView>('/api/config', admin)).body;
    const other = structuredClone(before.config) as { depots: { id: string; nameEn?: string }[] };
    other.depots.find((d) => d.id === 'K102')!.nameEn = 'Depot K102 (renamed meanwhile)';
    expect((await ts!.api('/api/config', admin, { method: 'PUT', body: JSON.stringify({ config: other, baseVersion: before.n, comment: 'meanwhile' }) })).status).toBe(200);
    await page.click(tid('edge-save'));
    await page.waitForSelector(tid('edge-conflict'));
    expect(await page.textContent(tid('edge-conflict'))).toContain(`phiên bản ${before.n + 1}`);
    await page.click(tid('edge-reload'));
    await page.waitForSelector(tid('edge-manage'));

    await startDevice();
    await page.click(tid('modbus-0-add-point'));
    await page.waitForSelector(tid('point-0-1'));
    expect(await page.getAttribute(tid('point-0-1'), 'data-sensor')).toBe('A-H1');
    expect(await page.inputValue(tid('point-0-1-address'))).toBe('1');
    // a register beyond 16 bits: the server's own message under the field, and no save
    await page.fill(tid('point-0-1-address'), '70000');
    const msg = await page.waitForSelector(`${tid('point-0-1')} ${tid('field-error')}`);
    expect(await msg.textContent()).toMatch(/65535/);
    expect(await page.isDisabled(tid('edge-save'))).toBe(true);
    expect(await page.textContent(tid('edge-error-count'))).toContain('1 lỗi');
    await page.fill(tid('point-0-1-address'), '1');
    await page.fill(tid('point-0-1-scale'), '0.1');
    await page.waitForSelector(`${tid('point-0-1')} ${tid('field-error')}`, { state: 'detached' });
    await page.fill(tid('edge-comment'), 'K101: bộ thu thập đọc A-T1, A-H1 qua Modbus');
    await page.click(tid('edge-save'));
    await page.waitForSelector(tid('action-ok'));
    const saved = before.n + 2;
    expect(await page.textContent(tid('action-ok'))).toContain(`Đã lưu phiên bản ${saved}`);

    const running = (await ts!.api<RunningConfigView>('/api/config', admin)).body;
    expect(running.n).toBe(saved);
    const k101 = running.config.depots.find((d) => d.id === 'K101');
    expect(k101?.edge?.modbus[0]).toMatchObject({ host: '10.1.1.20', points: [{ sensor: 'A-T1', kind: 'temperature', register: 0 }, { sensor: 'A-H1', kind: 'humidity', register: 1, scale: 0.1 }] });
    const diff = (await ts!.api<{ diff: ConfigChangeResult['diff'] }>(`/api/config/versions/${saved}`, admin)).body.diff;
    expect(diff.map((c) => `${c.op} ${c.path}`)).toEqual(['add depots[K101].edge']);

    // K101's retained collector/config carries the lists and the version; the collector is behind until it says otherwise
    // read as the centre: anonymous local clients are not given a depot's configuration (its devices' secrets)
    const centre = await ts!.centreMqtt();
    const retained = new Promise<Record<string, unknown>>((res) => {
      centre.on('message', (topic, payload) => { if (topic === 'depots/K101/collector/config') res(JSON.parse(payload.toString()) as Record<string, unknown>); });
    });
    await centre.subscribeAsync('depots/K101/collector/config', { qos: 1 });
    expect(await retained).toMatchObject({ version: saved, modbus: [{ host: '10.1.1.20' }], snmp: [], cameras: [] });
    await ts!.mqtt.publishAsync('depots/K101/collector/status', JSON.stringify({ state: 'online', version: 'edge-1.5.0', spooled: 0, dropped: 0, configVersion: saved - 2 }), { qos: 1, retain: true });
    await page.waitForSelector(`${tid('edge-sync')}[data-sync="behind"]`, { timeout: 10_000 });
    await ts!.mqtt.publishAsync('depots/K101/collector/status', JSON.stringify({ state: 'online', version: 'edge-1.5.0', spooled: 0, dropped: 0, configVersion: saved }), { qos: 1, retain: true });
    await page.waitForSelector(`${tid('edge-sync')}[data-sync="caught-up"]`, { timeout: 10_000 });
    expect(await page.textContent(tid('edge-sync'))).toContain(`đang chạy v${saved}: đã cập nhật`);
    await waitFor(async () => (await page.textContent(tid('edge-depot-K101')))?.includes('2 điểm · 0 UPS · 0 camera'), 5000, 'K101 listed with 2 points');
    await page.screenshot({ path: docShot('engineer-edge.png') });

    // a UPS with a typed community: once saved the board gets only the mask, shown as "(không đổi)"; the collector the real one
    const SECRET = 'k101-ups-community-e2e';
    const next = new Promise<Record<string, unknown>>((res) => {
      centre.on('message', (topic, payload) => {
        const m = JSON.parse(payload.toString()) as Record<string, unknown>;
        if (topic === 'depots/K101/collector/config' && m.version === saved + 1) res(m);
      });
    });
    await page.click(tid('edge-add-snmp'));
    await page.fill(tid('snmp-0-host'), '10.1.1.30');
    await page.fill(tid('snmp-0-community'), SECRET);
    await page.click(tid('edge-save'));
    await page.waitForSelector(`${tid('action-ok')}:has-text("phiên bản ${saved + 1}")`);
    expect(await page.textContent(tid('snmp-0-community-kept'))).toBe('(không đổi)');
    expect(await page.content()).not.toContain(SECRET);
    expect(await next).toMatchObject({ snmp: [{ host: '10.1.1.30', community: SECRET, mains: 'E-V1' }] });
    // a new value can be typed in its place
    await page.click(tid('snmp-0-community-set'));
    expect(await page.inputValue(tid('snmp-0-community'))).toBe('');
  }, 120_000);
});
