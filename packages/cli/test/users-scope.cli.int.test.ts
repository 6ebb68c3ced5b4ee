import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startTestHub, type TestHub } from '../../hub/test/support/test-hub.js';
import { OUTPOST_MAIN, cliEnvFor } from './outpost-command.js';

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');

describe('outpost users scope', () => {
  let t: TestHub;
  const dir = mkdtempSync(join(tmpdir(), 'outpost-cli-scope-'));
  let env: Record<string, string> = {};
  const outpost = async (...args: string[]) =>
    (
      await exec(process.execPath, [OUTPOST_MAIN, ...args], {
        cwd: root,
        env: { ...process.env, ...env },
        timeout: 60_000,
      })
    ).stdout;

  before(async () => {
    t = await startTestHub();
    env = {
      ...(await cliEnvFor(t, dir, 'admin')),
      OUTPOST_NEW_PASSWORD: 'a-long-password-1',
    };
    await t.admin.groups.create({ path: 'plant', kind: 'static' });
  });
  after(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a technician confined to a group, shows, changes and lifts the confinement', async () => {
    const created = JSON.parse(await outpost('users', 'create', 'tech-1', '--role', 'technician', '--scope', 'plant'));
    assert.equal(created.role, 'technician');
    assert.deepEqual(created.groups, ['plant']);
    assert.equal(
      (await outpost('users', 'scope', 'show', 'tech-1')).trim(),
      'tech-1 is confined to plant (and their subgroups)',
    );
    await outpost('users', 'scope', 'set', 'tech-1', 'plant/pumps', 'yard');
    assert.deepEqual(JSON.parse(await outpost('users', 'scope', 'show', 'tech-1', '--json')), {
      username: 'tech-1',
      groups: ['plant/pumps', 'yard'],
    });
    const listed = JSON.parse(await outpost('users', 'scope', 'list', '--json')) as {
      items: Array<{ username: string; groups: string[] }>;
    };
    assert.deepEqual(listed.items.find((u) => u.username === 'tech-1')?.groups, ['plant/pumps', 'yard']);
    assert.match(await outpost('users', 'scope', 'list'), /tech-1\s+technician\s+plant\/pumps yard/);
    assert.equal((await outpost('users', 'scope', 'clear', 'tech-1')).trim(), 'tech-1 sees every device');
    assert.match(await outpost('users', 'scope', 'list'), /tech-1\s+technician\s+all devices/);
    assert.equal(
      (await outpost('users', 'scope', 'set', 'tech-1', 'plant')).trim(),
      'tech-1 is confined to plant (and their subgroups)',
    );
    assert.equal((await outpost('users', 'scope', 'set', 'tech-1')).trim(), 'tech-1 sees every device');
    const audit = await t.admin.audit.list({ action: 'user.update', target: `user:${created.id}` });
    assert.equal(audit.items.length, 5);
  });

  it('refuses a path that is not a group path and an unknown user, changing nothing', async () => {
    const bad = await outpost('users', 'scope', 'set', 'tech-1', 'Not A Path').then(
      () => null,
      (e: { stderr: string }) => e.stderr,
    );
    assert.match(bad ?? '', /validation_failed|not a group path/);
    const missing = await outpost('users', 'scope', 'show', 'nobody').then(
      () => null,
      (e: { stderr: string }) => e.stderr,
    );
    assert.match(missing ?? '', /no user "nobody"/);
    assert.equal((await outpost('users', 'scope', 'show', 'tech-1')).trim(), 'tech-1 sees every device');
  });
});
