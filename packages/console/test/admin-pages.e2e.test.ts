import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestHub, eventually, ADMIN_PASSWORD, type TestHub } from '../../hub/test/support/test-hub.js';
import { enrollTestDevice } from '../../hub/test/support/devices.js';
import { browserMissing, buildConsole, launch, openPage, shot, signIn } from './support/browser.js';
import { MUTATING_LABEL, PASSWORD, serious, settled } from './support/console-env.js';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

// Controls of these pages that change something, beyond the labels every page shares.
const MUTATING_HERE =
  /^(New guard policy…|Grant writes…|Revoke…|Remove…|Delete…|New channel…|Rotate secret…|Send test|Retry|New access policy…|Save second-factor rule|New user…)$/;

describe(
  'administration in the console against a real hub: guard policies and grants, notification channels, access policies, MFA rule',
  { skip: missing ?? false },
  () => {
    let t: TestHub;
    let browser: Browser;
    let base: string;

    before(async () => {
      buildConsole();
      t = await startTestHub();
      base = t.hub.httpUrl.replace('localhost', '127.0.0.1');
      await enrollTestDevice(t, 'plc-gw-1');
      await t.admin.groups.create({ path: 'plant', kind: 'static', description: 'pumping station' });
      await t.admin.groups.addMembers('plant', { deviceIds: ['plc-gw-1'] });
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

    async function signedIn(username: string, height = 900): Promise<{ page: Page; problems: string[] }> {
      const p = await openPage(browser, { height });
      await signIn(p.page, base, username, username === 'admin' ? ADMIN_PASSWORD : PASSWORD);
      await p.page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
      return p;
    }

    it('sets a guard policy for a static group, checks its fields, and changes it to a new version', async () => {
      const { page, problems } = await signedIn('op', 1000);
      await page.goto(base + '/guard');
      await page.getByText('No policy set from the hub').waitFor();
      await page.getByRole('button', { name: 'New guard policy…' }).click();
      const dialog = page.getByRole('dialog', { name: 'New guard policy' });
      await dialog.getByLabel('Group', { exact: true }).selectOption('plant');
      await dialog.getByLabel('Mode', { exact: true }).selectOption('enforce');
      await dialog.getByRole('checkbox', { name: /Write \(function codes/ }).check();
      await dialog.getByLabel('Allowed masters').fill('10.0.0.5, 10.0.0.6');
      await dialog.getByLabel('Allowed unit ids').fill('1 2 70000');
      await dialog.getByRole('button', { name: 'Add range' }).click();
      await dialog.getByLabel('Table of range 1').selectOption('holding');
      await dialog.getByLabel('First address of range 1').fill('0');
      await dialog.getByLabel('Last address of range 1').fill('99');
      await dialog.getByRole('button', { name: 'Save policy' }).click();
      // Checked before it is sent: nothing reaches the hub.
      await dialog
        .getByRole('alert')
        .filter({ hasText: 'Unit id "70000" is not a whole number from 0 to 65535.' })
        .waitFor();
      assert.equal((await t.admin.guard.policies()).items.length, 0);
      await dialog.getByLabel('Allowed unit ids').fill('1 2');
      await shot(page, 'guard-policy-dialog');
      await dialog.getByRole('button', { name: 'Save policy' }).click();
      await page.getByTestId('guard-policies').locator('tbody tr', { hasText: 'plant' }).waitFor();

      const [set] = (await t.admin.guard.policies()).items;
      assert.deepEqual([set.scope, set.target, set.createdBy], ['group', 'plant', 'op']);
      assert.deepEqual(set.policy, {
        mode: 'enforce',
        allowedClasses: ['read', 'write'],
        readOnly: true,
        onViolation: 'exception',
        allowedMasters: ['10.0.0.5', '10.0.0.6'],
        allowedUnits: [1, 2],
        addressRanges: [{ table: 'holding', start: 0, end: 99 }],
      });
      assert.equal(
        (await t.admin.guard.status('plc-gw-1')).policy?.version,
        set.version,
        'the device in the group is governed by it',
      );

      await page.getByRole('button', { name: 'Edit the group plant policy' }).click();
      const edit = page.getByRole('dialog', { name: 'Guard policy of group plant' });
      assert.equal(await edit.getByLabel('Allowed masters').inputValue(), '10.0.0.5, 10.0.0.6');
      await edit.getByLabel('Mode', { exact: true }).selectOption('alert');
      await edit.getByLabel('Drop it silently').check();
      await edit.getByRole('button', { name: 'Save policy' }).click();
      await page.getByTestId('guard-policies').locator('tbody tr', { hasText: 'alert' }).waitFor();
      const [changed] = (await t.admin.guard.policies()).items;
      assert.ok(changed.version > set.version);
      assert.deepEqual(
        [changed.policy?.mode, changed.policy?.onViolation, changed.policy?.addressRanges],
        ['alert', 'drop', set.policy?.addressRanges],
      );
      await page.getByRole('button', { name: 'Versions of the group plant policy' }).click();
      const versions = page.getByRole('dialog', { name: 'Versions of the group plant policy' });
      await versions.getByRole('cell', { name: `v${set.version}`, exact: true }).waitFor();
      await versions.getByRole('button', { name: 'Close' }).click();
      await shot(page, 'guard-policies');
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });

    it('grants writes on an enrolled device from the console and revokes the grant with a reason', async () => {
      const { page, problems } = await signedIn('op');
      await page.goto(base + '/guard');
      await page.getByRole('button', { name: 'Grant writes…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Grant writes' });
      await dialog.getByLabel('Device', { exact: true }).fill('plc-gw-1');
      await dialog.getByLabel('Unit id').fill('1');
      await dialog.getByLabel('Table', { exact: true }).selectOption('holding');
      await dialog.getByLabel('First address').fill('10');
      await dialog.getByLabel('Last address').fill('19');
      await dialog.getByLabel('For', { exact: true }).selectOption({ label: '30 minutes' });
      await dialog.getByLabel('Reason').fill('replace the flow sensor, WO-1234');
      await shot(page, 'guard-grant-dialog');
      await dialog.getByRole('button', { name: 'Grant writes' }).click();
      const row = page.getByTestId('guard-grants').locator('tbody tr', { hasText: 'plc-gw-1' });
      await row.waitFor();
      assert.match((await row.textContent()) ?? '', /unit 1, holding 10–19.*replace the flow sensor, WO-1234.*op/);

      const [g] = (await t.admin.guard.grants({ active: true })).items;
      assert.deepEqual(
        [g.deviceId, g.unit, g.table, g.start, g.end, g.grantedBy],
        ['plc-gw-1', 1, 'holding', 10, 19, 'op'],
      );
      assert.ok(Math.abs(g.expiresAt - Date.now() - 1800_000) < 60_000, 'granted for 30 minutes');
      await shot(page, 'guard-grants');

      await row.getByRole('button', { name: /^Revoke the grant on plc-gw-1/ }).click();
      const revoke = page.getByRole('dialog', { name: 'Revoke write grant' });
      await revoke.getByLabel('Reason').fill('sensor replaced');
      await revoke.getByRole('button', { name: 'Revoke grant' }).click();
      await page.getByText('No write grant is active').waitFor();
      const [done] = (await t.admin.guard.grants({ deviceId: 'plc-gw-1' })).items;
      assert.deepEqual(
        [done.id, done.state, done.revokeReason, done.revokedBy],
        [g.id, 'revoked', 'sensor replaced', 'op'],
      );
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });

    it('creates a webhook channel, shows its signing secret once, rotates it, and retries a dead letter', async () => {
      const { page, problems } = await signedIn('admin');
      await page.goto(base + '/alerts?tab=notifications');
      await page.getByText('No channel: alerts show here only.').waitFor();
      await page.getByText('No dead letters').waitFor();
      await page.getByRole('button', { name: 'New channel…' }).click();
      const dialog = page.getByRole('dialog', { name: 'New notification channel' });
      await dialog.getByLabel('Name', { exact: true }).fill('ops webhook');
      await dialog.getByLabel('Kind', { exact: true }).selectOption('webhook');
      // Nothing listens on the discard port: deliveries fail and, after one attempt, become dead letters.
      await dialog.getByLabel('URL', { exact: true }).fill('http://127.0.0.1:9/outpost');
      await dialog.getByLabel('Delivery attempts before a dead letter').fill('1');
      await shot(page, 'channel-dialog');
      await dialog.getByRole('button', { name: 'Create channel' }).click();

      const once = page.getByRole('dialog', { name: 'Signing secret of ops webhook' });
      const first = await once.getByRole('textbox', { name: 'Signing secret' }).inputValue();
      assert.match(first, /^whsec_\S{20,}$/);
      await shot(page, 'channel-secret-once');
      await once.getByRole('button', { name: 'Close' }).click();
      await page.getByTestId('channels-table').locator('tbody tr', { hasText: 'ops webhook' }).waitFor();
      assert.equal(
        await page.getByRole('textbox', { name: 'Signing secret' }).count(),
        0,
        'the secret is gone once closed',
      );
      assert.equal(await page.locator('body', { hasText: first }).count(), 0);
      const [ch] = (await t.admin.channels.list()).items;
      assert.deepEqual(
        [ch.name, ch.kind, ch.hasSecret, ch.config.url, ch.retry.maxAttempts],
        ['ops webhook', 'webhook', true, 'http://127.0.0.1:9/outpost', 1],
      );

      await page.getByRole('button', { name: 'Rotate the signing secret of ops webhook' }).click();
      await page
        .getByRole('dialog', { name: 'Rotate signing secret' })
        .getByRole('button', { name: 'Rotate secret' })
        .click();
      const rotated = await once.getByRole('textbox', { name: 'Signing secret' }).inputValue();
      assert.match(rotated, /^whsec_/);
      assert.notEqual(rotated, first);
      await once.getByRole('button', { name: 'Close' }).click();

      await page.getByRole('button', { name: 'Send a test message on ops webhook' }).click();
      await page.getByRole('status').filter({ hasText: 'Test message queued for ops webhook' }).waitFor();
      const dead = await eventually(async () => (await t.admin.notifications.deadLetters()).items[0], 20_000, 200);
      await page.getByRole('button', { name: 'Refresh' }).click();
      const row = page.getByTestId('dead-letters').locator('tbody tr', { hasText: 'ops webhook' });
      await row.waitFor();
      await shot(page, 'notifications');
      await row.getByRole('button', { name: `Retry message ${dead.id} on ops webhook` }).click();
      await eventually(
        async () =>
          (await t.admin.audit.list({ action: 'notification.retry' })).items.find(
            (a) => a.target === `notification_message:${dead.id}`,
          ),
        10_000,
        200,
      );
      // Sent again at the back of the channel's queue, refused again, and a dead letter once more.
      await eventually(
        async () => {
          const m = await t.admin.notifications.get(dead.id);
          return m.seq > dead.seq && m.state === 'dead' && m.attempts === 1;
        },
        20_000,
        200,
      );
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });

    it('creates an access policy for a group, refusing a subnet target, and changes its conditions', async () => {
      const { page, problems } = await signedIn('admin', 1000);
      await page.goto(base + '/access');
      await page.getByText('No access policy: nobody can open a session.').waitFor();
      await page.getByRole('button', { name: 'New access policy…' }).click();
      const dialog = page.getByRole('dialog', { name: 'New access policy' });
      await dialog.getByLabel('Name', { exact: true }).fill('plant-maintenance');
      await dialog.getByLabel('Group', { exact: true }).selectOption('plant');
      await dialog.getByLabel('Targets').fill('console tcp:10.1.2.0/24');
      await dialog.getByRole('button', { name: 'Create policy' }).click();
      await dialog.getByRole('alert').filter({ hasText: 'subnets, ranges and wildcards are not allowed' }).waitFor();
      await dialog.getByLabel('Targets').fill('console tcp:502 serial:ttyS1 tcp:plc-7.local:502');
      await dialog.getByLabel('A second person approves each session').check();
      await dialog.getByLabel('Longest session (minutes)').fill('120');
      await dialog.getByLabel('Sessions at once').fill('2');
      await dialog.getByLabel('Second factor proved within (seconds)').fill('600');
      await shot(page, 'access-policy-dialog');
      await dialog.getByRole('button', { name: 'Create policy' }).click();
      await page.getByTestId('access-policies').locator('tbody tr', { hasText: 'plant-maintenance' }).waitFor();
      let [p] = (await t.admin.access.policies()).items;
      assert.deepEqual(
        [
          p.name,
          p.group,
          p.deviceId,
          p.targets,
          p.roles,
          p.maxDurationS,
          p.requireReason,
          p.requireApproval,
          p.mfaMaxAgeS,
          p.maxConcurrent,
          p.captureTcp,
        ],
        [
          'plant-maintenance',
          'plant',
          null,
          ['console', 'tcp:502', 'serial:ttyS1', 'tcp:plc-7.local:502'],
          ['operator', 'admin'],
          7200,
          true,
          true,
          600,
          2,
          false,
        ],
      );

      await page.getByRole('button', { name: 'Edit access policy plant-maintenance' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit access policy plant-maintenance' });
      await edit.getByLabel('admins', { exact: true }).uncheck();
      await edit.getByLabel('Ask for a fresh second factor').uncheck();
      await edit.getByRole('button', { name: 'Save policy' }).click();
      await page.getByTestId('access-policies').locator('tbody tr', { hasText: 'no fresh second factor' }).waitFor();
      [p] = (await t.admin.access.policies()).items;
      assert.deepEqual([p.roles, p.mfaMaxAgeS, p.maxConcurrent], [['operator'], null, 2]);
      await page.getByRole('heading', { name: 'Policies' }).scrollIntoViewIfNeeded();
      await shot(page, 'access-policies');
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });

    it('sets which roles must have a second factor on the Users page', async () => {
      const { page, problems } = await signedIn('admin', 1000);
      await page.goto(base + '/users');
      const card = page.getByRole('region', { name: 'Second factor by role' });
      const save = card.getByRole('button', { name: 'Save second-factor rule' });
      await card.getByLabel('operators', { exact: true }).waitFor();
      assert.ok(await save.isDisabled(), 'nothing to save before a change');
      await card.getByLabel('operators', { exact: true }).check();
      await save.click();
      await card.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      assert.deepEqual(await t.admin.mfa.policy(), {
        viewer: false,
        operator: true,
        admin: false,
        technician: false,
        auditor: false,
      });
      await card.getByLabel('admins', { exact: true }).check();
      await card.getByText('You have no second factor yet').waitFor();
      await shot(page, 'users-mfa-policy');
      assert.ok((await t.admin.audit.list({ action: 'mfa.policy.update' })).items.some((a) => a.actor === 'admin'));
      // Back as it was, so the other sessions of this file are not confined to setting up a factor.
      await t.admin.mfa.setPolicy({ operator: false });
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });

    it("resets a user's password on the Users page, shown once, and that user changes it on their account page", async () => {
      await t.admin.users.create({ username: 'maren', password: PASSWORD, role: 'operator' });
      const { page, problems } = await signedIn('admin', 1000);
      await page.goto(base + '/users');
      const row = page.locator('tbody tr', { hasText: 'maren' });
      await row.getByRole('button', { name: 'Reset password' }).click();
      await page
        .getByRole('dialog', { name: 'Reset password' })
        .getByRole('button', { name: 'Reset and sign out' })
        .click();
      const issued = page.getByRole('status').filter({ hasText: 'New password of maren (shown once)' });
      const password = await issued.getByRole('textbox', { name: 'Password' }).inputValue();
      assert.match(password, /^[A-Za-z0-9_-]{20}$/);
      await page.context().close();

      const tech = await openPage(browser, { height: 1000 });
      await signIn(tech.page, base, 'maren', password);
      await tech.page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
      await tech.page.goto(base + '/account');
      const form = tech.page.getByRole('form', { name: 'Change password' });
      await form.getByLabel('Current password').fill('not-the-password');
      await form.getByLabel('New password (at least 10 characters)').fill('tech-own-password-1');
      await form.getByLabel('New password again').fill('tech-own-password-1');
      await form.getByRole('button', { name: 'Change password' }).click();
      await form.getByRole('alert').filter({ hasText: 'the current password is wrong' }).waitFor();
      await form.getByLabel('Current password').fill(password);
      await form.getByRole('button', { name: 'Change password' }).click();
      await form.getByRole('status').filter({ hasText: 'Password changed.' }).waitFor();
      const actions = (await t.admin.audit.list({ action: 'user.password_change' })).items.map((a) => a.outcome);
      assert.deepEqual(actions.sort(), ['denied', 'ok']);
      assert.deepEqual(
        serious([...problems, ...tech.problems]).filter((p) => !/401|400/.test(p)),
        [],
      );
      await tech.page.context().close();
    });

    it('shows a viewer the policies, grants, channels and dead letters with no control that changes them', async () => {
      await t.admin.guard.grant('plc-gw-1', {
        unit: 2,
        table: 'coil',
        start: 0,
        end: 7,
        durationS: 600,
        reason: 'valve test',
      });
      const pages: Array<[string, string, string]> = [
        ['/guard', 'OT guard', 'guard-grants'],
        ['/alerts?tab=notifications', 'Alerts', 'dead-letters'],
        ['/access', 'Remote access', 'access-policies'],
        ['/users', 'Users', ''],
      ];
      const check = async (page: Page) => ({
        mutating: await page.locator('[data-mutates]').count(),
        labels: (await page.getByRole('button').allTextContents())
          .map((l) => l.trim())
          .filter((l) => MUTATING_LABEL.test(l) || MUTATING_HERE.test(l)),
      });
      const { page, problems } = await signedIn('view');
      for (const [path, heading, table] of pages) {
        await page.goto(base + path);
        await page.getByRole('heading', { name: heading, exact: true }).waitFor();
        if (table) await page.getByTestId(table).locator('tbody tr').first().waitFor();
        await settled(page);
        assert.deepEqual(await check(page), { mutating: 0, labels: [] }, path);
      }
      await page.goto(base + '/guard');
      await page.getByTestId('guard-policies').locator('tbody tr', { hasText: 'plant' }).waitFor();
      await page.getByTestId('guard-grants').locator('tbody tr', { hasText: 'valve test' }).waitFor();
      await settled(page);
      await shot(page, 'viewer-guard');
      await page.goto(base + '/users');
      await page.getByRole('alert').filter({ hasText: 'Your role does not allow this.' }).waitFor();
      assert.equal(await page.getByRole('region', { name: 'Second factor by role' }).count(), 0);
      assert.deepEqual(serious(problems), []);
      await page.context().close();

      // An operator sees guard controls and can send a test, but channels stay an admin's.
      const op = await signedIn('op');
      await op.page.goto(base + '/guard');
      await op.page.getByRole('button', { name: 'Grant writes…' }).waitFor();
      assert.ok((await check(op.page)).mutating > 0);
      await op.page.goto(base + '/alerts?tab=notifications');
      await op.page.getByRole('button', { name: 'Send a test message on ops webhook' }).waitFor();
      assert.equal(await op.page.getByRole('button', { name: 'New channel…' }).count(), 0);
      await op.page.goto(base + '/access');
      await op.page.getByTestId('access-policies').waitFor();
      assert.equal(await op.page.getByRole('button', { name: 'New access policy…' }).count(), 0);
      await op.page.context().close();
    });
  },
);
