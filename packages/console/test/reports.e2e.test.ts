import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { browserMissing, shot } from './support/browser.js';
import { serious, settled, startConsoleEnv, type ConsoleEnv } from './support/console-env.js';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

// The reports page: an operator runs a report and schedules one; the runs and schedules it lists are
// those the hub answers, a run's downloads are the documents the hub keeps, and a viewer reads them
// without the controls that change anything.
describe('web console in Chromium: report runs and schedules', { skip: missing ?? false }, () => {
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsoleEnv();
  });
  after(async () => env?.stop());

  it('runs a fleet report, lists it as the hub does and downloads its CSV', async () => {
    const { page, problems } = await env.signedIn('op');
    await page.goto(`${env.base}/reports`);
    await page.getByText('No report has run yet.').waitFor();
    await page.getByRole('button', { name: 'Run a report…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Run a report' });
    await dialog.getByLabel('Period (hours)').fill('24');
    await dialog.getByRole('button', { name: 'Run now' }).click();
    await dialog.waitFor({ state: 'detached' });

    const runs = (await env.t.admin.reports.runs()).items;
    assert.equal(runs.length, 1);
    const [run] = runs;
    assert.equal(run.state, 'succeeded');
    assert.equal(run.requestedBy, 'op');
    const row = page.locator('tbody tr', { hasText: run.title });
    await row.waitFor();
    assert.match(await row.innerText(), /succeeded/);

    const download = page.waitForEvent('download');
    await row.getByRole('button', { name: 'CSV', exact: true }).click();
    const file = await download;
    assert.match(file.suggestedFilename(), /\.csv$/);
    assert.equal(readFileSync(await file.path(), 'utf8'), await env.t.admin.reports.content(run.id, 'csv'));
    await shot(page, 'reports-run');
    assert.deepEqual(serious(problems), []);
    await page.context().close();
  });

  it('schedules a weekly report, shows its next run and deletes it', async () => {
    const { page, problems } = await env.signedIn('op');
    await page.goto(`${env.base}/reports`);
    await page.getByText('Nothing scheduled.').waitFor();
    await page.getByRole('button', { name: 'Schedule…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Schedule a report' });
    await dialog.getByLabel('Name').fill('weekly-fleet');
    await dialog.getByRole('button', { name: 'Schedule', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });

    const [stored] = (await env.t.admin.reports.schedules()).items;
    assert.equal(stored.name, 'weekly-fleet');
    assert.equal(stored.cron, '0 7 * * 1');
    const row = page.locator('tbody tr', { hasText: 'weekly-fleet' });
    await row.waitFor();
    assert.match(await row.innerText(), /0 7 \* \* 1/);
    assert.ok(stored.nextRunAt, 'the hub plans a next run');
    const next = row.locator(`time[datetime="${stored.nextRunAt}"]`);
    assert.equal(await next.count(), 1, 'the next run the hub planned');

    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Nothing scheduled.').waitFor();
    assert.deepEqual((await env.t.admin.reports.schedules()).items, []);
    assert.deepEqual(serious(problems), []);
    await page.context().close();
  });

  it('lists the runs for a viewer, without the controls that run or schedule', async () => {
    const { page, problems } = await env.signedIn('view');
    await page.goto(`${env.base}/reports`);
    const [run] = (await env.t.admin.reports.runs()).items;
    await page.locator('tbody tr', { hasText: run.title }).waitFor();
    await settled(page);
    assert.equal(await page.getByRole('button', { name: 'Run a report…' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Schedule…' }).count(), 0);
    assert.deepEqual(serious(problems), []);
    await page.context().close();
  });
});
