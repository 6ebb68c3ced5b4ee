import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { parseAsciicast } from '../../hub/src/domains/access/session-recorder.js';
import { startAccessAgent, toolMissing } from '../../hub/test/support/access-peers.js';
import { enrollTestDevice } from '../../hub/test/support/devices.js';
import { eventually } from '../../hub/test/support/test-hub.js';
import { browserMissing, shot } from './support/browser.js';
import { serious, startConsoleEnv, type ConsoleEnv } from './support/console-env.js';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);
// A real shell on a pty (util-linux script), as a gateway's agent serves it.
const noPty = toolMissing('script') ?? toolMissing('stty');

/** The live console's size as the page shows it, and whether xterm's screen fills its box to within one cell. */
async function consoleSize(page: Page) {
  // A string, not a function: it runs in the page, where the test's own helpers do not exist.
  return page.evaluate(`(() => {
    const box = document.querySelector('.terminal-live');
    const screen = box.querySelector('.xterm-screen').getBoundingClientRect();
    const cols = Number(box.dataset.cols), rows = Number(box.dataset.rows);
    const cell = { w: screen.width / cols, h: screen.height / rows };
    return { cols, rows, spareW: box.clientWidth - screen.width, spareH: box.clientHeight - screen.height, cell };
  })()`) as Promise<{ cols: number; rows: number; spareW: number; spareH: number; cell: { w: number; h: number } }>;
}

