import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../../hub/test/support/test-hub.js';
import { browserMissing, shot } from './support/browser.js';
import { serious, settled, startConsoleEnv, type ConsoleEnv } from './support/console-env.js';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

describe(
  'web console in Chromium: the views operators of other remote managers expect',
  { skip: missing ?? false },
  () => {
    let env: ConsoleEnv;
    before(async () => {
      env = await startConsoleEnv();
    });
    after(async () => env?.stop());

    it('groups alerts by rule and by device group with counts, acknowledges a whole group at once, and charts them per hour', async () => {
      const admin = env.t.admin;
      const [a, b] = env.sim.ids;
      await admin.groups.addMembers('north', { deviceIds: [a, b] });
      for (const [name, metric, severity] of [
        ['cpu watch', 'cpu', 'warning'],
        ['memory watch', 'memory', 'critical'],
      ] as const)
        await admin.rules.create({ name, type: 'metric', severity, params: { metric, op: '>', threshold: -1 } });
      await eventually(async () => (await admin.alerts.list({ state: 'firing' })).items.length === 12, 20_000, 250);

      const { page, problems } = await env.signedIn('op');
      await page.goto(`${env.base}/alerts?by=rule`);
      const groups = page.getByTestId('alert-groups');
      const cpu = groups.getByRole('region', { name: 'cpu watch' });
      await cpu.locator('tbody tr').nth(5).waitFor();
      await settled(page);
      assert.match(await cpu.getByRole('heading').innerText(), /cpu watch\s+6\s+6 firing · 0 critical/);
      assert.match(
        await groups.getByRole('region', { name: 'memory watch' }).getByRole('heading').innerText(),
        /memory watch\s+6\s+6 firing · 6 critical/,
      );
      assert.match(await page.getByTestId('alert-timeline-total').innerText(), /^12 fired in the last 24 hours/);
      assert.equal(
        await page.getByRole('img', { name: 'Alerts fired per hour by severity' }).locator('canvas').count(),
        1,
      );

      await cpu.getByRole('checkbox', { name: 'Select every alert in cpu watch' }).check();
      await page.getByRole('region', { name: 'Bulk actions' }).getByText('6 selected').waitFor();
      await page.getByRole('button', { name: 'Acknowledge selected…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Acknowledge 6 alerts' });
      await dialog.getByLabel('Note').fill('storm load, crew informed');
      await dialog.getByRole('button', { name: 'Acknowledge' }).click();
      await page.getByTestId('bulk-outcome').getByText('6 alerts changed.').waitFor();
      const acked = (await admin.alerts.list({ state: 'acknowledged' })).items;
      assert.equal(acked.length, 6);
      assert.ok(
        acked.every(
          (x) => x.ruleName === 'cpu watch' && x.ackedBy === 'op' && x.ackNote === 'storm load, crew informed',
        ),
      );
      assert.equal((await admin.alerts.list({ state: 'firing' })).items.length, 6);
      await shot(page, 'alerts-by-rule');

      // By device group: a device in `north` counts there, the rest under "In no group".
      await page.getByLabel('Group by').selectOption('group');
      const north = groups.getByRole('region', { name: 'north' });
      await north.locator('tbody tr').nth(3).waitFor();
      assert.equal(await north.locator('tbody tr').count(), 4);
      assert.match(await north.getByRole('heading').innerText(), /north\s+4\s+2 firing · 2 critical/);
      assert.equal(await groups.getByRole('region', { name: 'In no group' }).locator('tbody tr').count(), 8);
      await shot(page, 'alerts-by-group');
      assert.deepEqual(serious(problems), []);
      await page.context().close();

      // A viewer sees the groups but nothing to select or change.
      const viewer = await env.signedIn('view');
      await viewer.page.goto(`${env.base}/alerts?by=rule`);
      await viewer.page
        .getByTestId('alert-groups')
        .getByRole('region', { name: 'memory watch' })
        .locator('tbody tr')
        .first()
        .waitFor();
      await settled(viewer.page);
      assert.equal(await viewer.page.getByRole('checkbox').count(), 0);
      assert.equal(await viewer.page.locator('main [data-mutates]').count(), 0);
      await viewer.page.context().close();
    });
  },
);
