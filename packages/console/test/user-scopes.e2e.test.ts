import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestHub, eventually, ADMIN_PASSWORD, type TestHub } from '../../hub/test/support/test-hub.js';
import { enrollTestDevice } from '../../hub/test/support/devices.js';
import { browserMissing, buildConsole, launch, openPage, shot, signIn } from './support/browser.js';
import { PASSWORD, serious } from './support/console-env.js';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

describe('group scopes set and cleared on the Users page of the console', { skip: missing ?? false }, () => {
  let t: TestHub;
  let browser: Browser;
  let base: string;

  before(async () => {
    buildConsole();
    t = await startTestHub();
    base = t.hub.httpUrl.replace('localhost', '127.0.0.1');
    for (const path of ['plant', 'yard']) await t.admin.groups.create({ path, kind: 'static' });
    await enrollTestDevice(t, 'pump-1', { group: 'plant' });
    await enrollTestDevice(t, 'crane-1', { group: 'yard' });
    await t.admin.users.create({ username: 'pia', password: PASSWORD, role: 'operator' });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function signedIn(username: string, password: string): Promise<{ page: Page; problems: string[] }> {
    const p = await openPage(browser, { height: 1000 });
    await signIn(p.page, base, username, password);
    await p.page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
    return p;
  }

  async function editScope(page: Page, text: string) {
    await page.goto(base + '/users');
    await page.getByRole('button', { name: 'Edit scope of pia' }).click();
    const dialog = page.getByRole('dialog', { name: 'Scope of pia' });
    await dialog.getByLabel('Groups').fill(text);
    await dialog.getByRole('button', { name: 'Save scope' }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  const piaGroups = async () => (await t.admin.users.list()).items.find((u) => u.username === 'pia')?.groups ?? [];

  it('confines a user to a group from the Users page, which that user then sees alone, and lifts it again', async () => {
    const admin = await signedIn('admin', ADMIN_PASSWORD);
    await editScope(admin.page, 'plant');
    await admin.page.locator('tbody tr', { hasText: 'pia' }).getByText('plant', { exact: true }).waitFor();
    assert.deepEqual(await piaGroups(), ['plant']);
    await shot(admin.page, 'users-scope-set');

    // The confined operator's console shows the devices of its group only.
    const pia = await signedIn('pia', PASSWORD);
    await pia.page.goto(base + '/devices');
    const rows = pia.page.locator('[data-testid=devices-table][data-loading=false] tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1);
    assert.match((await rows.first().textContent()) ?? '', /pump-1/);
    assert.equal(await pia.page.getByText('crane-1').count(), 0, 'a device outside the scope is shown');
    await pia.page.context().close();

    // A path that is not a group path is refused with its reason, and the scope stays as it was.
    await admin.page.goto(base + '/users');
    await admin.page.getByRole('button', { name: 'Edit scope of pia' }).click();
    const dialog = admin.page.getByRole('dialog', { name: 'Scope of pia' });
    await dialog.getByLabel('Groups').fill('Not/A Path!');
    await dialog.getByRole('button', { name: 'Save scope' }).click();
    await dialog.getByRole('alert').waitFor();
    assert.deepEqual(await piaGroups(), ['plant']);
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await editScope(admin.page, '');
    await admin.page.locator('tbody tr', { hasText: 'pia' }).getByText('all devices').waitFor();
    assert.deepEqual(await piaGroups(), []);
    const updates = await eventually(async () => {
      const items = (await t.admin.audit.list({ action: 'user.update' })).items;
      return items.length >= 2 ? items : null;
    }, 10_000);
    assert.ok(updates.every((a) => a.actor === 'admin'));
    assert.deepEqual(
      serious(admin.problems).filter((p) => !/400/.test(p)),
      [],
    );
    await admin.page.context().close();
  });
});
