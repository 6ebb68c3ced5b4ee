import { existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = join(REPO, 'test-output', 'console');

/** Why the browser tests cannot run here, or null when they can. */
export function browserMissing(): string | null {
  return existsSync(CHROMIUM)
    ? null
    : `${CHROMIUM} is not installed (apt-get install -y chromium); skipping the browser tests`;
}

/** The same build `npm start` runs: only when the console sources are newer than dist/. */
export function buildConsole(): void {
  const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'build-console.mjs'), '--quiet'], {
    cwd: REPO,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('the console build failed');
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A fresh browser context (own cookies and storage) on the hub; its certificate comes from the hub's own CA. */
export async function openPage(
  browser: Browser,
  opts: { width?: number; height?: number } = {},
): Promise<{ page: Page; problems: string[] }> {
  const ctx = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
  });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  // Script errors and refused resources (a CSP violation shows up here) fail the tests that check them.
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return { page, problems };
}

export async function signIn(page: Page, baseUrl: string, username: string, password: string) {
  await page.goto(baseUrl + '/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function shot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}
