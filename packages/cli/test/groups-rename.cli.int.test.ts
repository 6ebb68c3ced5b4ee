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

describe('outpost groups rename', () => {
  let t: TestHub;
  const dir = mkdtempSync(join(tmpdir(), 'outpost-cli-rename-'));
  let env: Record<string, string> = {};
  const outpost = (...args: string[]) =>
    exec(process.execPath, [OUTPOST_MAIN, ...args], { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 });

  before(async () => {
    t = await startTestHub();
    env = await cliEnvFor(t, dir, 'admin');
    for (const path of ['north', 'north/pumps', 'yard']) await t.admin.groups.create({ path, kind: 'static' });
    await t.admin.views.create({ name: 'north view', filter: 'group = north' });
  });
  after(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renames a group with its subgroups and says what it rewrote', async () => {
    const { stdout } = await outpost('groups', 'rename', 'north', 'east');
    assert.match(stdout, /^renamed group north to east \(2 group\(s\) moved\)$/m);
    assert.match(stdout, /^ {2}saved views: 1 rewritten$/m);
    const paths = (await t.admin.groups.list()).items.map((g) => g.path).sort();
    assert.deepEqual(paths, ['east', 'east/pumps', 'yard']);
  });

  it('refuses a rename onto an existing group, naming the code', async () => {
    const e = await outpost('groups', 'rename', 'east', 'yard').then(
      () => assert.fail('expected a refusal'),
      (x: { code?: number; stderr?: string }) => x,
    );
    assert.notEqual(e.code, 0);
    assert.match(e.stderr ?? '', /group "yard" already exists/);
    assert.ok(await t.admin.groups.get('east'));
  });
});
