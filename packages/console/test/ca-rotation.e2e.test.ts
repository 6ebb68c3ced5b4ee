import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestHub, eventually, ADMIN_PASSWORD, type TestHub } from '../../hub/test/support/test-hub.js';
import { enrollTestDevice } from '../../hub/test/support/devices.js';
import { browserMissing, buildConsole, launch, openPage, shot, signIn } from './support/browser.js';
import { PASSWORD, serious, settled } from './support/console-env.js';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

describe('CA rotation in the console', { skip: missing ?? false, timeout: 180_000 }, () => {
  let t: TestHub;
  let browser: Browser;
  let base: string;

  before(async () => {
    buildConsole();
    t = await startTestHub();
    base = t.hub.httpUrl.replace('localhost', '127.0.0.1');
    await enrollTestDevice(t, 'ca-view-1');
    await t.admin.users.create({ username: 'op', password: PASSWORD, role: 'operator' });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function signedIn(username: string): Promise<{ page: Page; problems: string[] }> {
    const p = await openPage(browser, { height: 1000 });
    await signIn(p.page, base, username, username === 'admin' ? ADMIN_PASSWORD : PASSWORD);
    await p.page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
    return p;
  }
  const row = (page: Page, id: string) =>
    page.getByRole('region', { name: 'Certificate authorities' }).locator('tbody tr', { hasText: id });

  it('rotates the CA, shows the certificates still on the old one, and retires it after saying what forcing costs', async () => {
    const { page, problems } = await signedIn('admin');
    await page.goto(base + '/enrollment');
    await row(page, 'ca-1').filter({ hasText: 'active' }).waitFor();
    await page.getByRole('button', { name: 'Rotate the CA…' }).click();
    await page
      .getByRole('dialog', { name: 'Rotate the CA' })
      .getByRole('button', { name: 'Create the new CA' })
      .click();
    await row(page, 'ca-2').filter({ hasText: 'active' }).waitFor();
    await row(page, 'ca-1').filter({ hasText: 'retiring' }).waitFor();
    assert.match(await row(page, 'ca-1').innerText(), /retiring\s+1\s+1\s+serves/);
    await page.getByText('1 device(s) still on a retiring CA.').waitFor();
    await shot(page, 'certificate-authorities');

    await page.goto(base + '/');
    await page.getByTestId('certs-on').filter({ hasText: '1' }).waitFor();

    await page.goto(base + '/enrollment');
    await row(page, 'ca-1').getByRole('button', { name: 'Retire…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Retire ca-1' });
    await dialog.getByText('1 live certificate is revoked.').waitFor();
    await dialog.getByRole('button', { name: 'Retire anyway' }).click();
    await row(page, 'ca-1').filter({ hasText: 'retired' }).waitFor();
    // Read from the hub's own database: while the hub swaps its server certificate to the new CA an
    // HTTPS client pinned to either CA may meet the other one, which is not what this test is about.
    const row_ = await eventually(() =>
      t.hub.db
        .selectFrom('audit_log')
        .select(['actor', 'details_json'])
        .where('target', '=', 'pki_ca:ca-1')
        .where('action', '=', 'pki.ca.retire')
        .executeTakeFirst(),
    );
    const retired = { actor: row_.actor, details: JSON.parse(row_.details_json) as Record<string, unknown> };
    assert.deepEqual([retired.actor, retired.details.forced, retired.details.revokedCertificates], ['admin', true, 1]);
    await page.goto(base + '/devices/ca-view-1');
    await page.getByText('its CA was retired').first().waitFor();
    await settled(page);
    assert.deepEqual(serious(problems), []);
  });

  it('shows an operator the enrollment tokens but not the CAs', async () => {
    const { page } = await signedIn('op');
    await page.goto(base + '/enrollment');
    await page.getByRole('heading', { name: 'Enrollment tokens' }).waitFor();
    await settled(page);
    assert.equal(await page.getByRole('heading', { name: 'Certificate authorities' }).count(), 0);
  });
});
