import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createFilesFeature, type Agent } from '@outpost/agent';
import { enrollTestDevice, startTestAgent } from '../../hub/test/support/devices.js';
import { ADMIN_PASSWORD, eventually, startTestHub, type TestHub } from '../../hub/test/support/test-hub.js';
import { browserMissing, buildConsole, launch, openPage, shot, signIn } from './support/browser.js';
import { serious } from './support/console-env.js';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

// The device page's Files tab in Chromium, against a real hub and a real agent serving a temp dir.
describe('web console in Chromium: device files', { skip: missing ?? false }, () => {
  let t: TestHub;
  let browser: Browser;
  let agent: Agent;
  let base: string;
  const dir = mkdtempSync(join(tmpdir(), 'outpost-console-files-'));
  const id = `console-files-${Date.now().toString(36)}`;
  const logs = join(dir, 'logs');
  const app = join(dir, 'app');

  before(async () => {
    buildConsole();
    mkdirSync(join(logs, 'nginx'), { recursive: true });
    mkdirSync(app);
    writeFileSync(join(logs, 'nginx', 'access.log'), 'GET / 200\n'.repeat(1000));
    writeFileSync(join(app, 'old.conf'), 'old=1\n');
    t = await startTestHub();
    base = t.hub.httpUrl.replace('localhost', '127.0.0.1');
    const d = await enrollTestDevice(t, id);
    const roots = [
      { name: 'logs', dir: logs, mode: 'ro' as const },
      { name: 'app', dir: app, mode: 'rw' as const },
    ];
    agent = startTestAgent(t, d, { features: [createFilesFeature({ roots, tls: d })] });
    await eventually(() => t.admin.files.roots(id), 20_000, 100);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await agent?.stop();
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('browses roots and directories, downloads a file, uploads into a rw root and deletes with confirmation', async () => {
    const { page, problems } = await openPage(browser);
    await signIn(page, base, 'admin', ADMIN_PASSWORD);
    await page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
    await page.goto(`${base}/devices/${id}`);
    await page.getByRole('tab', { name: 'Files' }).click();
    const panel = page.getByTestId('files-panel');
    await panel.getByRole('button', { name: 'logs (ro)' }).click();
    await panel.getByRole('button', { name: 'nginx/' }).click();
    const table = panel.getByRole('table', { name: 'Files in logs/nginx' });
    await table.getByText('access.log').waitFor();
    assert.match(await table.innerText(), /access\.log\s+file\s+10000\s+0644/);
    // A ro root offers no upload and no delete.
    assert.equal(await panel.getByRole('form', { name: 'Upload a file' }).count(), 0);
    assert.equal(await panel.getByRole('button', { name: /^Delete/ }).count(), 0);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      table.getByRole('link', { name: 'Download' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'access.log');
    assert.equal(readFileSync((await download.path())!, 'utf8'), 'GET / 200\n'.repeat(1000));

    await panel.getByRole('button', { name: 'app (rw)' }).click();
    const form = panel.getByRole('form', { name: 'Upload a file' });
    await form.getByLabel(/Upload to/).setInputFiles({
      name: 'site.conf',
      mimeType: 'text/plain',
      buffer: Buffer.from('site=north\n'),
    });
    await form.getByRole('button', { name: 'Upload', exact: true }).click();
    await panel.getByRole('table', { name: 'Files in app/' }).getByText('site.conf').waitFor();
    assert.equal(readFileSync(join(app, 'site.conf'), 'utf8'), 'site=north\n');
    await shot(page, 'device-files');

    await panel.getByRole('button', { name: 'Delete old.conf' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete old.conf' });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await eventually(() => !readdirSync(app).includes('old.conf'), 10_000, 100);
    // The listing's entry goes (the notice that names the deleted file may stay).
    await panel
      .getByRole('table', { name: 'Files in app/' })
      .locator('span')
      .filter({ hasText: /^old\.conf$/ })
      .waitFor({ state: 'detached' });
    const [del] = (await t.admin.audit.list({ action: 'files.delete', target: `device:${id}`, limit: 1 })).items;
    assert.equal(del.actor, 'admin');
    assert.deepEqual(serious(problems), []);
    await page.context().close();
  });

  it('shows a viewer the listing without download, upload or delete', async () => {
    await t.admin.users.create({ username: 'files-viewer', password: 'a-long-password-1', role: 'viewer' });
    const { page } = await openPage(browser);
    await signIn(page, base, 'files-viewer', 'a-long-password-1');
    await page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
    await page.goto(`${base}/devices/${id}`);
    await page.getByRole('tab', { name: 'Files' }).click();
    const panel = page.getByTestId('files-panel');
    await panel.getByRole('button', { name: 'app (rw)' }).click();
    await panel.getByRole('table', { name: 'Files in app/' }).getByText('site.conf').waitFor();
    assert.equal(await panel.getByRole('link', { name: 'Download' }).count(), 0);
    assert.equal(await panel.getByRole('form', { name: 'Upload a file' }).count(), 0);
    assert.equal(await panel.getByRole('button', { name: /^Delete/ }).count(), 0);
    await page.context().close();
  });
});
