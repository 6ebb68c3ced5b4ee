import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { openHubDatabase } from '@outpost/hub';
import { versionKey } from '@outpost/protocol';
import { startTestHub, ADMIN_PASSWORD, type TestHub } from '../../hub/test/support/test-hub.js';
import { SHOTS, browserMissing, buildConsole, launch, openPage, shot, signIn } from './support/browser.js';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

const DEVICES = 100_000;
const MODELS = ['gw-200', 'gw-300', 'rtr-lte-5', 'ser-2x'];
const FIRMWARE = ['1.9.0', '2.0.3', '2.1.0', '2.1.4', '3.5.0'];
const SITES = ['north', 'south', 'east', 'west'];
// The same fleet and filter as bench/api.bench.ts.
const FILTER = 'tag.site = "north" and model = "gw-200" and firmware < "2.1.0" and online';

const pick = (list: string[], col: string) =>
  sql.raw(`CASE ${col} % ${list.length} ${list.map((v, i) => `WHEN ${i} THEN '${v}'`).join(' ')} END`);

/** Seeds the inventory straight into the database (one INSERT … SELECT per table), as a migration from another tool would. */
async function seed(dataDir: string) {
  const db = await openHubDatabase(dataDir);
  const now = new Date().toISOString();
  const keys = sql.raw(`CASE j % 5 ${FIRMWARE.map((v, i) => `WHEN ${i} THEN '${versionKey(v)}'`).join(' ')} END`);
  await db.transaction().execute(async (trx) => {
    await sql`WITH RECURSIVE n(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM n WHERE j < ${DEVICES - 1})
      INSERT INTO devices (id, name, model, firmware, firmware_key, presence, enrolled_at, last_seen_at, decommissioned, health_interval_s)
      SELECT printf('seed-%06d', j), 'device ' || j, ${pick(MODELS, 'j')}, ${pick(FIRMWARE, 'j')}, ${keys},
             CASE WHEN j % 3 = 0 THEN 'offline' ELSE 'online' END, ${now}, ${now}, 0, 30 FROM n`.execute(trx);
    await sql`WITH RECURSIVE n(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM n WHERE j < ${DEVICES - 1})
      INSERT INTO device_tags (device_id, key, value) SELECT printf('seed-%06d', j), 'site', ${pick(SITES, 'j')} FROM n`.execute(
      trx,
    );
  });
  await db.destroy();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Plain source, not a function: the test's TypeScript loader would wrap named functions in a
// helper that does not exist inside the page.
const TIME_IN_PAGE = `(start, filter) => new Promise((resolve, reject) => {
  const t0 = performance.now();
  if (start === 'nav') document.querySelector('nav[aria-label="Main"] a[href="/devices"]').click();
  else document.querySelector('form.filter-bar').requestSubmit();
  const ready = () => {
    const table = document.querySelector('[data-testid=devices-table]');
    return table && table.getAttribute('data-filter') === filter && table.getAttribute('data-loading') === 'false' && table.querySelector('tbody tr') !== null;
  };
  const poll = () => {
    if (performance.now() - t0 > 10000) return reject(new Error('the table did not render within 10 s'));
    // Two frames: the one that commits the rows and the one after they are painted.
    if (ready()) requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
    else requestAnimationFrame(poll);
  };
  poll();
})`;

/**
 * Starts a navigation or a filter in the page and answers the milliseconds until the device table
 * shows rows for `filter` and the browser has painted them. Timed inside the page, so the test
 * process (which also runs the hub) adds nothing to the figure.
 */
function timeInPage(page: Page, start: 'nav' | 'filter', filter: string): Promise<number> {
  return page.evaluate(`(${TIME_IN_PAGE})(${JSON.stringify(start)}, ${JSON.stringify(filter)})`) as Promise<number>;
}

describe(`device table over ${DEVICES.toLocaleString('en')} devices`, { skip: missing ?? false }, () => {
  let dir: string;
  let t: TestHub;
  let browser: Browser;
  let page: Page;

  before(async () => {
    buildConsole();
    dir = mkdtempSync(join(tmpdir(), 'outpost-console-scale-'));
    await seed(dir);
    t = await startTestHub({}, dir);
    browser = await launch();
    page = (await openPage(browser)).page;
    await signIn(page, t.hub.httpUrl.replace('localhost', '127.0.0.1'), 'admin', ADMIN_PASSWORD);
    await page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders the first page and applies a filter in under a second', async () => {
    const table = (filter: string) =>
      page
        .locator(`[data-testid=devices-table][data-loading=false][data-filter=${JSON.stringify(filter)}] tbody tr`)
        .first();
    const firstPage: number[] = [];
    const filtered: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
      await page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
      // Let the dashboard finish its own requests, so they do not queue ahead of the table's.
      await page.locator('.bar-row').first().waitFor();
      await page.locator('.chart canvas').first().waitFor();
      await page.locator('ul.activity li').first().waitFor();
      await page.waitForTimeout(300);
      firstPage.push(await timeInPage(page, 'nav', ''));
      await table('').waitFor();
      assert.equal(await page.locator('[data-testid=devices-table] tbody tr').count(), 50);

      await page.getByLabel('Device filter').fill(FILTER);
      filtered.push(await timeInPage(page, 'filter', FILTER));
      await table(FILTER).waitFor();
    }
    // Every row shown satisfies the filter (the seed makes gw-200 rows j % 4 = 0, north j % 4 = 0).
    const models = await page.locator('[data-testid=devices-table] td[data-col=model]').allTextContents();
    assert.ok(models.length > 0 && models.every((m) => m === 'gw-200'));
    await page.getByText(/match the filter/).waitFor();
    await shot(page, 'devices-100k-filtered');

    const result = {
      devices: DEVICES,
      filter: FILTER,
      firstPageMs: firstPage.map(Math.round),
      filterMs: filtered.map(Math.round),
      firstPageMedianMs: Math.round(median(firstPage)),
      filterMedianMs: Math.round(median(filtered)),
    };
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(join(SHOTS, 'scale.json'), JSON.stringify(result, null, 2) + '\n');
    console.log(
      `# device table at ${DEVICES} devices: first page ${result.firstPageMs.join(' / ')} ms, filter ${result.filterMs.join(' / ')} ms`,
    );
    assert.ok(result.firstPageMedianMs < 1000, `first page took ${result.firstPageMedianMs} ms`);
    assert.ok(result.filterMedianMs < 1000, `filter took ${result.filterMedianMs} ms`);
  });
});
