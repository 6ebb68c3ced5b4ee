import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../../hub/test/support/test-hub.js';
import { browserMissing, shot } from './support/browser.js';
import { serious, settled, startConsoleEnv, type ConsoleEnv } from './support/console-env.js';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

// The group tree (nested paths, counts that include subgroups), a group's page (its roll-up, the
// same figures the API answers) and renaming a group from the console.
describe('web console in Chromium: group tree, group page and rename', { skip: missing ?? false }, () => {
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsoleEnv();
    const { admin } = env.t;
    for (const path of ['plant', 'plant/pumps', 'plant/pumps/deep'])
      await admin.groups.create({ path, kind: 'static' });
    const ids = env.sim.ids;
    await admin.groups.addMembers('plant/pumps', { deviceIds: [ids[0], ids[1]] });
    await admin.groups.addMembers('plant/pumps/deep', { deviceIds: [ids[2]] });
    await admin.groups.addMembers('plant', { deviceIds: [ids[3]] });
    await admin.templates.create({
      name: 'plant-baseline',
      priority: 10,
      policy: 'report',
      target: { group: 'plant' },
      settings: { 'ssh.port': 2202 },
    });
  });
  after(async () => env?.stop());

  const node = (page: import('playwright-core').Page, path: string) =>
    page.locator(`tr[data-testid="group-node"][data-path="${path}"]`);

  it('shows nested groups with the devices at or below each, and collapses a branch', async () => {
    const { page, problems } = await env.signedIn('view');
    await page.goto(`${env.base}/groups`);
    await node(page, 'plant/pumps/deep').waitFor();
    const counts: Record<string, string> = {};
    for (const path of ['plant', 'plant/pumps', 'plant/pumps/deep'])
      counts[path] = await node(page, path).getByTestId('group-count').innerText();
    assert.deepEqual(counts, { plant: '4', 'plant/pumps': '3', 'plant/pumps/deep': '1' });
    assert.equal(await node(page, 'plant/pumps/deep').getAttribute('aria-level'), '3');
    assert.equal(await node(page, 'plant/pumps').getAttribute('aria-expanded'), 'true');
    await page.getByRole('button', { name: 'Collapse plant/pumps' }).click();
    await node(page, 'plant/pumps/deep').waitFor({ state: 'detached' });
    assert.equal(await node(page, 'plant/pumps').getAttribute('aria-expanded'), 'false');
    await page.getByRole('button', { name: 'Expand plant/pumps' }).click();
    await node(page, 'plant/pumps/deep').waitFor();
    await shot(page, 'group-tree');
    assert.deepEqual(serious(problems), []);
    await page.context().close();
  });

  it("shows a group's roll-up with the numbers the API answers, and a firmware chart per model", async () => {
    const { page, problems } = await env.signedIn('view');
    await page.goto(`${env.base}/groups/${encodeURIComponent('plant')}`);
    await page.getByRole('heading', { name: 'Group plant' }).waitFor();
    await page.getByTestId('group-presence-total').waitFor();
    await settled(page);
    const api = await env.t.admin.groups.rollup('plant');
    assert.equal(api.devices, 4);
    const tile = async (key: string) =>
      (await page.getByTestId(`group-presence-${key}`).locator('.tile-value').innerText()).trim();
    assert.deepEqual(
      { online: await tile('online'), offline: await tile('offline'), total: await tile('total') },
      { online: String(api.presence.online), offline: String(api.presence.offline), total: String(api.devices) },
    );
    assert.equal((await page.getByTestId('group-alerts-open').innerText()).trim(), String(api.alerts.open));
    const chart = page.getByTestId('firmware-by-model');
    const bars = chart.locator('.bar-value');
    assert.equal(await bars.count(), api.firmware.length);
    const shown = (await bars.allInnerTexts()).map(Number).reduce((a, b) => a + b, 0);
    assert.equal(shown, api.devices);
    const members = new URL((await page.getByTestId('group-members').getAttribute('href')) ?? '', env.base);
    assert.equal(members.searchParams.get('filter'), 'group = "plant"');
    await shot(page, 'group-page');
    assert.deepEqual(serious(problems), []);
    await page.context().close();
  });

  it('shows the per-site table and firmware per model on the dashboard, with the numbers the API answers', async () => {
    const { page, problems } = await env.signedIn('view');
    const table = page.getByTestId('sites-table');
    await table.waitFor();
    const api = await env.t.admin.fleet.sites();
    assert.equal(
      api.sites.reduce((n, x) => n + x.devices, 0),
      6,
    );
    assert.equal(await table.locator('tbody tr').count(), api.sites.length);
    const first = api.sites[0];
    const row = table.locator(`tbody tr[data-site="${first.site ?? ''}"]`);
    const cells = await row.locator('td').allInnerTexts();
    assert.deepEqual(
      cells.slice(1).map((c) => c.trim()),
      [String(first.online), String(first.offline), String(first.critical), String(first.openAlerts)],
    );
    const bars = page.getByTestId('firmware-by-model').locator('.bar-value');
    assert.equal(
      (await bars.allInnerTexts()).map(Number).reduce((a, b) => a + b, 0),
      6,
    );
    await shot(page, 'dashboard-sites');
    assert.deepEqual(serious(problems), []);
    await page.context().close();
  });

  it('charts the compliance trend from the compliance history', async () => {
    await eventually(async () => (await env.t.admin.compliance.history({ hours: 168 })).items.length >= 1, 30_000, 250);
    const { page, problems } = await env.signedIn('view');
    await page.goto(`${env.base}/compliance`);
    const trend = page.getByTestId('compliance-trend');
    await trend.locator('canvas').waitFor();
    assert.ok(Number(await trend.getAttribute('data-points')) >= 1);
    assert.match(await trend.locator('.u-legend').innerText(), /Compliant/);
    assert.deepEqual(serious(problems), []);
    await page.context().close();
  });

  it('renames a group from its page, and the tree shows the new paths', async () => {
    const { page, problems } = await env.signedIn('admin');
    await page.goto(`${env.base}/groups/${encodeURIComponent('plant')}`);
    await page.getByRole('button', { name: 'Rename…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rename group plant' });
    await dialog.getByLabel('New path').fill('works');
    await dialog.getByRole('button', { name: 'Rename group' }).click();
    await page.getByRole('heading', { name: 'Group works' }).waitFor();
    await page.goto(`${env.base}/groups`);
    await node(page, 'works/pumps/deep').waitFor();
    assert.equal(await node(page, 'plant').count(), 0);
    assert.equal(await node(page, 'works').getByTestId('group-count').innerText(), '4');
    await eventually(async () => (await env.t.admin.groups.list()).items.some((g) => g.path === 'works/pumps'));
    assert.deepEqual(serious(problems), []);
    await page.context().close();
  });
});
