import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestHub, type TestHub } from '../../hub/test/support/test-hub.js';
import { OUTPOST_MAIN, cliEnvFor } from './outpost-command.js';

const root = resolve(import.meta.dirname, '../../..');

async function eventually<T>(f: () => Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('outpost sim --data', () => {
  let t: TestHub;
  let sim: ChildProcess | undefined;
  let output = '';
  const dir = mkdtempSync(join(tmpdir(), 'outpost-cli-sim-data-'));

  before(async () => {
    t = await startTestHub();
  });
  after(async () => {
    if (sim && sim.exitCode === null) {
      const gone = new Promise((r) => sim!.once('exit', r));
      sim.kill('SIGTERM');
      await gone;
    }
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has simulated devices report their water site: points with units and good values', async () => {
    const env = await cliEnvFor(t, dir, 'admin');
    sim = spawn(
      process.execPath,
      [OUTPOST_MAIN, 'sim', '--devices', '2', '--data', '--prefix', 'wsim', '--cache', join(dir, 'cache')],
      { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    sim.stderr!.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-4000)));
    const points = await eventually(
      async () => {
        const items = (await t.admin.data.points('wsim-00001')).items;
        return items.length >= 6 && items;
      },
      90_000,
      `the data points of wsim-00001 (simulator said: ${output})`,
    );
    const level = points.find((p) => p.point === 'tank.level');
    assert.ok(level, JSON.stringify(points.map((p) => p.point)));
    assert.equal(level.unit, 'm');
    assert.equal(typeof level.value, 'number');
    // A simulated sensor fault or comm loss is rare (well under 1 % a poll): most points read good.
    assert.ok(points.filter((p) => p.quality === 'good').length >= 5, JSON.stringify(points));
    assert.ok(points.some((p) => p.point === 'pump1.run' && typeof p.value === 'boolean'));
  });
});
