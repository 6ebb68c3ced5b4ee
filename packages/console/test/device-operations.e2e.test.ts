import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../../hub/test/support/test-hub.js';
import { browserMissing, shot } from './support/browser.js';
import { serious, settled, startConsoleEnv, type ConsoleEnv } from './support/console-env.js';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

// A settings schema for the simulated gateways' model: `ssh.enabled` is a boolean, `ssh.port` a port.
const SCHEMA = {
  type: 'object',
  properties: {
    ssh: {
      type: 'object',
      properties: { enabled: { type: 'boolean' }, port: { type: 'integer', minimum: 1, maximum: 65535 } },
    },
  },
};

describe(
  'web console in Chromium: an operator runs one device from its page (settings, maintenance, commands, reboot, guard, chart marks)',
  { skip: missing ?? false },
  () => {
    let env: ConsoleEnv;
    before(async () => {
      env = await startConsoleEnv();
    });
    after(async () => env?.stop());

    it('adds, refuses and removes overrides and opens and closes maintenance from the settings tab', async () => {
      const admin = env.t.admin;
      const id = env.sim.ids[0];
      const dev = await admin.devices.get(id);
      assert.ok(dev.model);
      await admin.configModels.setSchema(dev.model, SCHEMA);
      const overrides = async () =>
        Object.fromEntries(
          (await admin.deviceConfig.get(id)).entries
            .filter((e) => e.source.kind === 'override')
            .map((e) => [e.key, e.desired]),
        );

      const { page, problems } = await env.signedIn('op');
      await page.goto(`${env.base}/devices/${encodeURIComponent(id)}`);
      await page.getByRole('tab', { name: 'Settings' }).click();
      await page.getByTestId('maintenance-state').waitFor();
      await settled(page);

      await page.getByRole('button', { name: 'Add override…' }).click();
      let dialog = page.getByRole('dialog', { name: 'Add override' });
      await dialog.getByLabel('Setting', { exact: true }).fill('ssh.port');
      await dialog.getByLabel('Value', { exact: true }).fill('2222');
      await dialog.getByRole('button', { name: 'Save override' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const row = page.getByTestId('settings-table').locator('tbody tr', { hasText: 'ssh.port' });
      await row.getByText('device override').waitFor();
      assert.match(await row.innerText(), /2222/);
      assert.deepEqual(await overrides(), { 'ssh.port': 2222 });

      // A typo for a boolean is refused by the model's schema, and the hub's reason shows at the value.
      await page.getByRole('button', { name: 'Add override…' }).click();
      dialog = page.getByRole('dialog', { name: 'Add override' });
      await dialog.getByLabel('Setting', { exact: true }).fill('ssh.enabled');
      await dialog.getByLabel('Value', { exact: true }).fill('flase');
      await dialog.getByRole('button', { name: 'Save override' }).click();
      const fieldError = dialog.locator('.field-invalid .field-error');
      await fieldError.waitFor();
      assert.match(await fieldError.innerText(), /boolean/);
      await assert.rejects(
        admin.deviceConfig.setOverrides(id, { 'ssh.enabled': 'flase' }),
        (e: { code?: string; details?: { path?: string } }) =>
          e.code === 'validation_failed' && e.details?.path === '/settings/ssh.enabled',
      );
      assert.deepEqual(await overrides(), { 'ssh.port': 2222 }, 'the refused value changed nothing');
      await shot(page, 'device-override-refused');
      await dialog.getByRole('button', { name: 'Cancel' }).click();

      await page.getByRole('button', { name: 'Remove override ssh.port' }).click();
      const confirm = page.getByRole('dialog', { name: 'Remove the override of ssh.port?' });
      await confirm.getByRole('button', { name: 'Remove override' }).click();
      await page.getByRole('button', { name: 'Remove override ssh.port' }).waitFor({ state: 'detached' });
      assert.deepEqual(await overrides(), {});

      await page.getByLabel('Reason').fill('replacing the modem antenna');
      await page.getByRole('button', { name: 'Start maintenance' }).click();
      await page
        .getByTestId('maintenance-state')
        .getByText(/^In maintenance until/)
        .waitFor();
      const until = (await admin.deviceConfig.get(id)).maintenanceUntil;
      assert.ok(until && Date.parse(until) > Date.now(), `maintenance until ${until}`);
      assert.ok(Date.parse(until) <= Date.now() + 31 * 60_000, 'the default window is 30 minutes');
      await page.getByRole('button', { name: 'End maintenance' }).click();
      await page
        .getByTestId('maintenance-state')
        .getByText(/^Not in maintenance/)
        .waitFor();
      assert.equal((await admin.deviceConfig.get(id)).maintenanceUntil, null);
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });

    it('lists the commands the agent announced, reboots the device after a confirmation naming it, and marks the reboot on the health chart', async () => {
      const admin = env.t.admin;
      const id = env.sim.ids[1];
      const dev = await admin.devices.get(id);
      const { page, problems } = await env.signedIn('op');
      await page.goto(`${env.base}/devices/${encodeURIComponent(id)}`);
      await page.getByRole('tab', { name: 'Commands' }).click();
      const supported = page.getByTestId('supported-commands');
      await supported.locator('li').first().waitFor();
      const names = (await supported.locator('li code').allInnerTexts()).map((n) => n.trim());
      for (const n of ['ping', 'reboot', 'get-info']) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
      assert.ok(!names.some((n) => n.includes(':')), 'capability flags are not commands');
      assert.match(await supported.locator('li', { hasText: 'reboot' }).innerText(), /Restarts the device/);

      await page.getByRole('button', { name: 'Reboot…' }).click();
      const dialog = page.getByRole('dialog', { name: `Reboot ${dev.name}?` });
      assert.match(await dialog.innerText(), new RegExp(id));
      await shot(page, 'device-reboot-confirm');
      await dialog.getByRole('button', { name: `Reboot ${dev.name}` }).click();
      await dialog.waitFor({ state: 'hidden' });
      const reboot = await eventually(
        async () =>
          (await admin.devices.commands(id)).items.find((c) => c.name === 'reboot' && c.state === 'succeeded'),
        20_000,
        200,
      );
      assert.equal(reboot.createdBy, 'op');
      await page.getByTestId('commands-table').locator('tbody tr', { hasText: 'reboot' }).waitFor();

      // Health reports after the reboot, so the chart's time axis reaches past it.
      const after = Date.parse(reboot.finishedAt ?? reboot.createdAt);
      await eventually(
        async () => (await admin.devices.health(id, 1)).items.some((s) => Date.parse(s.ts) > after + 1000),
        20_000,
        250,
      );
      const marks = (await admin.devices.timeline(id, 1)).items.filter((m) => m.kind === 'reboot');
      assert.equal(marks.length, 1);
      assert.match(marks[0].label, /reboot sent by op/);

      await page.getByRole('tab', { name: 'Health' }).click();
      const utilisation = page.locator('figure.chart-card', { hasText: 'Utilisation (%)' });
      const flag = utilisation.locator('.chart-mark[data-kind=reboot]');
      await flag.waitFor();
      assert.match((await flag.getAttribute('title')) ?? '', /reboot sent by op \(succeeded\)/);
      await shot(page, 'device-health-reboot-mark');
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });

    it('names the effective guard policy, the group it comes from and its mode, and counts blocked traffic per hour', async () => {
      const admin = env.t.admin;
      const id = env.sim.ids[2];
      await admin.groups.create({ path: 'north/pumps', kind: 'static', description: 'pump stations' });
      await admin.groups.addMembers('north/pumps', { deviceIds: [id] });
      await admin.guard.setGroupPolicy('north', {
        mode: 'monitor',
        allowedClasses: ['read'],
        readOnly: true,
        onViolation: 'exception',
      });
      assert.equal((await admin.guard.status(id)).group, 'north');
      assert.deepEqual((await admin.guard.blockedPerHour(id, 24)).items, []);
      // A blocked Modbus write as the device's guard reports it (a device event the hub keeps).
      const ts = new Date().toISOString();
      await env.t.hub.db
        .insertInto('device_events')
        .values({
          device_id: id,
          seq: 900_001,
          ts,
          received_at: ts,
          type: 'guard.blocked',
          severity: 'warning',
          data_json: JSON.stringify({ master: '10.0.0.5', function: 6 }),
        })
        .execute();
      assert.equal(
        (await admin.guard.blockedPerHour(id, 24)).items.reduce((n, i) => n + i.blocked, 0),
        1,
      );
      await assert.rejects(
        admin.guard.blockedPerHour(id, 169),
        (e: { code?: string }) => e.code === 'validation_failed',
      );

      const { page, problems } = await env.signedIn('view');
      await page.goto(`${env.base}/devices/${encodeURIComponent(id)}`);
      await page.getByRole('tab', { name: 'Guard' }).click();
      const reason = page.getByTestId('guard-policy-reason');
      await reason.waitFor();
      assert.match(await reason.innerText(), /assigned to group north: the device is in north\/pumps, inside north/);
      assert.equal(await page.getByTestId('guard-policy-mode').innerText(), 'monitor');
      assert.match(await page.getByTestId('guard-blocked-total').innerText(), /^1 blocked in the last 24 hours/);
      await page
        .getByRole('img', { name: 'Guard events blocked per hour over the last 24 hours' })
        .locator('canvas')
        .waitFor();
      await page.getByRole('group', { name: 'Blocked traffic range' }).getByRole('button', { name: '7 d' }).click();
      await page
        .getByRole('img', { name: 'Guard events blocked per hour over the last 7 days' })
        .locator('canvas')
        .waitFor();
      await shot(page, 'device-guard-effective');
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });
  },
);
