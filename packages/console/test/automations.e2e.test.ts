import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ApiError } from '@outpost/client';
import { browserMissing, shot, signIn } from './support/browser.js';
import { PASSWORD, serious, settled, startConsoleEnv, type ConsoleEnv } from './support/console-env.js';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

const NORTH = ['sim-00001', 'sim-00002', 'sim-00003'];

/** Waits (polling from here: the console's CSP refuses in-page predicates) until `check` holds. */
async function until(page: Page, what: string, check: () => Promise<boolean>, timeoutMs = 90_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what}: not after ${timeoutMs / 1000} s`);
    await page.waitForTimeout(200);
  }
}

describe(
  'automations and schedules in the web console (Chromium, real hub, simulated devices)',
  { skip: missing ?? false },
  () => {
    let env: ConsoleEnv;
    before(async () => {
      env = await startConsoleEnv();
      await env.t.admin.groups.addMembers('north', { deviceIds: NORTH });
    });
    after(async () => env?.stop());

    it('builds a manual automation on a group, dry-runs it, runs it and shows each device’s steps', async () => {
      const { page, problems } = await env.signedIn('op');
      await page.getByRole('link', { name: 'Automations' }).click();
      await page.getByRole('heading', { name: 'Automations' }).waitFor();
      await page.getByRole('button', { name: 'New automation…' }).click();
      await page.getByRole('heading', { name: 'New automation' }).waitFor();
      await page.getByLabel('Name').fill('ping-north');

      // A problem the hub finds is shown at its field: a time zone that does not exist.
      await page.getByLabel('Runs when').selectOption('cron');
      await page.getByLabel('Time zone').fill('Mars/Olympus_Mons');
      await page.getByLabel('Target group').selectOption('north');
      await page.getByRole('button', { name: 'Create automation' }).click();
      const tzError = page.locator('.field-invalid', { has: page.getByLabel('Time zone') }).locator('.field-error');
      await tzError.waitFor();
      assert.match((await tzError.textContent()) ?? '', /time zone/i);
      await page.getByLabel('Runs when').selectOption('manual');

      // Two steps: the `ping` command, then a one-second wait; a third added, moved up and removed.
      const steps = page.getByTestId('step');
      assert.equal(await steps.first().getByLabel('Command').inputValue(), 'ping');
      await page.getByRole('button', { name: 'Add step' }).click();
      await steps.nth(1).getByLabel('Type').selectOption('wait');
      await steps.nth(1).getByLabel('Wait for (s)').fill('1');
      await page.getByRole('button', { name: 'Add step' }).click();
      await steps.nth(2).getByLabel('Type').selectOption('reboot');
      await page.getByRole('button', { name: 'Move step 3 up' }).click();
      assert.equal(await steps.nth(1).getByLabel('Type').inputValue(), 'reboot');
      await page.getByRole('button', { name: 'Remove step 2' }).click();
      assert.equal(await steps.count(), 2);
      assert.equal(await steps.nth(1).getByLabel('Type').inputValue(), 'wait');
      await shot(page, 'automations-builder');
      await page.getByRole('button', { name: 'Create automation' }).click();

      await page.waitForURL(/\/automations\/ping-north$/);
      assert.equal((await page.getByTestId('automation-version').textContent())?.trim(), 'v1');
      assert.deepEqual(
        (await page.getByTestId('steps-summary').locator('li code').allTextContents()).map((s) => s.trim()),
        ['command ping', 'wait 1 s'],
      );

      // Run now: the dry run lists the devices first, nothing is sent yet.
      await page.getByRole('button', { name: 'Run now…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Run ping-north' });
      await dialog.getByRole('button', { name: 'Dry run' }).click();
      const confirm = page.getByRole('dialog', { name: 'Run ping-north v1?' });
      await confirm.getByTestId('dry-run-devices').waitFor();
      assert.deepEqual((await confirm.getByTestId('dry-run-devices').locator('code').allTextContents()).sort(), NORTH);
      assert.match((await confirm.getByTestId('dry-run-count').textContent()) ?? '', /^3 devices would run/);
      assert.equal((await env.t.admin.automations.runs('ping-north')).items.filter((r) => !r.dryRun).length, 0);
      await shot(page, 'automations-dry-run');
      await confirm.getByRole('button', { name: 'Run on 3 devices' }).click();

      await page.waitForURL(/\/automations\/ping-north\/runs\/run_/);
      const state = page.getByTestId('run-state');
      await until(page, 'the run succeeded', async () => (await state.textContent())?.trim() === 'succeeded');
      await page.getByRole('button', { name: 'Steps on sim-00002' }).click();
      const drill = page.locator('[data-testid=device-steps][data-device=sim-00002]');
      await drill.waitFor();
      const results = drill.getByTestId('step-result');
      assert.equal(await results.count(), 2);
      assert.deepEqual(await results.evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome'))), [
        'ok',
        'ok',
      ]);
      const output = JSON.parse((await results.first().getByTestId('step-output').textContent()) ?? '') as {
        pong?: boolean;
      };
      assert.equal(output.pong, true);
      await shot(page, 'automations-run');

      // The history on the automation's page lists the run.
      await page.getByRole('link', { name: 'ping-north' }).click();
      const runs = page.getByTestId('automation-runs');
      await runs.locator('tbody tr').first().waitFor();
      assert.match((await runs.locator('tbody tr').first().textContent()) ?? '', /succeeded/);
      assert.deepEqual(serious(problems), []);
    });

    it('stores an edit as version 2', async () => {
      const { page, problems } = await env.signedIn('op');
      await page.goto(env.base + '/automations/ping-north');
      await page.getByRole('button', { name: 'Edit' }).click();
      await page.getByRole('heading', { name: 'Change ping-north' }).waitFor();
      assert.equal(await page.getByTestId('step').count(), 2);
      await page.getByLabel('Description').fill('pings the northern substations');
      await page.getByRole('button', { name: 'Save new version' }).click();
      await page.waitForURL(/\/automations\/ping-north$/);
      await until(
        page,
        'version 2 shown',
        async () => (await page.getByTestId('automation-version').textContent()) === 'v2',
      );
      await page.getByText('pings the northern substations').waitFor();
      await page.goto(env.base + '/automations');
      const row = page.getByTestId('automations-table').locator('tbody tr', { hasText: 'ping-north' });
      assert.equal((await row.getByTestId('version').textContent())?.trim(), 'v2');
      assert.match((await row.textContent()) ?? '', /succeeded/);
      assert.equal((await env.t.admin.automations.get('ping-north')).version, 2);
      assert.deepEqual(serious(problems), []);
    });

    it('creates a one-off schedule that the calendar shows at the person’s local time', async () => {
      // The browser is in New York; 09:30 there on 15 January is 14:30 UTC (EST, UTC−5).
      const ctx = await env.browser.newContext({
        ignoreHTTPSErrors: true,
        timezoneId: 'America/New_York',
        locale: 'en-US',
      });
      const page = await ctx.newPage();
      page.setDefaultTimeout(15_000);
      try {
        await signIn(page, env.base, 'op', PASSWORD);
        await page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
        const year = new Date().getUTCFullYear() + 1;
        await page.getByRole('link', { name: 'Schedules' }).click();
        await page.getByRole('button', { name: 'New schedule…' }).click();
        const dialog = page.getByRole('dialog', { name: 'New schedule' });
        await dialog.getByLabel('Name').fill('north-ping');
        await dialog.getByLabel('At (your local time)').fill(`${year}-01-15T09:30`);
        await dialog.getByLabel('Group', { exact: true }).selectOption('north');
        await dialog.getByLabel(/Pick up devices that are offline/).check();
        await dialog.getByRole('button', { name: 'Create schedule' }).click();
        const occurrence = page.locator('[data-testid=occurrence][data-schedule=north-ping]');
        await occurrence.waitFor();
        const at = await occurrence.locator('time').getAttribute('datetime');
        assert.equal(Date.parse(at ?? ''), Date.UTC(year, 0, 15, 14, 30));
        assert.equal((await occurrence.locator('time').textContent())?.trim(), '09:30 AM');
        const day = page.locator('.calendar-day', { has: occurrence });
        assert.match((await day.locator('h3').textContent()) ?? '', new RegExp(`January 15, ${year}$`));
        const row = page.getByTestId('schedules-table').locator('tbody tr', { hasText: 'north-ping' });
        assert.match((await row.textContent()) ?? '', /picked up/);
        const stored = (await env.t.admin.schedules.list()).items.find((s) => s.name === 'north-ping');
        assert.equal(stored?.at && Date.parse(stored.at), Date.UTC(year, 0, 15, 14, 30));
        assert.equal(stored?.group, 'north');
        await shot(page, 'schedules');
      } finally {
        await ctx.close();
      }
    });

    it('gives a viewer read-only pages, and the hub refuses a viewer’s create', async () => {
      const { page, problems } = await env.signedIn('view');
      for (const [path, heading] of [
        ['/automations', 'Automations'],
        ['/automations/ping-north', 'ping-north'],
        ['/schedules', 'Schedules'],
      ] as const) {
        await page.goto(env.base + path);
        await page.getByRole('heading', { name: heading }).first().waitFor();
        await settled(page);
        assert.equal(await page.locator('main [data-mutates]').count(), 0, `${path}: controls that change something`);
      }
      await page.goto(env.base + '/automations');
      await page.getByTestId('automations-table').waitFor();
      assert.equal(await page.getByRole('button', { name: 'New automation…' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: /^Run / }).count(), 0);

      const viewer = await env.t.userClient('viewer');
      const refused = await viewer.automations
        .create({
          name: 'viewer-made',
          trigger: { kind: 'manual' },
          target: { kind: 'devices', group: 'north' },
          steps: [{ type: 'command', name: 'ping' }],
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      assert.ok(refused instanceof ApiError, 'the create is refused');
      assert.equal(refused.status, 403);
      assert.equal(refused.code, 'forbidden');
      await assert.rejects(
        env.t.admin.automations.get('viewer-made'),
        (e: unknown) => e instanceof ApiError && e.code === 'not_found',
      );
      assert.deepEqual(serious(problems), []);
    });
  },
);
