import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { Simulation } from '@outpost/sim';
import { startTestHub, eventually, ADMIN_PASSWORD, type TestHub } from '../../hub/test/support/test-hub.js';
import { releaseArtifact, setupTrust, startUpdateFleet } from '../../hub/test/support/updates.js';
import { totpCode } from '../../hub/src/domains/users/totp.js';
import { createClient } from '@outpost/client';
import { browserMissing, buildConsole, launch, openPage, shot, signIn } from './support/browser.js';

const MODELS = ['gw-200', 'gw-300', 'rtr-lte-5', 'ser-2x'];

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

describe(
  'a rollout from the console: wizard, wave preview, approval, live progress',
  { skip: missing ?? false },
  () => {
    let t: TestHub;
    let fleet: Simulation;
    let browser: Browser;
    let keys: Awaited<ReturnType<typeof setupTrust>>['keys'];

    before(async () => {
      buildConsole();
      t = await startTestHub({ rolloutTickMs: 100 });
      keys = (await setupTrust(t)).keys;
      fleet = await startUpdateFleet(t, 4, { prefix: 'ru', rebootDelayMs: 200 });
      await eventually(
        async () => (await t.admin.devices.list({ filter: 'online', limit: 1, count: true })).total === 4,
        30_000,
        200,
      );
      await releaseArtifact(t, keys, { version: '9.1.0', models: MODELS, size: 4096 });
      browser = await launch();
    });

    after(async () => {
      await browser?.close();
      await fleet?.stop({ clean: true });
      await t?.stop();
    });

    it('previews the waves, waits for approval between them, and shows the rollout to completion', async () => {
      const { page } = await openPage(browser);
      const base = t.hub.httpUrl.replace('localhost', '127.0.0.1');
      await signIn(page, base, 'admin', ADMIN_PASSWORD);
      await page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
      await page.goto(base + '/rollouts');
      await page.getByRole('button', { name: 'New rollout…' }).click();
      const wizard = page.getByRole('dialog', { name: 'New rollout' });
      await wizard.getByLabel('Name').fill('gw firmware 9.1.0');
      await wizard
        .getByLabel('Artifact')
        .selectOption({ label: 'gw-firmware 9.1.0 (firmware, gw-200 gw-300 rtr-lte-5 ser-2x)' });
      await wizard.getByRole('textbox', { name: 'Filter' }).fill('id ~ "ru-"');
      await wizard.getByLabel('Waves').fill('1, 100%');
      await wizard.getByLabel('Success needed per wave (%)').fill('100');
      await wizard.getByRole('button', { name: 'Preview waves' }).click();

      // How many devices each wave touches, before anything starts.
      const preview = page.getByRole('dialog', { name: 'Start this rollout?' });
      await preview.getByText('Wave 1: 1 device').waitFor();
      await preview.getByText('Wave 2: 3 devices').waitFor();
      assert.equal((await t.admin.rollouts.list()).items.length, 0);
      await shot(page, 'rollout-preview');
      await preview.getByRole('button', { name: 'Start: 4 devices' }).click();

      await page.getByRole('heading', { name: /gw firmware 9\.1\.0/ }).waitFor();
      const approve = page.getByRole('button', { name: 'Approve next wave' });
      await approve.waitFor({ timeout: 30_000 });
      const waves = page.getByTestId('waves-table');
      assert.match((await waves.locator('tbody tr').first().textContent()) ?? '', /awaiting approval/);
      await approve.click();
      await page.getByRole('heading', { name: /completed/ }).waitFor({ timeout: 30_000 });
      assert.match((await waves.locator('tbody tr').nth(1).textContent()) ?? '', /passed.*3 \/ 3/);
      await shot(page, 'rollout-completed');
      const r = (await t.admin.rollouts.list()).items[0];
      assert.equal(r.state, 'completed');
      assert.equal(r.counts.succeeded, 4);
      // The approval let the first wave's gate pass: it is recorded on that wave.
      assert.equal(r.waves[0].approvedBy, 'admin');
      await page.context().close();
    });

    it('asks an operator with a second factor for a fresh code before the rollout starts, then starts it', async () => {
      await t.admin.users.create({ username: 'mfa-op', password: 'a-long-password-1', role: 'operator' });
      const base = { baseUrl: t.hub.httpUrl, caPem: t.hub.caPem };
      const op = createClient({
        ...base,
        session: (await createClient(base).login('mfa-op', 'a-long-password-1')).session,
      });
      const e = await op.mfa.enroll();
      const t0 = Date.now();
      const { recoveryCodes } = await op.mfa.confirm(await totpCode(e.secret, t0));

      const { page, problems } = await openPage(browser);
      const url = t.hub.httpUrl.replace('localhost', '127.0.0.1');
      await signIn(page, url, 'mfa-op', 'a-long-password-1');
      await page.getByLabel('Authenticator code').fill(recoveryCodes[0]);
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
      // The proof from signing in is now ten minutes old.
      await t.hub.db
        .updateTable('session_mfa')
        .set({ verified_at: new Date(t0 - 600_000).toISOString() })
        .execute();

      await page.goto(url + '/rollouts');
      await page.getByRole('button', { name: 'New rollout…' }).click();
      const wizard = page.getByRole('dialog', { name: 'New rollout' });
      await wizard.getByLabel('Name').fill('needs a second factor');
      await wizard
        .getByLabel('Artifact')
        .selectOption({ label: 'gw-firmware 9.1.0 (firmware, gw-200 gw-300 rtr-lte-5 ser-2x)' });
      await wizard.getByRole('textbox', { name: 'Filter' }).fill('id ~ "ru-"');
      await wizard.getByLabel('Waves').fill('100%');
      await wizard.getByRole('button', { name: 'Preview waves' }).click();
      await page
        .getByRole('dialog', { name: 'Start this rollout?' })
        .getByRole('button', { name: 'Start: 4 devices' })
        .click();

      const prompt = page.getByRole('dialog', { name: 'Confirm it is you' });
      await prompt.waitFor().catch(async (err: unknown) => {
        await shot(page, 'step-up-missing');
        throw err;
      });
      assert.equal(
        (await t.admin.rollouts.list()).items.filter((r) => r.name === 'needs a second factor').length,
        0,
        'nothing starts before the code',
      );
      await prompt.getByLabel('Authenticator code').fill(await totpCode(e.secret, t0 + 30_000));
      await prompt.getByRole('button', { name: 'Confirm' }).click();
      await page.getByRole('heading', { name: /needs a second factor/ }).waitFor();
      const r = (await t.admin.rollouts.list()).items.find((x) => x.name === 'needs a second factor');
      assert.ok(r && r.state !== 'draft');
      assert.equal(r.createdBy, 'mfa-op');
      assert.deepEqual(problems, []);
      await page.context().close();
    });

    it('moves a rollout page to completion from the live stream alone, without reading the rollout again', async () => {
      const art = await releaseArtifact(t, keys, { version: '9.2.0', models: MODELS, size: 4096 });
      const draft = await t.admin.rollouts.create({
        name: 'streamed 9.2.0',
        artifactId: art.id,
        target: { filter: 'id ~ "ru-"' },
        waves: [{ count: 1 }, { percent: 100 }],
        successThresholdPct: 100,
        start: false,
      });
      const { page, problems } = await openPage(browser);
      const base = t.hub.httpUrl.replace('localhost', '127.0.0.1');
      await signIn(page, base, 'admin', ADMIN_PASSWORD);
      await page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
      await page.goto(`${base}/rollouts/${draft.id}`);
      await page.getByRole('heading', { name: /streamed 9\.2\.0 draft/ }).waitFor();
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
      // The page reads the rollout once more when the stream connects; let that settle first.
      await page.waitForTimeout(500);
      // A draft's page never polls, and the fallback read (30 s) runs only while the stream is down:
      // from here on, any read of the rollout itself would be polling.
      const reads: string[] = [];
      page.on('request', (q) => {
        if (q.method() === 'GET' && new URL(q.url()).pathname === `/api/v1/rollouts/${draft.id}`) reads.push(q.url());
      });
      const started = Date.now();
      await t.admin.rollouts.start(draft.id);
      await page.getByRole('heading', { name: /streamed 9\.2\.0 completed/ }).waitFor({ timeout: 25_000 });
      const ms = Date.now() - started;
      const waves = page.getByTestId('waves-table');
      assert.match((await waves.locator('tbody tr').nth(0).textContent()) ?? '', /passed.*1 \/ 1/);
      const plan = page.getByTestId('plan-waves').locator('tbody tr');
      assert.deepEqual((await plan.nth(0).locator('td').allInnerTexts()).slice(1, 3), ['1', '1 (25 %)']);
      assert.deepEqual((await plan.nth(1).locator('td').allInnerTexts()).slice(1, 3), ['3', '4 (100 %)']);
      assert.match((await waves.locator('tbody tr').nth(1).textContent()) ?? '', /passed.*3 \/ 3/);
      console.log(
        `# the rollout page showed completion ${ms} ms after the start, with ${reads.length} reads of the rollout`,
      );
      assert.deepEqual(reads, []);
      assert.ok(ms < 30_000, `${ms} ms`);
      assert.equal((await t.admin.rollouts.get(draft.id)).counts.succeeded, 4);
      await shot(page, 'rollout-streamed');
      assert.deepEqual(problems, []);
      await page.context().close();
    });

    it('shows the plan: maintenance window, pass and abort thresholds, waves with cumulative shares', async () => {
      const art = await releaseArtifact(t, keys, { version: '9.3.0', models: MODELS, size: 4096 });
      const draft = await t.admin.rollouts.create({
        name: 'planned 9.3.0',
        artifactId: art.id,
        target: { filter: 'id ~ "ru-"' },
        waves: [{ count: 1 }, { percent: 100 }],
        successThresholdPct: 90,
        abortFailurePct: 25,
        advance: 'approval',
        maintenanceWindow: { cron: '0 2 * * *', durationMin: 120, timezone: 'Europe/Berlin' },
        start: false,
      });
      const { page, problems } = await openPage(browser);
      const base = t.hub.httpUrl.replace('localhost', '127.0.0.1');
      await signIn(page, base, 'admin', ADMIN_PASSWORD);
      await page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
      await page.goto(`${base}/rollouts/${draft.id}`);
      const plan = page.getByTestId('rollout-plan');
      await plan.waitFor();
      assert.equal(await plan.getByTestId('plan-window').innerText(), '0 2 * * * for 120 min (Europe/Berlin)');
      assert.equal(await plan.getByTestId('plan-abort').innerText(), 'at 25 % of started devices failed');
      assert.match(
        await plan.getByTestId('plan-success').innerText(),
        /at 90 % of its devices succeeded, then waits for approval/,
      );
      const rows = plan.getByTestId('plan-waves').locator('tbody tr');
      assert.equal(await rows.count(), 2);
      // A draft shows its waves as asked; once started, each wave's devices and the running total.
      assert.deepEqual(await rows.nth(0).locator('td').allInnerTexts(), ['1', '1', '1 devices', '–']);
      assert.deepEqual(await rows.nth(1).locator('td').allInnerTexts(), ['2', '100 %', 'the rest (100 %)', '–']);
      await t.admin.rollouts.cancel(draft.id);
      assert.deepEqual(problems, []);
      await page.context().close();
    });
  },
);
