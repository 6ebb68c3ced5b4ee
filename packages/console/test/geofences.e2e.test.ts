import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestHub, eventually, type TestHub } from '../../hub/test/support/test-hub.js';
import { browserMissing, buildConsole, launch, openPage, signIn } from './support/browser.js';
import { PASSWORD, serious } from './support/console-env.js';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

describe('the Geofences page against a real hub', { skip: missing ?? false }, () => {
  let t: TestHub;
  let browser: Browser;
  let base: string;

  before(async () => {
    buildConsole();
    t = await startTestHub();
    base = t.hub.httpUrl.replace('localhost', '127.0.0.1');
    await t.admin.groups.create({ path: 'plant', kind: 'static' });
    for (const [username, role] of [
      ['op', 'operator'],
      ['view', 'viewer'],
    ] as const)
      await t.admin.users.create({ username, password: PASSWORD, role });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function signedIn(username: string): Promise<{ page: Page; problems: string[] }> {
    const p = await openPage(browser, { height: 900 });
    await signIn(p.page, base, username, PASSWORD);
    await p.page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
    return p;
  }

  it('an operator creates a circle on a group, sees a bad polygon refused before it is sent, and deletes the circle', async () => {
    const { page, problems } = await signedIn('op');
    await page.goto(base + '/geofences');
    await page.getByText('No geofences.').waitFor();
    await page.getByRole('button', { name: 'New geofence…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New geofence' });
    await dialog.getByLabel('Name').fill('depot');
    await dialog.getByLabel('Group').selectOption('plant');
    await dialog.getByLabel('Shape').selectOption('polygon');
    await dialog.getByLabel(/Vertices/).fill('52.51 13.39, 52.51');
    await dialog.getByRole('button', { name: 'Create geofence' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'point 2 ("52.51") is not "lat lon"' }).waitFor();
    assert.equal((await t.admin.geofences.list()).items.length, 0);
    await dialog.getByLabel('Shape').selectOption('circle');
    await dialog.getByLabel('Centre latitude').fill('52.52');
    await dialog.getByLabel('Centre longitude').fill('13.40');
    await dialog.getByLabel('Radius (m)').fill('750');
    await dialog.getByRole('button', { name: 'Create geofence' }).click();
    await page.locator('tbody tr', { hasText: 'circle, 750 m around 52.52, 13.4' }).waitFor();
    const [f] = (await t.admin.geofences.list()).items;
    assert.deepEqual([f.name, f.group, f.createdBy], ['depot', 'plant', 'op']);
    await page.getByRole('button', { name: 'Delete geofence depot' }).click();
    await eventually(async () => (await t.admin.geofences.list()).items.length === 0, 30_000, 100);
    assert.deepEqual(serious(problems), []);
  });

  it('a viewer sees the fences and no control that changes them', async () => {
    await t.admin.geofences.create({
      name: 'yard',
      group: 'plant',
      shape: { kind: 'circle', center: { lat: 1, lon: 2 }, radiusM: 100 },
    });
    const { page, problems } = await signedIn('view');
    await page.goto(base + '/geofences');
    await page.locator('tbody tr', { hasText: 'yard' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'New geofence…' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Delete geofence yard' }).count(), 0);
    assert.deepEqual(serious(problems), []);
  });
});
