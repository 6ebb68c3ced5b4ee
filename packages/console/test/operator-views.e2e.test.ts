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

    it('lists devices with health, signal, open alerts, groups, model and firmware, and the count of matches', async () => {
      const [a] = env.sim.ids;
      const open = (await env.t.admin.alerts.list({ state: 'open', device: a })).items.length;
      const { page, problems } = await env.signedIn('view');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
      const table = page.getByTestId('devices-table');
      await table.locator('tbody tr').nth(5).waitFor();
      await page.getByText('6 in the fleet').waitFor();
      const headers = (await table.locator('thead th').allInnerTexts()).map((h) => h.trim());
      for (const h of ['Health', 'Signal', 'Open alerts', 'Model', 'Firmware', 'Groups'])
        assert.ok(
          headers.some((x) => x.startsWith(h)),
          `${h} in ${headers.join(' | ')}`,
        );
      const row = table.locator('tbody tr', { has: page.getByRole('link', { name: a, exact: true }) });
      await row.locator('td[data-col=health] .badge').waitFor();
      assert.match(await row.locator('td[data-col=health]').innerText(), /^(normal|warning|error|unknown)$/);
      assert.match(
        await row.locator('td[data-col=signal]').innerText(),
        /^-?\d+(\.\d+)? dBm \((excellent|good|fair|poor)\)$/,
      );
      await row.locator('td[data-col=alerts]', { hasText: String(open) }).waitFor();
      assert.match(await row.locator('td[data-col=groups]').innerText(), /north/);
      assert.notEqual((await row.locator('td[data-col=model]').innerText()).trim(), '');
      assert.notEqual((await row.locator('td[data-col=firmware]').innerText()).trim(), '');
      await shot(page, 'devices-columns');
      // The hub reads the health of one page at a time.
      await assert.rejects(
        env.t.admin.health.devices(Array.from({ length: 201 }, (_, i) => `d${i}`)),
        (e: { code?: string; message?: string }) =>
          e.code === 'validation_failed' && /at most 200/.test(e.message ?? ''),
      );
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });

    it('lists every path of the hub OpenAPI document in the API explorer', async () => {
      const { page, problems } = await env.signedIn('view');
      const res = await page.request.get(`${env.base}/api/v1/openapi.json`);
      assert.equal(res.status(), 200);
      const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
      const paths = Object.keys(doc.paths);
      assert.ok(paths.length > 100, `the document holds the route table (${paths.length} paths)`);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API explorer' }).click();
      const rows = page.getByTestId('api-operations').locator('tbody tr');
      await rows.first().waitFor();
      const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
      assert.equal(await rows.count(), operations);
      const shown = new Set(await page.getByTestId('api-operations').locator('tbody td code').allTextContents());
      assert.deepEqual(
        paths.filter((p) => !shown.has(p)),
        [],
      );
      const bulk = rows.filter({ hasText: '/api/v1/alerts/ack' }).filter({ hasText: 'POST' });
      assert.match(await bulk.innerText(), /operator/);
      await page.getByLabel('Find').fill('alerts/timeline');
      await rows.filter({ hasText: '/api/v1/alerts/timeline' }).waitFor();
      assert.equal(await rows.count(), 1);
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });

    it('draws the health model thresholds on the device health charts', async () => {
      const { page, problems } = await env.signedIn('view');
      await page.goto(`${env.base}/devices/${encodeURIComponent(env.sim.ids[0])}`);
      await page.getByRole('tab', { name: 'Health' }).click();
      const utilisation = page.locator('figure.chart-card', { hasText: 'Utilisation (%)' });
      await utilisation.locator('canvas').waitFor();
      // The default model (`*`): warning and error levels, each a labelled line in the chart's legend.
      const lines = (await utilisation.getAttribute('data-thresholds')) ?? '';
      for (const l of ['CPU warning > 85', 'CPU error > 95', 'Memory warning > 85', 'Disk error > 90'])
        assert.ok(lines.includes(l), `${l} in ${lines}`);
      assert.match(await utilisation.locator('.u-legend').innerText(), /CPU warning > 85/);
      const signal = page.locator('figure.chart-card', { hasText: 'Cellular signal (dBm)' });
      assert.match((await signal.getAttribute('data-thresholds')) ?? '', /Signal warning < -105; Signal error < -115/);
      await shot(page, 'health-thresholds');
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });
  },
);