describe(
  'web console in Chromium against a real hub and simulated devices: operations and administration',
  { skip: missing ?? false },
  () => {
    let env: ConsoleEnv;
    before(async () => {
      env = await startConsoleEnv();
    });
    after(async () => env?.stop());

    it('creates a template, shows the drift a device makes, and remediates it', async () => {
      const { page, problems } = await env.signedIn('op');
      await page.goto(env.base + '/templates');
      await page.getByRole('button', { name: 'New template…' }).click();
      const dialog = page.getByRole('dialog', { name: 'New template' });
      await dialog.getByLabel('Name').fill('baseline');
      await dialog.getByLabel('Devices a filter matches').check();
      await dialog.getByRole('textbox', { name: 'Filter' }).fill('model = "gw-300"');
      await dialog.getByLabel(/^Settings/).fill('{ "logging.level": "warning", "snmp.enabled": false }');
      await dialog.getByRole('button', { name: 'Create template' }).click();
      await page.getByRole('link', { name: 'baseline' }).waitFor();
      const baseline = async (state: string) =>
        (await env.t.admin.compliance.devices({ template: 'baseline', state, limit: 10 })).items
          .map((r) => r.deviceId)
          .sort();
      await eventually(async () => (await baseline('compliant')).length === 2, 20_000, 250);

      // A technician on site changes a setting by hand.
      const r = await env.t.admin.devices.command('sim-00002', 'sim-drift', {
        args: { keys: ['logging.level'], values: { 'logging.level': 'debug' }, user: 'tech-7' },
        wait: true,
        timeoutS: 20,
      });
      assert.equal(r.state, 'succeeded');
      await page.goto(env.base + '/compliance?state=drifted&template=baseline');
      const row = page.getByTestId('compliance-table').locator('tbody tr', { hasText: 'sim-00002' });
      await eventually(
        async () => {
          if (await row.count()) return true;
          await page.reload();
          await page.getByRole('heading', { name: 'Compliance' }).waitFor();
          return false;
        },
        20_000,
        500,
      );
      assert.match((await row.textContent()) ?? '', /logging\.level\s*is\s*debug, wants\s*warning.*changed by tech-7/);
      await shot(page, 'compliance-drift');
      await row.getByRole('button', { name: 'Remediate' }).click();
      await eventually(async () => (await baseline('compliant')).includes('sim-00002'), 20_000, 250);
      await page.goto(env.base + '/templates/baseline');
      await page.getByRole('heading', { name: 'baseline v1' }).waitFor();
      await shot(page, 'template');
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });

    it("shows a reported value that breaks the model's settings schema on the device page, without the value itself", async () => {
      const { page, problems } = await env.signedIn('op');
      await env.t.admin.configModels.setSchema('gw-300', {
        type: 'object',
        properties: {
          logging: { type: 'object', properties: { level: { enum: ['debug', 'info', 'warning', 'error'] } } },
        },
      });
      try {
        const r = await env.t.admin.devices.command('sim-00002', 'sim-drift', {
          args: { keys: ['logging.level'], values: { 'logging.level': 'chatty' }, user: 'tech-7' },
          wait: true,
          timeoutS: 20,
        });
        assert.equal(r.state, 'succeeded');
        await eventually(async () => (await env.t.admin.deviceConfig.get('sim-00002')).invalidCount === 1, 20_000, 250);
        await page.goto(env.base + '/devices/sim-00002');
        await page.getByRole('tab', { name: 'Settings' }).click();
        const region = page.getByRole('region', { name: 'Invalid reported values' });
        await region.waitFor();
        const text = (await region.textContent()) ?? '';
        assert.match(text, /1 reported value breaks the model's settings schema/);
        assert.match(text, /logging\.level\s*\/settings\/logging\.level: must be equal to one of the allowed values/);
        assert.ok(!text.includes('chatty'), 'the region names the rule, not the value');
        await shot(page, 'device-settings-invalid');
        assert.deepEqual(serious(problems), []);
      } finally {
        await env.t.admin.configModels.removeSchema('gw-300');
        await page.context().close();
      }
    });

    it('fires an alert for an offline device and acknowledges it with a note', async () => {
      const { page, problems } = await env.signedIn('op');
      await page.goto(env.base + '/alerts?tab=rules');
      await page.getByRole('button', { name: 'New rule…' }).click();
      const dialog = page.getByRole('dialog', { name: 'New alert rule' });
      await dialog.getByLabel('Name').fill('device down');
      await dialog.getByLabel('Type').selectOption({ label: 'device offline' });
      await dialog.getByLabel('Severity').selectOption('critical');
      await dialog.getByLabel('Condition holds for (seconds)').fill('0');
      await dialog.getByLabel('Parameters (JSON)').fill('{ "afterS": 0 }');
      await dialog.getByRole('button', { name: 'Create rule' }).click();
      await page.getByRole('cell', { name: 'device down' }).waitFor();

      await env.sim.agents[2].stop({ clean: false });
      try {
        await page.goto(env.base + '/alerts');
        const row = page.getByTestId('alerts-table').locator('tbody tr', { hasText: 'sim-00003' });
        await eventually(
          async () => {
            if (await row.count()) return true;
            await page.reload();
            await page.getByRole('heading', { name: 'Alerts' }).waitFor();
            return false;
          },
          20_000,
          500,
        );
        await row.getByRole('button', { name: 'Acknowledge' }).click();
        const ack = page.getByRole('dialog', { name: 'Acknowledge alert' });
        await ack.getByLabel('Note').fill('crew on the way');
        await ack.getByRole('button', { name: 'Acknowledge' }).click();
        await page.getByRole('button', { name: 'Acknowledged' }).click();
        await page.getByTestId('alerts-table').locator('tbody tr', { hasText: 'crew on the way' }).waitFor();
        await shot(page, 'alerts');
        const acked = await env.t.admin.alerts.list({ state: 'acknowledged', device: 'sim-00003' });
        assert.equal(acked.items[0]?.ackedBy, 'op');
        assert.equal(acked.items[0]?.ackNote, 'crew on the way');
      } finally {
        env.sim.agents[2].start();
      }
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });

    it('opens a device console in the browser, types a command, and replays the transcript', async () => {
      await env.t.admin.access.createPolicy({
        name: 'console-e2e',
        deviceId: 'sim-00001',
        targets: ['console'],
        mfaMaxAgeS: null,
      });
      const { page, problems } = await env.signedIn('op');
      await page.goto(env.base + '/devices/sim-00001');
      await page.getByRole('tab', { name: 'Remote access' }).click();
      await page.getByLabel('Reason (kept with the session)').fill('check firmware');
      await page.getByRole('button', { name: 'Open console' }).click();
      await page.getByText('Connected: console on sim-00001').waitFor();
      const screen = page.locator('.terminal .xterm-rows');
      await screen.filter({ hasText: 'sn100001>' }).waitFor();
      await page.locator('.terminal .xterm-helper-textarea').focus();
      await page.keyboard.type('show version');
      await page.keyboard.press('Enter');
      await screen.filter({ hasText: /firmware \S+ \(serial SN100001\)/ }).waitFor();
      await shot(page, 'device-console');
      await page.getByRole('button', { name: 'End session' }).click();
      await page.getByText(/^Session over/).waitFor();
      await eventually(
        async () => (await env.t.admin.access.sessions({ deviceId: 'sim-00001' })).items[0]?.state === 'closed',
        10_000,
        200,
      );

      await page.getByRole('button', { name: 'Close the terminal' }).click();
      await page.getByRole('button', { name: 'Replay' }).first().click();
      const replay = page.getByRole('dialog', { name: /^Transcript/ });
      await replay.locator('.xterm-rows').filter({ hasText: 'show version' }).waitFor();
      await shot(page, 'device-console-replay');

      // The past session's recording downloads as the exact bytes the hub sealed.
      const ended = (await env.t.admin.access.sessions({ deviceId: 'sim-00001' })).items[0];
      await page.goto(env.base + '/access');
      const row = page.locator('tr', { hasText: 'check firmware' }).first();
      const [file] = await Promise.all([
        page.waitForEvent('download'),
        row.getByRole('button', { name: 'Transcript' }).click(),
      ]);
      assert.equal(file.suggestedFilename(), `${ended.id}.cast`);
      const saved = readFileSync(await file.path());
      assert.equal(createHash('sha256').update(saved).digest('hex'), ended.recording?.sha256);
      assert.match(saved.toString('utf8'), /^\{"version": ?2/);
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });

    it(
      'fits a real shell console to the page and tells the device each new size',
      { skip: noPty ?? false },
      async () => {
        const dev = await enrollTestDevice(env.t, 'rtu-shell-1');
        const agent = startAccessAgent(env.t, dev, { console: { command: '/bin/sh' } });
        try {
          await env.t.admin.access.createPolicy({
            name: 'shell-e2e',
            deviceId: dev.id,
            targets: ['console'],
            mfaMaxAgeS: null,
          });
          await eventually(async () => (await env.t.admin.devices.get(dev.id)).presence === 'online', 15_000, 200);
          const { page, problems } = await env.signedIn('op', { width: 1280, height: 800 });
          await page.goto(`${env.base}/devices/${dev.id}`);
          await page.getByRole('tab', { name: 'Remote access' }).click();
          await page.getByLabel('Reason (kept with the session)').fill('terminal size');
          await page.getByRole('button', { name: 'Open console' }).click();
          await page.getByText(`Connected: console on ${dev.id}`).waitFor();
          const rows = page.locator('.terminal-live .xterm-rows > div');
          await rows
            .filter({ hasText: /[#$]\s*$/ })
            .first()
            .waitFor();
          await page.locator('.terminal-live .xterm-helper-textarea').focus();
          // What the shell on the device's pty says its size is: `stty size` prints "ROWS COLS".
          const sttySays = async (size: { cols: number; rows: number }) => {
            await page.keyboard.type('stty size');
            await page.keyboard.press('Enter');
            await rows
              .filter({ hasText: new RegExp(`^\\s*${size.rows} ${size.cols}\\s*$`) })
              .first()
              .waitFor();
          };

          const desk = await consoleSize(page);
          assert.notDeepEqual([desk.cols, desk.rows], [100, 26]);
          // The screen fills the box: less than a column (plus the scrollbar) and less than a row left over.
          assert.ok(desk.spareW >= 0 && desk.spareW < desk.cell.w + 20, JSON.stringify(desk));
          assert.ok(desk.spareH >= 0 && desk.spareH < desk.cell.h, JSON.stringify(desk));
          assert.ok(desk.cols >= 100 && desk.rows >= 24, `a 1280x800 window gives ${desk.cols}x${desk.rows}`);
          await sttySays(desk);
          await shot(page, 'device-console-1280');

          // A tablet held upright: the sidebar folds away, the console is narrower and taller.
          await page.setViewportSize({ width: 768, height: 1024 });
          await page.locator(`.terminal-live:not([data-cols="${desk.cols}"])`).waitFor();
          const tablet = await consoleSize(page);
          assert.ok(tablet.spareW >= 0 && tablet.spareW < tablet.cell.w + 20, JSON.stringify(tablet));
          assert.ok(tablet.spareH >= 0 && tablet.spareH < tablet.cell.h, JSON.stringify(tablet));
          assert.ok(
            tablet.cols >= 80 && tablet.cols < desk.cols && tablet.rows > desk.rows,
            `a 768x1024 window gives ${tablet.cols}x${tablet.rows}`,
          );
          await sttySays(tablet);
          await shot(page, 'device-console-tablet');

          await page.getByRole('button', { name: 'End session' }).click();
          await page.getByText(/^Session over/).waitFor();
          const [s] = (await env.t.admin.access.sessions({ deviceId: dev.id })).items;
          const rec = await eventually(
            async () =>
              (await env.t.admin.access.session(s.id)).recording?.sha256 ? env.t.admin.access.recording(s.id) : null,
            10_000,
            200,
          );
          // Every line of the transcript is whole JSON; it starts at the first size and has the resize in its place.
          const cast = parseAsciicast(rec.text);
          assert.deepEqual([cast.header.width, cast.header.height], [desk.cols, desk.rows]);
          assert.deepEqual(
            cast.events.filter((e) => e[1] === 'r').map((e) => e[2]),
            [`${tablet.cols}x${tablet.rows}`],
          );
          const resizeAt = cast.events.findIndex((e) => e[1] === 'r');
          assert.match(
            cast.events
              .slice(0, resizeAt)
              .map((e) => e[2])
              .join(''),
            new RegExp(`${desk.rows} ${desk.cols}\\r\\n`),
          );
          assert.match(
            cast.events
              .slice(resizeAt)
              .map((e) => e[2])
              .join(''),
            new RegExp(`${tablet.rows} ${tablet.cols}\\r\\n`),
          );

          // The replay plays it at the sizes it was shown at.
          await page.getByRole('button', { name: 'Close the terminal' }).click();
          await page.getByRole('button', { name: 'Replay' }).first().click();
          const replay = page.getByRole('dialog', { name: /^Transcript/ }).locator('.terminal');
          await replay
            .locator('.xterm-rows > div', { hasText: new RegExp(`^\\s*${tablet.rows} ${tablet.cols}\\s*$`) })
            .waitFor();
          await page.locator(`dialog .terminal[data-cols="${tablet.cols}"][data-rows="${tablet.rows}"]`).waitFor();
          assert.deepEqual(serious(problems), []);
          await page.context().close();
        } finally {
          await agent.stop();
        }
      },
    );

    it('keeps the audit log readable, verifiable and exportable', async () => {
      const { page } = await env.signedIn('admin');
      await page.goto(env.base + '/audit');
      await page.getByTestId('chain-status').filter({ hasText: 'Hash chain intact' }).waitFor();
      await page.getByLabel('Action').fill('auth.login');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.locator('.audit-table tbody tr').first().waitFor();
      assert.ok((await page.locator('.audit-table tbody tr').allTextContents()).every((r) => r.includes('auth.login')));
      await shot(page, 'audit');
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export CSV' }).click();
      const file = await (await download).path();
      const csv = readFileSync(file, 'utf8').split('\r\n');
      assert.equal(csv[0], 'seq,ts,actor_type,actor,action,target,outcome,source_ip,details,prev_hash,hash');
      assert.ok(
        csv
          .slice(1)
          .filter(Boolean)
          .every((l) => l.includes(',auth.login,')),
      );
      await page.context().close();
    });

    it('creates an enrollment token with a copyable agent command line', async () => {
      const { page } = await env.signedIn('admin');
      await page.goto(env.base + '/enrollment');
      await page.getByRole('button', { name: 'New enrollment token…' }).click();
      const dialog = page.getByRole('dialog', { name: 'New enrollment token' });
      await dialog.getByLabel('Label').fill('batch 7');
      await dialog.getByLabel('Devices it may enroll').fill('25');
      await dialog.getByLabel('Put devices in group').selectOption('north');
      await dialog.getByLabel('Tags').fill('site=north, rack=3');
      await dialog.getByRole('button', { name: 'Create token' }).click();
      const line = await page.getByRole('textbox', { name: 'Agent command line' }).inputValue();
      assert.match(
        line,
        /^outpost agent enroll --hub https:\/\/127\.0\.0\.1:\d+ --token oet_\S+ --ca-fingerprint [0-9a-f:]+$/i,
      );
      assert.ok(line.includes(env.t.hub.caFingerprint));
      await shot(page, 'enrollment-token');
      await page.getByRole('button', { name: 'Close' }).click();
      await page.getByRole('cell', { name: 'batch 7' }).waitFor();
      const tokens = await env.t.admin.enrollment.list();
      const rec = tokens.items.find((x) => x.label === 'batch 7')!;
      assert.equal(rec.maxUses, 25);
      assert.equal(rec.group, 'north');
      assert.deepEqual(rec.tags, { site: 'north', rack: '3' });

      await page.goto(env.base + '/tokens');
      await page.getByRole('button', { name: 'New token…' }).click();
      const tokenDialog = page.getByRole('dialog', { name: 'New API token' });
      await tokenDialog.getByLabel('Name').fill('inventory export');
      await tokenDialog.getByRole('button', { name: 'Create token' }).click();
      assert.match(await page.getByRole('textbox', { name: 'API token' }).inputValue(), /^opt_/);
      await page.getByRole('button', { name: 'Close' }).click();
      await page.getByRole('cell', { name: 'inventory export' }).waitFor();

      for (const [path, name, heading] of [
        ['/groups', 'groups', 'Groups'],
        ['/users', 'users', 'Users'],
        ['/tokens', 'tokens', 'API tokens'],
      ] as const) {
        await page.goto(env.base + path);
        await page.getByRole('heading', { name: heading }).waitFor();
        await page.locator('table.data tbody tr').first().waitFor();
        await shot(page, name);
      }
      await page.context().close();
    });
  },
);
