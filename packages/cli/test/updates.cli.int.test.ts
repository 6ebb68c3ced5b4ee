import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { eventually, startTestHub } from '../../hub/test/support/test-hub.js';
import { startUpdateFleet } from '../../hub/test/support/updates.js';
import { OUTPOST_MAIN } from './outpost-command.js';

const run = promisify(execFile);
const MAIN = OUTPOST_MAIN;
const ROOT = resolve(import.meta.dirname, '../../..');
const OFFLINE = new Set(['keygen', 'root', 'sign']);

test('release offline, upload, roll out and follow it with the outpost command', async () => {
  const t = await startTestHub({ rolloutTickMs: 100 });
  const dir = mkdtempSync(join(tmpdir(), 'outpost-cli-updates-'));
  writeFileSync(join(dir, 'ca.pem'), t.hub.caPem);
  const { token } = await t.admin.tokens.create({ name: 'cli', role: 'admin' });
  // Async: the hub runs in this process, so a synchronous child would block it.
  const cli = async (...a: string[]) => {
    const hub =
      a[0] === 'artifact' && OFFLINE.has(a[1])
        ? []
        : ['--hub', t.hub.httpUrl, '--token', token, '--ca-file', join(dir, 'ca.pem')];
    // Files are named relative to `dir`.
    const abs = a.map((x) => (/\.(key|json|img)$/.test(x) ? join(dir, x) : x));
    return (
      await run(process.execPath, [MAIN, ...abs, ...hub], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      })
    ).stdout;
  };
  let fleet: Awaited<ReturnType<typeof startUpdateFleet>> | null = null;
  try {
    await cli('artifact', 'keygen', '--out', 'a.key');
    await cli('artifact', 'root', '--key', 'a.key', '--out', 'root.json');
    assert.match(await cli('artifacts', 'trust', 'set', 'root.json'), /"version": 1/);
    fleet = await startUpdateFleet(t, 3, { prefix: 'cu' });
    await eventually(async () => (await t.admin.devices.list({ filter: 'online' })).items.length === 3, 20_000);
    writeFileSync(join(dir, 'fw.img'), Buffer.alloc(5000, 7));
    const models = 'gw-200,gw-300,rtr-lte-5,ser-2x';
    await cli(
      'artifact',
      'sign',
      '--key',
      'a.key',
      '--file',
      'fw.img',
      '--name',
      'gw-fw',
      '--version',
      '9.0.0',
      '--models',
      models,
      '--counter',
      '1',
      '--out',
      'm.json',
    );
    const art = JSON.parse(
      await cli(
        'artifacts',
        'create',
        '--name',
        'gw-fw',
        '--version',
        '9.0.0',
        '--models',
        models,
        '--file',
        'fw.img',
        '--manifest',
        'm.json',
        '--json',
      ),
    ) as { id: string; manifest: unknown };
    assert.ok(art.manifest, 'signed manifest attached');
    const target = ['--artifact', art.id, '--filter', 'id ~ "cu-"', '--waves', '1,100%'];
    const before = await cli('rollouts', 'create', '--name', 'demo', ...target, '--dry-run');
    assert.match(before, /gw-fw 9\.0\.0 \(firmware\) to 3 device\(s\): 3 would update, 0 waiting/);
    assert.match(before, /waves: 1 \+ 2/);
    assert.equal((await t.admin.rollouts.list()).items.length, 0, 'a dry run creates nothing');
    const watched = await cli(
      'rollouts',
      'create',
      '--name',
      'demo',
      '--artifact',
      art.id,
      '--filter',
      'id ~ "cu-"',
      '--waves',
      '1,100%',
      '--watch',
    );
    assert.match(watched, /state completed/);
    assert.match(watched, /wave 2 +2 devices +passed/);
    const rid = (JSON.parse(await cli('rollouts', 'list', '--json')) as { items: Array<{ id: string }> }).items[0].id;
    const jobs = JSON.parse(await cli('rollouts', 'jobs', rid, '--json')) as {
      items: Array<{ id: string; state: string }>;
    };
    assert.deepEqual(
      jobs.items.map((j) => j.state),
      ['succeeded', 'succeeded', 'succeeded'],
    );
    assert.match(await cli('rollouts', 'job', jobs.items[0].id), /verifying[\s\S]*succeeded/);
    await assert.rejects(cli('rollouts', 'approve', rid), /cannot approve/);
    const after = await cli('rollouts', 'create', '--name', 'again', ...target, '--dry-run');
    assert.match(after, /0 would update, 0 waiting for their first hello, skipped: 3 already_on_version/);
    assert.match(after, /cu-\S+ +skipped +already_on_version: already runs 9\.0\.0/);
  } finally {
    await fleet?.stop();
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
