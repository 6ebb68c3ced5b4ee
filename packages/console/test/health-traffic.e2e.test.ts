import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { dailyShape, simTraffic } from '@outpost/sim';
import { HOUR_MS, hourIso, hourOfWeek } from '../../hub/src/domains/fleet/time-buckets.js';
import { createTrafficStore } from '../../hub/src/domains/traffic/traffic.store.js';
import { enrollTestDevice } from '../../hub/test/support/devices.js';
import { eventually } from '../../hub/test/support/test-hub.js';
import { browserMissing, shot } from './support/browser.js';
import { serious, settled, startConsoleEnv, type ConsoleEnv } from './support/console-env.js';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

// Buttons only operators may see on the Health page.
const HEALTH_EDITING = /^(New health model…|Edit rules…|Remove…)$|^Edit rules of |^Remove the health model of /;

/** Controls that change something on the hub, and buttons named (or labelled) like the health editing ones. */
async function controls(page: Page) {
  const texts = (await page.getByRole('button').allTextContents())
    .map((n) => n.trim())
    .filter((n) => HEALTH_EDITING.test(n));
  return {
    mutating: await page.locator('[data-mutates]').count(),
    editing: texts.length + (await page.getByRole('button', { name: HEALTH_EDITING }).count()),
  };
}

