import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { browserMissing, shot } from './support/browser.js';
import { serious, settled, startConsoleEnv, type ConsoleEnv } from './support/console-env.js';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

describe('diagnostics in the web console (Chromium, real hub, simulated devices)', { skip: missing ?? false }, () => {
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsoleEnv();
  });
  after(async () => env?.stop());

  it('runs a declared diagnostic from a device page and shows its output', async () => {
    const { page, problems } = await env.signedIn('op');
    await page.goto(env.base + '/devices/sim-00001');
    await page.getByRole('tab', { name: 'Diagnostics' }).click();
    await page.getByText('Declared:').waitFor();
    const form = page.getByRole('form', { name: 'Run a diagnostic on this device' });
    await form.getByLabel('Diagnostic').fill('ip-addr');
    await form.getByRole('button', { name: 'Run diagnostic' }).click();
    const card = page.locator('[data-testid=diag-result][data-device=sim-00001][data-status=ok]');
    await card.waitFor({ timeout: 60_000 });
    assert.equal((await card.getByTestId('diag-exit').textContent())?.trim(), '0');
    assert.equal((await card.getByTestId('diag-truncated').textContent())?.trim(), 'no');
    const out = JSON.parse((await card.getByTestId('diag-stdout').textContent()) ?? '') as Array<{ ifname: string }>;
    assert.deepEqual(
      out.map((i) => i.ifname),
      ['lo', 'eth0', 'wwan0'],
    );
    // A parameter failing the device's pattern: the agent refuses it, and the page says why.
    await form.getByLabel('Diagnostic').fill('ping-host');
    await form.getByLabel(/^Parameter/).fill('8.8.8.8 -f');
    await form.getByRole('button', { name: 'Run diagnostic' }).click();
    const refused = page.locator('[data-testid=diag-result][data-status=refused]');
    await refused.waitFor({ timeout: 60_000 });
    assert.equal((await refused.getByTestId('diag-reason').textContent())?.trim(), 'diag_param_invalid');
    await shot(page, 'diagnostics-device');
    assert.deepEqual(serious(problems), []);
  });

  it('runs a diagnostic on a fleet selection, shows results side by side and downloads them', async () => {
    const { page, problems } = await env.signedIn('op');
    await page.goto(env.base + '/devices');
    await settled(page);
    await page.getByLabel('Select every device on this page').check();
    await page.getByRole('button', { name: 'Diagnostic…' }).click();
    await page.getByRole('heading', { name: 'Diagnostics' }).waitFor();
    assert.match(await page.getByRole('textbox', { name: 'Filter' }).inputValue(), /^id in \(/);
    const form = page.getByRole('form', { name: 'Run a diagnostic on the fleet' });
    await form.getByLabel('Diagnostic').fill('modem');
    await form.getByRole('button', { name: 'Run diagnostic' }).click();
    await page.waitForURL(/\/diagnostics\/diag_/);
    const ok = page.locator('[data-testid=diag-result][data-status=ok]');
    for (let i = 0; (await ok.count()) < 6; i++) {
      if (i > 600) throw new Error(`only ${await ok.count()} of 6 results after 60 s`);
      await page.waitForTimeout(100);
    }
    // Side by side: the cards share rows.
    const boxes = await Promise.all([0, 1].map(async (i) => (await ok.nth(i).boundingBox())!));
    assert.equal(Math.round(boxes[0].y), Math.round(boxes[1].y), 'two results in one row');
    const modem = JSON.parse((await ok.first().getByTestId('diag-stdout').textContent()) ?? '') as {
      modem: { generic: { model: string } };
    };
    assert.equal(modem.modem.generic.model, 'EG25-G');
    await shot(page, 'diagnostics-run');

    const runId = /\/diagnostics\/([^/?]+)/.exec(page.url())![1];
    const json = await page.request.get(`${env.base}/api/v1/diagnostics/runs/${runId}/results.json`);
    assert.equal(json.status(), 200);
    assert.equal(((await json.json()) as { results: unknown[] }).results.length, 6);
    const zipHref = await page.getByRole('link', { name: 'Download zip' }).getAttribute('href');
    const zip = await page.request.get(env.base + zipHref!);
    assert.equal(zip.headers()['content-type'], 'application/zip');
    const bytes = await zip.body();
    assert.equal(bytes.readUInt32LE(0), 0x04034b50, 'a zip local file header');
    assert.deepEqual(serious(problems), []);
  });

  it('lets a viewer read runs but not start one', async () => {
    const { page, problems } = await env.signedIn('view');
    await page.goto(env.base + '/diagnostics');
    await page.getByRole('heading', { name: 'Diagnostics' }).waitFor();
    await settled(page);
    assert.equal(await page.getByRole('button', { name: 'Run diagnostic' }).count(), 0);
    assert.ok((await page.getByTestId('diag-runs').locator('tbody tr').count()) >= 2);
    assert.deepEqual(serious(problems), []);
  });
});
