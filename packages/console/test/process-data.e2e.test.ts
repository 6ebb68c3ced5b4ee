import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { eventually } from '../../hub/test/support/test-hub.js';
import { browserMissing, shot } from './support/browser.js';
import { serious, startConsoleEnv, type ConsoleEnv } from './support/console-env.js';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

/** History requests the page makes, as URLs. */
function historyRequests(page: Page): URL[] {
  const seen: URL[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/data/points/') && r.url().includes('/history')) seen.push(new URL(r.url()));
  });
  return seen;
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 30_000) {
  await eventually(async () => await check(), ms, 100).catch(() => {
    throw new Error(`${what}: not within ${ms / 1000} s`);
  });
}

describe(
  'process data in the web console (Chromium, real hub, simulated water sites)',
  { skip: missing ?? false },
  () => {
    let env: ConsoleEnv;
    before(async () => {
      env = await startConsoleEnv({ data: { devices: ['sim-00001', 'sim-00002'] } });
      // Every simulated site reports its six points, and the tank level has a few readings of history.
      await until('sim-00001 and sim-00002 report data', async () => {
        for (const id of ['sim-00001', 'sim-00002']) {
          const points = (await env.t.admin.data.points(id)).items;
          if (points.length < 6 || points.some((p) => p.value === null)) return false;
        }
        const now = Date.now();
        const h = await env.t.admin.data.history('sim-00001', 'tank.level', {
          from: new Date(now - 3_600_000).toISOString(),
          to: new Date(now + 1000).toISOString(),
          interval: 'raw',
        });
        return h.rows.length >= 3;
      });
    });
    after(async () => env?.stop());

    it('lists a device’s points with value, unit, quality, age and a sparkline', async () => {
      const { page, problems } = await env.signedIn('view');
      await page.goto(env.base + '/devices/sim-00001');
      await page.getByRole('tab', { name: 'Data' }).click();
      const table = page.getByTestId('data-points');
      const level = table.locator('tr[data-point="tank.level"]');
      await level.waitFor();
      assert.equal(await table.locator('tbody tr').count(), 6);
      assert.match((await level.getByTestId('data-value').textContent()) ?? '', /^\d+(\.\d+)? m$/);
      assert.equal((await level.getByTestId('data-quality').textContent())?.trim(), 'good');
      assert.ok(await level.getByText('Tank 1 level').isVisible());
      assert.match((await level.textContent()) ?? '', /\d+ s ago/);
      const flow = table.locator('tr[data-point="flow.in"]');
      assert.match((await flow.getByTestId('data-value').textContent()) ?? '', / m3\/h$/);
      assert.match(
        (await table.locator('tr[data-point="pump1.run"]').getByTestId('data-value').textContent()) ?? '',
        /^(true|false)$/,
      );
      // The sparkline draws the hour's values: at least two vertices.
      const line = level.locator('svg.sparkline polyline');
      await line.waitFor();
      const vertices = ((await line.getAttribute('points')) ?? '').trim().split(/\s+/);
      assert.ok(vertices.length >= 2, `sparkline vertices: ${vertices.length}`);
      assert.equal(Number(await line.getAttribute('data-count')), vertices.length);
      await shot(page, 'device-data');
      assert.equal(await page.locator('[data-mutates]').count(), 0, 'nothing a viewer could change');
      // A device without data sources says how to declare them.
      await page.goto(env.base + '/devices/sim-00006');
      await page.getByRole('tab', { name: 'Data' }).click();
      await page.getByText('This device reports no process data').waitFor();
      assert.match((await page.locator('.empty').textContent()) ?? '', /Process data.*docs\/DATA\.md/);
      await page.goto(env.base + '/devices/sim-00001');
      await page.getByRole('tab', { name: 'Data' }).click();
      // The sparkline opens the point in the trend view.
      await level.locator('svg.sparkline').click();
      await page.waitForURL(/\/data\/trend\?s=sim-00001%3Atank\.level&range=1h$/);
      await page.getByTestId('trend-chart').waitFor();
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });

    it('trends two points of two devices, picks the tier from the range and downloads what it shows', async () => {
      const { page, problems } = await env.signedIn('view');
      const requests = historyRequests(page);
      await page.goto(env.base + '/data/trend?s=sim-00001:tank.level&s=sim-00002:flow.in&range=1h');
      const chart = page.locator('[data-testid=trend-chart][data-series="2"]');
      await chart.waitFor();
      const legend = await chart.locator('.u-legend').textContent();
      assert.ok(legend?.includes('sim-00001:tank.level') && legend.includes('sim-00002:flow.in'), legend ?? '');
      const intervals = (devicePoint: string) =>
        requests.filter((u) => u.pathname.includes(devicePoint)).map((u) => u.searchParams.get('interval'));
      assert.deepEqual(intervals('sim-00001/data/points/tank.level'), ['raw']);
      assert.deepEqual(intervals('sim-00002/data/points/flow.in'), ['raw']);

      const raw = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download CSV' }).click();
      const rawCsv = readFileSync(await (await raw).path(), 'utf8').split('\r\n');
      assert.equal(rawCsv[0], 'ts,sim-00001:tank.level (m),sim-00002:flow.in (m3/h)');
      assert.ok(rawCsv.length > 3, 'rows below the header');
      assert.match(rawCsv[1], /^\d{4}-\d\d-\d\dT[\d:.]+Z,/);

      // 24 hours come from the 1-minute roll-ups, drawn with their min–max band.
      await page.getByRole('group', { name: 'Range' }).getByRole('button', { name: '24 h' }).click();
      await page.waitForURL(/range=24h/);
      await page.locator('[data-testid=trend-range][data-interval="1m"]').waitFor();
      await until(
        'the 1m requests',
        () => intervals('tank.level').includes('1m') && intervals('flow.in').includes('1m'),
      );
      assert.ok((await chart.locator('.u-legend').textContent())?.includes('sim-00001:tank.level max'));
      const rolled = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download CSV' }).click();
      const rolledCsv = readFileSync(await (await rolled).path(), 'utf8').split('\r\n');
      assert.equal(
        rolledCsv[0],
        'ts,sim-00001:tank.level (m),sim-00001:tank.level min,sim-00001:tank.level max,' +
          'sim-00002:flow.in (m3/h),sim-00002:flow.in min,sim-00002:flow.in max',
      );
      const full = rolledCsv.slice(1).find((line) => /^[^,]+,[^,]+,[^,]+,[^,]+,/.test(line));
      assert.ok(full, 'a row with the tank level');
      const [, mean, min, max] = full.split(',').map(Number);
      assert.ok(min <= mean && mean <= max, `min <= mean <= max: ${full}`);
      await shot(page, 'data-trend');

      // The address holds the view: a reload shows the same range.
      await page.reload();
      await page.locator('[data-testid=trend-range][data-interval="1m"]').waitFor();
      assert.equal(
        await page
          .getByRole('group', { name: 'Range' })
          .getByRole('button', { name: '24 h' })
          .getAttribute('aria-pressed'),
        'true',
      );

      // A custom range of two hours: a fixed from–to in the address, raw values again.
      const local = (ms: number) => {
        const d = new Date(ms);
        const p2 = (n: number) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}`;
      };
      const custom = page.getByRole('form', { name: 'Custom range' });
      await custom.getByLabel('From').fill(local(Date.now() - 2 * 3_600_000));
      await custom.getByLabel('To').fill(local(Date.now() + 60_000));
      await custom.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/from=.*&to=/);
      await page.locator('[data-testid=trend-range][data-interval="raw"]').waitFor();
      await chart.waitFor();
      assert.equal(await page.locator('[data-mutates]').count(), 0, 'nothing a viewer could change');

      // Dragging across the chart asks for that stretch: a narrower from–to in the address.
      const before = page.url();
      const over = chart.locator('.u-over');
      const box = (await over.boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 5 });
      await page.mouse.up();
      await page.waitForURL((u) => u.toString() !== before);
      const q = new URL(page.url()).searchParams;
      const span = Date.parse(q.get('to')!) - Date.parse(q.get('from')!);
      assert.ok(span > 0 && span < 30 * 60_000, `zoomed span ${span} ms`);
      assert.deepEqual(q.getAll('s'), ['sim-00001:tank.level', 'sim-00002:flow.in']);
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });

    it('creates a threshold data monitor in the rule editor, refusing a bad point name first', async () => {
      const { page, problems } = await env.signedIn('op');
      await page.goto(env.base + '/alerts?tab=rules');
      await page.getByRole('button', { name: 'New rule…' }).click();
      const dialog = page.getByRole('dialog', { name: 'New alert rule' });
      await dialog.getByLabel('Name').fill('tank high');
      await dialog.getByLabel('Type').selectOption({ label: 'data point above or below a threshold' });
      assert.equal(await dialog.getByLabel('Parameters (JSON)').count(), 0, 'fields in place of JSON');
      await dialog.getByLabel('Condition holds for (seconds)').fill('30');
      await dialog.getByLabel('Data point').fill('Tank Level');
      await dialog.getByLabel('Threshold', { exact: true }).fill('6.5');
      await dialog.getByLabel('Hysteresis', { exact: true }).fill('0.5');
      await dialog.getByRole('button', { name: 'Create rule' }).click();
      await dialog.getByRole('alert').filter({ hasText: 'Point: lowercase letters' }).waitFor();
      assert.equal((await env.t.admin.rules.list()).items.filter((r) => r.name === 'tank high').length, 0);

      await dialog.getByLabel('Data point').fill('tank.level');
      await dialog.getByRole('button', { name: 'Create rule' }).click();
      const row = page.locator('tr', { hasText: 'tank high' });
      await row.getByText('tank.level above 6.5 (resolves at 6 or below)').waitFor();
      const stored = (await env.t.admin.rules.list()).items.find((r) => r.name === 'tank high');
      assert.equal(stored?.type, 'data_threshold');
      assert.equal(stored?.forS, 30);
      assert.deepEqual(stored?.params, { point: 'tank.level', threshold: 6.5, hysteresis: 0.5, direction: 'above' });

      // Editing shows the stored parameters in their fields.
      await row.getByRole('button', { name: 'Edit' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit rule tank high' });
      assert.equal(await edit.getByLabel('Data point').inputValue(), 'tank.level');
      assert.equal(await edit.getByLabel('Threshold', { exact: true }).inputValue(), '6.5');
      assert.equal(await edit.getByLabel('Direction').inputValue(), 'above');
      await shot(page, 'data-monitor-rule');
      assert.deepEqual(serious(problems), []);
      await page.context().close();
    });
  },
);
