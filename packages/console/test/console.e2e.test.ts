import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { createClient } from '@outpost/client';
import { ADMIN_PASSWORD } from '../../hub/test/support/test-hub.js';
import { totpCode } from '../../hub/src/domains/users/totp.js';
import { browserMissing, openPage, shot, signIn } from './support/browser.js';
import { MUTATING_LABEL, PASSWORD, serious, settled, startConsoleEnv, type ConsoleEnv } from './support/console-env.js';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

describe(
  'web console in Chromium against a real hub and simulated devices: fleet and roles',
  { skip: missing ?? false },
  () => {
    let env: ConsoleEnv;
    before(async () => {
      env = await startConsoleEnv();
    });
    after(async () => env?.stop());

    it('signs in, shows the fleet at a glance, and moves presence counts live', async () => {
      const { page, problems } = await openPage(env.browser);
      await page.goto(env.base + '/');
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await shot(page, 'sign-in');
      await signIn(page, env.base, 'admin', 'wrong-password');
      await page.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();
      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
      await page.getByTestId('tile-online').locator('.tile-value', { hasText: /^6$/ }).waitFor();
      await page.getByText('Live', { exact: true }).waitFor();
      await page.getByRole('heading', { name: 'Firmware versions' }).waitFor();
      await page.waitForTimeout(300);
      await shot(page, 'dashboard');

      // A device drops: the tiles follow without a reload.
      await env.sim.agents[5].stop({ clean: false });
      await page.getByTestId('tile-offline').locator('.tile-value', { hasText: /^1$/ }).waitFor({ timeout: 15_000 });
      await page.getByTestId('tile-online').locator('.tile-value', { hasText: /^5$/ }).waitFor();
      // Each figure opens the list behind it.
      await page.getByTestId('tile-offline').click();
      await page
        .getByTestId('devices-table')
        .and(page.locator('[data-filter="offline"][data-loading="false"]'))
        .waitFor();
      assert.equal(await page.locator('[data-testid=devices-table] tbody tr').count(), 1);
      env.sim.agents[5].start();
      await page.getByTestId('devices-table').locator('tbody tr .presence-online').waitFor({ timeout: 15_000 });
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });

    it('finds a device by filter, sends it a command and shows the result', async () => {
      const { page, problems } = await env.signedIn('op');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
      await page.locator('[data-testid=devices-table][data-loading=false] tbody tr').first().waitFor();
      assert.equal(await page.locator('[data-testid=devices-table] tbody tr').count(), 6);
      await shot(page, 'devices');

      // A mistake is shown where it is, with the hub's words.
      await page.getByLabel('Device filter').fill('model == "ser-2x"');
      await page.getByLabel('Device filter').press('Enter');
      const problem = page.locator('#filter-problem');
      await problem.waitFor();
      assert.equal(await problem.locator('mark').textContent(), '==');
      assert.match((await problem.textContent()) ?? '', /use "="/);
      assert.equal(await page.getByLabel('Device filter').getAttribute('aria-invalid'), 'true');
      await shot(page, 'devices-filter-error');

      await page.getByLabel('Device filter').fill('name ~ "00004" and online');
      await page.getByLabel('Device filter').press('Enter');
      await page
        .locator('[data-testid=devices-table][data-loading=false][data-filter="name ~ \\"00004\\" and online"]')
        .waitFor();
      const rows = page.locator('[data-testid=devices-table] tbody tr');
      assert.equal(await rows.count(), 1);
      assert.match(page.url(), /filter=name/);
      await rows.first().getByRole('link', { name: 'sim-00004' }).click();
      await page.getByRole('heading', { name: /sim-00004/ }).waitFor();
      await page.getByRole('heading', { name: 'Certificates' }).waitFor();
      await page.waitForTimeout(300);
      await shot(page, 'device');

      await page.getByRole('tab', { name: 'Health' }).click();
      await page.locator('.chart canvas').first().waitFor();
      await shot(page, 'device-health');

      await page.getByRole('tab', { name: 'Commands' }).click();
      await page.getByLabel('Command', { exact: true }).fill('ping');
      await page.getByRole('button', { name: 'Send command' }).click();
      const row = page.getByTestId('commands-table').locator('tbody tr').first();
      await row.locator('.badge', { hasText: 'succeeded' }).waitFor({ timeout: 15_000 });
      assert.match((await row.textContent()) ?? '', /"pong": true/);
      await shot(page, 'device-commands');
      const sent = await env.t.admin.devices.commands('sim-00004');
      assert.equal(sent.items[0].createdBy, 'op');
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });

    it('tags a selection and commands every match, naming the count before it happens', async () => {
      const { page } = await env.signedIn('op');
      await page.goto(env.base + '/devices?filter=' + encodeURIComponent('model = "gw-300" or model = "ser-2x"'));
      await page.locator('[data-testid=devices-table][data-loading=false] tbody tr').first().waitFor();
      const n = await page.locator('[data-testid=devices-table] tbody tr').count();
      assert.equal(n, 4);
      await page.getByRole('checkbox', { name: 'Select sim-00002' }).check();
      await page.getByRole('checkbox', { name: 'Select sim-00004' }).check();
      await page.getByRole('button', { name: 'Tag…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Tag devices' });
      await dialog.getByText('This touches the 2 selected devices.').waitFor();
      await dialog.getByLabel('Tag key').fill('rack');
      await dialog.getByLabel('Value').fill('r7');
      await shot(page, 'bulk-tag');
      await dialog.getByRole('button', { name: 'Tag 2 devices' }).click();
      await dialog.getByText('Tagged 2 devices.').waitFor();
      await dialog.getByRole('button', { name: 'Close' }).click();
      const tagged = await env.t.admin.devices.list({ filter: 'tag.rack = "r7"', count: true });
      assert.deepEqual(tagged.items.map((d) => d.id).sort(), ['sim-00002', 'sim-00004']);

      // Every device the filter matches, not just the page: the dialog says how many.
      await page.getByRole('checkbox', { name: 'Select every device on this page' }).check();
      const bar = page.getByRole('region', { name: 'Bulk actions' });
      await bar.getByText('4', { exact: true }).waitFor();
      await page.getByRole('button', { name: 'Command…' }).click();
      const cmd = page.getByRole('dialog', { name: 'Send a command' });
      await cmd.getByText('This touches the 4 selected devices.').waitFor();
      await cmd.getByRole('button', { name: 'Send to 4 devices' }).click();
      await cmd.getByText(/Sent "ping" to 4 devices/).waitFor();
      await cmd.locator('.count-succeeded strong', { hasText: '4' }).waitFor({ timeout: 15_000 });
      await shot(page, 'bulk-command');
      await page.context().close();
    });

    it('keeps saved views on the hub: one shared by an operator opens for a viewer in another browser', async () => {
      const filter = 'model = "gw-300" or model = "ser-2x"';
      const { page, problems } = await env.signedIn('op');
      // A view an earlier console kept in this browser moves to the hub on first load.
      await page.evaluate(
        `localStorage.setItem('outpost.devices.views', JSON.stringify([{ name: 'from this browser', filter: 'online', sort: 'name', order: 'asc', columns: ['name'] }]))`,
      );
      await page.goto(env.base + '/devices?sort=firmware&order=desc&filter=' + encodeURIComponent(filter));
      await page.locator('[data-testid=devices-table][data-loading=false] tbody tr').first().waitFor();
      await page.getByRole('button', { name: 'Save view' }).click();
      const dialog = page.getByRole('dialog', { name: 'Save this view' });
      await dialog.getByLabel('Name').fill('gateways and serial');
      await dialog.getByLabel(/Share with everyone/).check();
      await shot(page, 'devices-save-view');
      await dialog.getByRole('button', { name: 'Save view' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const select = page.getByLabel('Saved views', { exact: true });
      await select.locator('option', { hasText: 'gateways and serial (shared)' }).waitFor({ state: 'attached' });
      assert.deepEqual(await select.locator('optgroup[label="Your views"] option').allTextContents(), [
        'from this browser',
        'gateways and serial (shared)',
      ]);
      assert.equal(await page.evaluate(`localStorage.getItem('outpost.devices.views')`), null);
      assert.deepEqual(serious(problems), []);
      await page.context().close();

      // Another user, another browser context (nothing in its storage): the shared view is there, the private one is not.
      const viewer = await env.signedIn('view');
      await viewer.page.goto(env.base + '/devices');
      await viewer.page.locator('[data-testid=devices-table][data-loading=false] tbody tr').first().waitFor();
      const theirs = viewer.page.getByLabel('Saved views', { exact: true });
      await theirs.locator('option', { hasText: 'gateways and serial (op)' }).waitFor({ state: 'attached' });
      assert.equal(await theirs.locator('option', { hasText: 'from this browser' }).count(), 0);
      await theirs.selectOption({ label: 'gateways and serial (op)' });
      await viewer.page
        .locator(`[data-testid=devices-table][data-loading=false][data-filter=${JSON.stringify(filter)}]`)
        .waitFor();
      assert.equal(await viewer.page.locator('[data-testid=devices-table] tbody tr').count(), 4);
      assert.match(viewer.page.url(), /sort=firmware/);
      assert.match(viewer.page.url(), /order=desc/);
      // A viewer keeps views of their own too, and cannot forget someone else's.
      await viewer.page.getByRole('button', { name: 'Save view' }).click();
      const mine = viewer.page.getByRole('dialog', { name: 'Save this view' });
      await mine.getByLabel('Name').fill('my serial servers');
      await mine.getByRole('button', { name: 'Save view' }).click();
      await mine.waitFor({ state: 'hidden' });
      await theirs
        .locator('optgroup[label="Your views"] option', { hasText: 'my serial servers' })
        .waitFor({ state: 'attached' });
      await viewer.page.getByLabel('Manage saved views').first().click();
      assert.equal(await viewer.page.getByRole('button', { name: /Forget view gateways and serial/ }).count(), 0);
      await viewer.page.getByRole('button', { name: 'Forget view my serial servers' }).waitFor();
      assert.deepEqual(serious(viewer.problems), []);
      await viewer.page.context().close();
    });

    it('signs in with an authenticator code when the account has one', async () => {
      await env.t.admin.users.create({ username: 'otp-op', password: PASSWORD, role: 'operator' });
      const c = createClient({ baseUrl: env.t.hub.httpUrl, caPem: env.t.hub.caPem });
      const me = createClient({
        baseUrl: env.t.hub.httpUrl,
        caPem: env.t.hub.caPem,
        session: (await c.login('otp-op', PASSWORD)).session,
      });
      const { secret } = await me.mfa.enroll();
      await me.mfa.confirm(await totpCode(secret, Date.now()));

      const { page, problems } = await openPage(env.browser);
      await signIn(page, env.base, 'otp-op', PASSWORD);
      const code = page.getByLabel('Authenticator code');
      await code.waitFor();
      await shot(page, 'sign-in-totp');
      await code.fill('000000');
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('alert').filter({ hasText: 'That code is wrong or has expired' }).waitFor();
      // The code of the next 30-second step: the one used to confirm cannot be replayed (RFC 6238 §5.2).
      await code.fill(await totpCode(secret, Date.now() + 30_000));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });

    it('gives a viewer no control that changes anything', async () => {
      const pages: Array<[string, string]> = [
        ['/', 'Fleet at a glance'],
        ['/devices', 'Devices'],
        ['/devices/sim-00001', 'sim-00001'],
        ['/groups', 'Groups'],
        ['/health', 'Health'],
        ['/audit', 'Audit log'],
        ['/tokens', 'API tokens'],
      ];
      const check = async (page: Page) => {
        const mutating = await page.locator('[data-mutates]').count();
        const labels = await page.getByRole('button').allTextContents();
        return {
          mutating,
          labels,
          checkboxes: await page.locator('[data-testid=devices-table] input[type=checkbox]').count(),
        };
      };
      const { page, problems } = await env.signedIn('view');
      for (const [path, heading] of pages) {
        await page.goto(env.base + path);
        await page.getByRole('heading', { name: heading }).first().waitFor();
        await settled(page);
        const r = await check(page);
        assert.equal(r.mutating, 0, `${path}: ${r.mutating} mutating controls`);
        assert.equal(r.checkboxes, 0, `${path}: selection checkboxes`);
        assert.deepEqual(
          r.labels.filter((l) => MUTATING_LABEL.test(l.trim())),
          [],
          path,
        );
      }
      for (const tab of ['Traffic', 'Commands', 'Settings', 'Alerts', 'Remote access']) {
        await page.goto(env.base + '/devices/sim-00001');
        await page.getByRole('tab', { name: tab }).click();
        await settled(page);
        assert.equal((await check(page)).mutating, 0, tab);
      }
      await page.goto(env.base + '/devices');
      await page.locator('[data-testid=devices-table][data-loading=false] tbody tr').first().waitFor();
      await shot(page, 'viewer-devices');
      const nav = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
      assert.ok(!nav.includes('Users') && !nav.includes('Enrollment'), nav.join());
      assert.deepEqual(serious(problems), []);
      await page.context().close();

      // The same pages as an operator do show them: the check above can fail.
      const op = await env.signedIn('op');
      await op.page.goto(env.base + '/devices/sim-00001');
      await op.page.getByRole('tab', { name: 'Commands' }).click();
      assert.ok((await check(op.page)).mutating > 0);
      await op.page.context().close();
    });

    it('returns to sign-in with a reason when the session ends underneath the page', async () => {
      await env.t.admin.users.create({ username: 'short', password: PASSWORD, role: 'viewer' });
      const { page } = await env.signedIn('short');
      const users = await env.t.admin.users.list();
      // Disabling a user ends their sessions at once, as an expiry would.
      await env.t.admin.users.update(users.items.find((u) => u.username === 'short')!.id, { disabled: true });
      // The next request fails with 401 and the page says why. A live update may get there first,
      // so the click is only a nudge.
      const groups = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Groups' });
      await groups.click({ timeout: 2000 }).catch(() => undefined);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.getByText('Your session has ended. Sign in again to continue.').waitFor();
      await page.context().close();
    });

    it('reads well on a tablet', async () => {
      const { page } = await env.signedIn('admin', { width: 820, height: 1180 });
      await page.getByTestId('tile-online').waitFor();
      await shot(page, 'tablet-dashboard');
      const menu = page.getByRole('button', { name: 'Menu' });
      await menu.click();
      assert.equal(await menu.getAttribute('aria-expanded'), 'true');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
      await page.locator('[data-testid=devices-table][data-loading=false] tbody tr').first().waitFor();
      assert.equal(await menu.getAttribute('aria-expanded'), 'false');
      await shot(page, 'tablet-devices');
      await page.context().close();
    });
  },
);
