import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { profileOf } from '@outpost/sim';
import { createManualClock } from '../../hub/src/platform/manual-clock.js';
import { eventually, startTestHub } from '../../hub/test/support/test-hub.js';
import { releaseArtifact, setupTrust, startUpdateFleet } from '../../hub/test/support/updates.js';
import { cliEnvFor, OUTPOST_MAIN } from './outpost-command.js';

const run = promisify(execFile);
const HOUR = 3_600_000;

// A rollout waiting for its maintenance window says so, and when the window opens, on the API,
// `rollouts show` and `--watch`; an aborted rollout's waves say aborted. The hub's clock starts
// two hours before the last full hour, so the window (at the hour three hours on) opens in 3 h.
test('a rollout outside its window says when the window opens; --watch follows it to the end', async () => {
  const start = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
  const clock = createManualClock(start, { flowing: true });
  const t = await startTestHub({ rolloutTickMs: 100 }, undefined, { clock });
  const dir = mkdtempSync(join(tmpdir(), 'outpost-cli-window-'));
  const env = { ...process.env, ...(await cliEnvFor(t, dir, 'admin')) };
  const cli = async (...a: string[]) =>
    (await run(process.execPath, [OUTPOST_MAIN, ...a], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 })).stdout;
  const { keys } = await setupTrust(t);
  const fleet = await startUpdateFleet(t, 1, { prefix: 'win' });
  let watcher: ReturnType<typeof spawn> | null = null;
  try {
    await eventually(async () => (await t.admin.devices.list({ filter: 'online' })).items.length === 1, 30_000);
    const a = await releaseArtifact(t, keys, { version: '9.2.0', models: [profileOf(1).model] });
    const opens = new Date(start + 3 * HOUR);
    const window = { cron: `0 ${opens.getUTCHours()} * * *`, durationMin: 60, timezone: 'UTC' };
    const input = { artifactId: a.id, target: { filter: 'id = "win-00001"' }, waves: [{ percent: 100 }] };
    const r = await t.admin.rollouts.create({ ...input, name: 'nightly', maintenanceWindow: window });

    const got = await t.admin.rollouts.get(r.id);
    assert.equal(got.state, 'running');
    assert.equal(got.window?.open, false);
    assert.equal(got.window?.opensAt, opens.toISOString());
    assert.ok(got.window.opensInS! > 3 * 3600 - 120 && got.window.opensInS! <= 3 * 3600, `${got.window.opensInS}`);
    const shown = await cli('rollouts', 'show', r.id);
    assert.match(shown, new RegExp(`state waiting for window, opens at ${opens.toISOString()} \\(in 3 h\\)`));
    assert.match(shown, /in flight 0 +queued 1/);
    const json = JSON.parse(await cli('rollouts', 'show', r.id, '--json')) as { window: { opensAt: string } };
    assert.equal(json.window.opensAt, opens.toISOString());

    // An aborted rollout's waves say aborted, not pending or running, and it waits for no window.
    await t.admin.rollouts.abort(r.id, 'wrong image');
    const aborted = await t.admin.rollouts.get(r.id);
    assert.deepEqual(
      aborted.waves.map((w) => w.state),
      ['aborted'],
    );
    assert.equal(aborted.window, null);
    assert.match(await cli('rollouts', 'show', r.id), /state aborted — wrong image[\s\S]*wave 1 +1 devices +aborted/);

    // A window that opens in half a minute (of the hub's clock): --watch says it waits, once, then follows it.
    const soon = new Date(clock.now().getTime() + 30_000);
    const b = await t.admin.rollouts.create({
      ...input,
      name: 'soon',
      maintenanceWindow: {
        cron: `${soon.getUTCSeconds()} ${soon.getUTCMinutes()} ${soon.getUTCHours()} * * *`,
        durationMin: 60,
        timezone: 'UTC',
      },
    });
    let out = '';
    watcher = spawn(process.execPath, [OUTPOST_MAIN, 'rollouts', 'show', b.id, '--watch'], { cwd: dir, env });
    watcher.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => watcher!.on('exit', resolve));
    assert.equal(await exited, 0, out);
    assert.equal(out.split('state waiting for window').length - 1, 1, `said once while nothing moved:\n${out}`);
    assert.match(out, /waiting for window, opens at \S+ \(in under a minute\)/);
    assert.match(out, /state completed/);
    assert.match(out, /succeeded 1 +failed 0/);
  } finally {
    watcher?.kill();
    await fleet.stop();
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
