import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserMissing, shot } from './support/browser.js';
import { serious, settled, startConsoleEnv, type ConsoleEnv } from './support/console-env.js';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

/**
 * Cells of the page's tables whose content is wider than the cell, and tables wider than their frame
 * (which would make a column run off the page). Measured through locators, not in-page eval.
 */
async function overflowing(page: Page): Promise<string[]> {
  // Typed by shape: the tests compile without the DOM library.
  type Box = { scrollWidth: number; clientWidth: number; tagName: string; textContent: string | null };
  const wide = (els: Box[]) =>
    els
      .filter((e) => e.scrollWidth > e.clientWidth)
      .map((e) => `${e.tagName} ${e.scrollWidth} > ${e.clientWidth}: ${(e.textContent ?? '').slice(0, 60)}`);
  const cells = await page.locator('main table.data td').evaluateAll(wide);
  const frames = await page.locator('main .table-wrap').evaluateAll(wide);
  return [...cells, ...frames];
}

describe('web console in Chromium: tables keep their cells inside their columns', { skip: missing ?? false }, () => {
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsoleEnv();
  });
  after(async () => env?.stop());

  it('shows audit details, device events and guard events as readable fields at 1280 px, none overflowing its column', async () => {
    // Long values: unbroken words, long event types, wide JSON.
    const long = 'calibration-drift-on-the-primary-measuring-loop-'.repeat(4);
    await env.t.admin.groups.create({ path: 'south', kind: 'static', description: long });
    await env.t.admin.devices.tag(env.sim.ids[0], { site: 'substation-with-a-rather-long-name', feeder: long });
    const agent = env.sim.agents[0];
    await agent.emit('sensor.flow.calibration_drift_detected_on_primary_loop', 'warning', {
      note: long,
      hex: 'f'.repeat(120),
    });
    await agent.emit('sensor.flow.reading', 'info', { values: Array.from({ length: 40 }, (_, i) => i * 1000) });
    await agent.emit('guard.blocked', 'warning', {
      master: '10.20.30.40:50211',
      unit: 7,
      function: 16,
      reason: long,
      registers: Array.from({ length: 60 }, (_, i) => 40001 + i),
      frame: 'ab'.repeat(200),
    });
    await env.t.admin.devices.update(env.sim.ids[0], { name: 'Pump station seven' });

    const { page, problems } = await env.signedIn('admin', { width: 1280 });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await page.locator('main table.data tbody tr').first().waitFor();
    await settled(page);
    assert.ok((await page.locator('main table.data tbody tr').count()) > 3);
    assert.deepEqual(await overflowing(page), []);
    // Details are fields, not JSON; targets name the user, not the user's id.
    assert.equal(await page.locator('main table.data td', { hasText: '{"' }).count(), 0);
    const opId = (await env.t.admin.users.list()).items.find((u) => u.username === 'op')!.id;
    await page.locator('main table.data td', { hasText: 'user op' }).first().waitFor();
    assert.equal(await page.locator('main table.data td', { hasText: opId }).count(), 0);
    await shot(page, 'tables-audit');

    await page.goto(`${env.base}/devices/${encodeURIComponent(env.sim.ids[0])}`);
    await page.getByRole('tab', { name: 'Events' }).click();
    await page.locator('main table.data tbody tr', { hasText: 'calibration_drift' }).waitFor({ timeout: 15_000 });
    await settled(page);
    assert.deepEqual(await overflowing(page), []);
    assert.equal(await page.locator('main table.data td', { hasText: '{"' }).count(), 0);
    await shot(page, 'tables-events');

    // The type filter asks the hub for one type only.
    await page.getByLabel('Event type').selectOption('sensor.flow.reading');
    const rows = page.locator('[data-testid="device-events"] tbody tr');
    await rows.filter({ hasText: 'calibration_drift' }).waitFor({ state: 'detached' });
    assert.ok((await rows.count()) >= 1);
    assert.deepEqual([...new Set(await rows.locator('td:nth-child(3)').allTextContents())], ['sensor.flow.reading']);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'OT guard' }).click();
    const guardRow = page.locator('[data-testid="guard-events"] tbody tr', { hasText: 'guard.blocked' });
    await guardRow.first().waitFor({ timeout: 15_000 });
    await settled(page);
    assert.deepEqual(await overflowing(page), []);
    // The device by its name, the event's fields by label.
    assert.match(await guardRow.first().innerText(), /Pump station seven/);
    assert.match(await guardRow.first().innerText(), /master\s+10\.20\.30\.40:50211/);
    assert.doesNotMatch(await guardRow.first().innerText(), new RegExp(env.sim.ids[0]));
    await shot(page, 'tables-guard');
    await page.getByRole('combobox', { name: 'Kind' }).selectOption('guard.new_master');
    await page.getByText('No guard events of kind guard.new_master.').waitFor();
    assert.deepEqual(serious(problems), []);
    await page.context().close();
  });
});
