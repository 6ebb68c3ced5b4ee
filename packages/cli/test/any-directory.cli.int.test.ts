import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN_PASSWORD, startTestHub } from '../../hub/test/support/test-hub.js';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../../bin');

const freePort = () =>
  new Promise<number>((r) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => r(port));
    });
  });

// The README's commands work from any directory: the `outpost` command on the PATH (the
// repository's bin/), run in a temporary directory outside the repository, with nothing of the
// hub's data directory beside it. Its mistakes say what to do.
test('the outpost command works from a directory outside the repository and explains connection mistakes', async () => {
  const t = await startTestHub();
  const dir = mkdtempSync(join(tmpdir(), 'outpost-anywhere-'));
  writeFileSync(join(dir, 'hub-ca.crt'), t.hub.caPem);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${BIN}:${process.env.PATH}`,
    OUTPOST_HOME: join(dir, 'home'),
  };
  delete env.OUTPOST_HUB;
  delete env.OUTPOST_TOKEN;
  delete env.OUTPOST_CA_FILE;
  const outpost = async (...a: string[]) =>
    (await run('outpost', a, { cwd: dir, env, encoding: 'utf8', timeout: 60_000 })).stdout;
  const fails = (...a: string[]) =>
    run('outpost', a, { cwd: dir, env, encoding: 'utf8', timeout: 60_000 }).then(
      () => assert.fail(`outpost ${a.join(' ')} succeeded`),
      (e: { stderr: string; code: number }) => e,
    );
  try {
    assert.match(await outpost('--help'), /Usage: outpost/);
    const closed = await freePort();
    const refused = await fails(
      'login',
      '--hub',
      `https://127.0.0.1:${closed}`,
      '--username',
      'admin',
      '--password',
      'x',
    );
    assert.match(
      refused.stderr,
      new RegExp(`is the hub running at 127\\.0\\.0\\.1:${closed}\\? Give its address with --hub`),
    );
    const plain = await fails('devices', 'list', '--hub', t.hub.httpUrl.replace('https:', 'http:'));
    assert.match(plain.stderr, /the hub speaks HTTPS only|is this the hub's HTTPS port/);
    const untrusted = await fails('login', '--hub', t.hub.httpUrl, '--username', 'admin', '--password', 'x');
    assert.match(untrusted.stderr, /use --ca-file <hub data directory>\/pki\/ca\.crt/);

    await outpost(
      'login',
      '--hub',
      t.hub.httpUrl,
      '--ca-file',
      'hub-ca.crt',
      '--username',
      'admin',
      '--password',
      ADMIN_PASSWORD,
    );
    // The sign-in keeps the hub and its CA: later commands need neither, from here or anywhere.
    assert.match(await outpost('devices', 'list'), /id|no devices|^$/m);
    await outpost('groups', 'create', 'north');
    const created = await outpost(
      'enrollment',
      'create',
      'north batch',
      '--uses',
      '10',
      '--group',
      'north',
      '--tag',
      'site=north',
    );
    assert.match(created, /outpost agent enroll --hub https:\/\/\S+ --token oet_\S+ --ca-fingerprint [0-9a-f]{8,}/);
    const listed = JSON.parse(await outpost('enrollment', 'list', '--json')) as {
      items: Array<{ id: string; label: string }>;
    };
    assert.equal(listed.items[0].label, 'north batch');
    assert.match(await outpost('enrollment', 'revoke', listed.items[0].id), /revoked/);
    assert.equal(((await t.admin.enrollment.list()).items[0] as { revoked: boolean }).revoked, true);
    await outpost('artifact', 'keygen', '--out', 'a.key');
    assert.ok(existsSync(join(dir, 'a.key')), 'relative paths are the working directory');
    assert.match(await outpost('groups', 'delete', 'north'), /deleted group north/);
    assert.equal(
      (await t.admin.groups.list()).items.some((g) => g.path === 'north'),
      false,
    );
  } finally {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