describe(
  'web console in Chromium against a real hub and simulated devices: health models and traffic',
  { skip: missing ?? false },
  () => {
    let env: ConsoleEnv;
    before(async () => {
      // Ports seen in a device's first 3 s of traffic reports are its normal ones; later ones are new.
      env = await startConsoleEnv({ traffic: { learningS: 3 } });
    });
    after(async () => env?.stop());

    it('lets an operator give a model its own health rules, shows the fleet and a device follow them, refuses a bad rule, and removes them', async () => {
      const { page, problems } = await env.signedIn('op');
      // The dashboard's health card opens the Health page.
      await page.getByRole('region', { name: 'Device health' }).getByRole('link').first().click();
      await page.getByRole('heading', { name: 'Health', exact: true }).waitFor();
      assert.match(page.url(), /\/health$/);
      await settled(page);
      // The default model comes first, in words.
      const cards = page.locator('ul.model-cards > li');
      assert.equal(await cards.first().getAttribute('data-model'), '*');
      const first = (await cards.first().textContent()) ?? '';
      assert.match(first, /default for every model without its own/);
      assert.match(first, /CPU > 85 % warning, > 95 % error/);
      assert.match(first, /Cellular signal < -105 dBm warning, < -115 dBm error/);
      assert.match(first, /built into the hub/);

      // gw-300 (sim-00002, sim-00003): any uptime over a second is a warning, so both turn warning.
      await page.getByRole('button', { name: 'New health model…' }).click();
      const create = page.getByRole('dialog', { name: 'New health model' });
      await create.getByLabel('Device model').fill('gw-300');
      const metrics = await create.getByLabel('Metric of rule 1').locator('option').allTextContents();
      assert.ok(metrics.includes('Uptime (uptimeS)') && metrics.includes('CPU (cpuPct)'), metrics.join());
      await create.getByLabel('Metric of rule 1').selectOption('uptimeS');
      await create.getByLabel('Comparison of rule 1').selectOption('>');
      await create.getByLabel('Warning threshold of rule 1').fill('1');
      await create.getByRole('button', { name: 'Create health model' }).click();
      await create.waitFor({ state: 'hidden' });

      const gw300 = page.getByTestId('health-by-model').getByRole('row', { name: /^gw-300/ });
      // The page re-reads the counts after the save and every 15 s; a device between reports may show as unknown for a moment.
      await gw300.locator('td[data-state=warning]', { hasText: /^2$/ }).waitFor({ timeout: 30_000 });
      assert.match((await gw300.textContent()) ?? '', /its own model/);
      assert.equal((await env.t.admin.health.fleet()).byModel['gw-300'].warning, 2);
      const card = page.locator('ul.model-cards > li[data-model="gw-300"]');
      assert.match((await card.textContent()) ?? '', /Uptime > 1 s warning.*2 devices.*set by op/);
      // Each count opens the model's devices.
      assert.equal(
        await gw300.locator('td[data-state=warning] a').getAttribute('href'),
        '/devices?filter=model+%3D+%22gw-300%22',
      );
      await shot(page, 'health');
      await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
      await shot(page, 'health-models');

      // The device page says why and by which rule.
      await page.goto(env.base + '/devices/sim-00002');
      const verdict = page.getByTestId('health-verdict');
      await verdict.locator('.card-head .badge', { hasText: 'warning' }).waitFor();
      const said = (await verdict.textContent()) ?? '';
      assert.match(said, /Uptime is \d+ (s|min)\s*\(rule: Uptime > 1 s warning\)/);
      assert.match(said, /Judged by the health model of gw-300: Uptime > 1 s warning\./);
      await shot(page, 'device-health-verdict');

      // A rule without any threshold: the hub says what is wrong and where, and nothing changes.
      const before = (await env.t.admin.health.models()).items.find((m) => m.model === 'gw-300')!;
      await page.goto(env.base + '/health');
      await page.getByRole('button', { name: 'Edit rules of gw-300…' }).click();
      const edit = page.getByRole('dialog', { name: 'Rules of gw-300' });
      await edit.getByLabel('Warning threshold of rule 1').fill('');
      await edit.getByRole('button', { name: 'Save rules' }).click();
      await edit
        .getByRole('alert')
        .filter({ hasText: 'rule 1: a rule needs a warning or an error threshold' })
        .waitFor();
      // Thresholds the wrong way round for ">": the path names the field.
      await edit.getByLabel('Warning threshold of rule 1').fill('10');
      await edit.getByLabel('Error threshold of rule 1').fill('5');
      await edit.getByRole('button', { name: 'Save rules' }).click();
      await edit
        .getByRole('alert')
        .filter({
          hasText: 'rule 1, warning threshold: the warning threshold must come before the error threshold for ">"',
        })
        .waitFor();
      assert.equal(await edit.getByLabel('Warning threshold of rule 1').getAttribute('aria-invalid'), 'true');
      await shot(page, 'health-model-refused');
      await edit.getByRole('button', { name: 'Cancel' }).click();
      assert.deepEqual(
        (await env.t.admin.health.models()).items.find((m) => m.model === 'gw-300'),
        before,
      );

      // Removed: gw-300 falls back to the default.
      await page.getByRole('button', { name: 'Remove the health model of gw-300…' }).click();
      const remove = page.getByRole('dialog', { name: 'Remove the health model of gw-300' });
      assert.match(
        (await remove.textContent()) ?? '',
        /Devices of model gw-300 fall back to the default health model\./,
      );
      await remove.getByRole('button', { name: 'Remove health model' }).click();
      await remove.waitFor({ state: 'hidden' });
      await card.waitFor({ state: 'detached' });
      await gw300.filter({ hasText: 'the default' }).waitFor();
      assert.deepEqual(
        (await env.t.admin.health.models()).items.map((m) => m.model),
        ['*'],
      );
      const audit = (await env.t.admin.audit.list({ limit: 20 })).items.map((r) => r.action);
      assert.equal(
        audit.filter((a) => a === 'health_model.set').length,
        1,
        'the refused saves left no trace but the first',
      );
      assert.ok(audit.includes('health_model.delete'));

      // Readable on a tablet held upright.
      await page.setViewportSize({ width: 768, height: 1024 });
      await settled(page);
      await page.evaluate('window.scrollTo(0, 0)');
      await shot(page, 'health-tablet');
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });

    it("shows a device's traffic (learning, volume against its baseline, ports with the new one marked) and gives a viewer nothing to change", async () => {
      // A day of history, written through the hub's own traffic store: the simulator would need hours for it.
      const now = Date.now();
      const past = Array.from({ length: 23 }, (_, i) => now - (i + 1) * HOUR_MS).map((t) => {
        const bytes = Math.round(2500 * dailyShape(t, 1) * 3600);
        return {
          deviceId: 'sim-00001',
          ts: new Date(t).toISOString(),
          hour: hourIso(t),
          how: hourOfWeek(t),
          periodS: 3600,
          rxBytes: Math.round(bytes * 0.7),
          txBytes: Math.round(bytes * 0.3),
          rxPackets: 1,
          txPackets: 1,
        };
      });
      await createTrafficStore(env.t.hub.db).writeSamples(past);
      // Learning is over and enough reports came in for a baseline of the recent ones.
      await eventually(
        async () => {
          const t = await env.t.admin.traffic.device('sim-00001');
          return t.learningUntil !== null && Date.parse(t.learningUntil) < Date.now() && t.status?.baseline ? t : null;
        },
        20_000,
        200,
      );
      simTraffic('sim-00001')!.openPort('udp', 1194, 'out');
      await eventually(
        async () => (await env.t.admin.traffic.device('sim-00001')).ports.some((p) => p.port === 1194 && p.novel),
        15_000,
        200,
      );

      const { page, problems } = await env.signedIn('view');
      await page.goto(env.base + '/health');
      await page.getByRole('heading', { name: 'Health', exact: true }).waitFor();
      await page.getByTestId('health-by-model').waitFor();
      await page.locator('ul.model-cards > li').first().waitFor();
      await settled(page);
      let c = await controls(page);
      assert.equal(c.mutating, 0, `/health: ${c.mutating} mutating controls`);
      assert.equal(c.editing, 0, '/health: editing buttons');
      await shot(page, 'viewer-health');

      await page.goto(env.base + '/devices/sim-00001');
      await page.getByRole('tab', { name: 'Traffic' }).click();
      const ports = page.getByTestId('traffic-ports');
      await ports.waitFor();
      await settled(page);
      assert.match((await page.getByTestId('traffic-learning').textContent()) ?? '', /baseline in force since/);
      assert.match(
        (await page.getByTestId('traffic-baseline').textContent()) ?? '',
        /usual for this hour \(median of the last \d+ reports\)/,
      );
      // The volume chart, with the day written above and the baseline in it.
      const chart = page.getByRole('img', {
        name: 'Average traffic of each hour over the last 24 hours, with the baseline for the current hour',
      });
      await chart.locator('canvas').waitFor();
      // gw-200 serves Modbus and SSH, calls out on HTTPS, MQTT, DNS and NTP; OpenVPN out is new.
      const rows = await ports.locator('tbody tr').allInnerTexts();
      const row = (proto: string, port: number) =>
        rows.find((r) => r.startsWith(proto) && new RegExp(`\\b${port}\\b`).test(r)) ?? '';
      assert.match(row('TCP', 502), /Modbus\/TCP.*in: a service on the device/);
      assert.match(row('TCP', 443), /out: to a remote service/);
      assert.match(row('UDP', 1194), /^UDP new.*OpenVPN/);
      assert.equal(rows.filter((r) => /^(TCP|UDP) new/.test(r)).length, 1, rows.join('\n'));
      assert.ok(rows[0].includes('1194'), 'the new port comes first');
      c = await controls(page);
      assert.equal(c.mutating, 0, `Traffic tab: ${c.mutating} mutating controls`);
      await shot(page, 'device-traffic');

      await page.getByRole('button', { name: '7 d' }).click();
      await page
        .getByRole('img', { name: /over the last 7 days/ })
        .locator('canvas')
        .waitFor();
      await page.setViewportSize({ width: 768, height: 1024 });
      await settled(page);
      await shot(page, 'device-traffic-tablet');

      // A device that never reported traffic says so.
      const quiet = await enrollTestDevice(env.t, 'rtu-quiet-1');
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(`${env.base}/devices/${quiet.id}`);
      await page.getByRole('tab', { name: 'Traffic' }).click();
      await page.getByText('This device reports no traffic counters.', { exact: false }).waitFor();
      assert.equal((await controls(page)).mutating, 0);
      // Nor has it sent a cellular report: the Cellular tab says there is no modem, never zeros.
      await page.getByRole('tab', { name: 'Cellular' }).click();
      await page.getByText('No modem: this device has sent no cellular report.').waitFor();
      assert.equal((await controls(page)).mutating, 0);
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });
  },
);
