import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * The board in Debian's Chromium, for the e2e tests, the wall harness and the screenshot and soak tools:
 * one place that knows where the built board and the browser are, how Chromium is started on this closed
 * network, and how the sign-in form is filled in.
 */
export const ROOT = resolve(import.meta.dirname, '../..');
export const WEB_DIR = join(ROOT, 'dist/web');
export const CHROMIUM = '/usr/bin/chromium';
/** without the background-networking flags Chromium's connections are refused by the closed network, many at a time */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** the built board and the browser, each with its remedy when missing */
export function checkPrerequisites(): void {
  if (!existsSync(join(WEB_DIR, 'index.html'))) throw new Error('dist/web/index.html is missing: build the board first (npm run build)');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium package (scripts/test.sh does)`);
}

/** Chromium as every test starts it, `extraArgs` after (autoplay for the horn, precise memory for the soak) */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  checkPrerequisites();
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** opens the board at `base` (and `hash`, a route to land on after) and submits the sign-in form */
export async function submitSignIn(page: Page, base: string, user: { username: string; password: string }, hash = ''): Promise<void> {
  await page.goto(`${base}/${hash}`);
  await page.fill('[data-testid="login-username"]', user.username);
  await page.fill('[data-testid="login-password"]', user.password);
  await page.click('[data-testid="login-submit"]');
}

/**
 * Where an e2e test writes a screenshot the README shows: docs/ when asked (`UPDATE_SHOTS=1`, to refresh the
 * README's pictures), else test-results/ beside the others, so an ordinary run leaves the tree clean.
 */
export function docShot(name: string): string {
  const dir = join(ROOT, process.env.UPDATE_SHOTS ? 'docs' : 'test-results');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
