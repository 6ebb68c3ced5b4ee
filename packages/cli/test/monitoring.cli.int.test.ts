import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startTestHub, type TestHub } from '../../hub/test/support/test-hub.js';
import { OUTPOST_MAIN, cliEnvFor } from './outpost-command.js';

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
const main = OUTPOST_MAIN;

describe('outpost rules, alerts and reports', () => {
  let t: TestHub;
  const dir = mkdtempSync(join(tmpdir(), 'outpost-cli-mon-'));
  let env: Record<string, string> = {};
  const cli = async (...args: string[]) =>
    (
      await exec(process.execPath, [main, ...args], {
        cwd: root,
        env: { ...process.env, ...env },
        timeout: 60_000,
      })
    ).stdout;

  before(async () => {
    t = await startTestHub();
    env = await cliEnvFor(t, dir, 'operator');
  });
  after(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // Each CLI run starts a process that loads the whole workspace: a handful of runs, the rest checked through the API.
  it('creates rules from flags and files, refuses a bad one with its path, lists alerts', async () => {
    const made = JSON.parse(
      await cli(
        'rules',
        'create',
        '--name',
        'hot',
        '--type',
        'metric',
        '--param',
        'metric=temperature',
        '--param',
        'threshold=80',
        '--param',
        'reset=75',
        '--for',
        '120',
        '--severity',
        'critical',
      ),
    );
    assert.deepEqual(made.params, { metric: 'temperatureC', op: '>', threshold: 80, reset: 75, staleFactor: 3 });
    assert.equal(made.forS, 120);
    writeFileSync(join(dir, 'rule.json'), JSON.stringify({ name: 'gone', type: 'offline', params: { afterS: 600 } }));
    await cli('rules', 'create', '--file', join(dir, 'rule.json'), '--severity', 'info');
    const rules = (await t.admin.rules.list()).items;
    assert.deepEqual(
      rules.map((r) => `${r.name}/${r.type}/${r.severity}`),
      ['gone/offline/info', 'hot/metric/critical'],
    );
    await assert.rejects(
      cli(
        'rules',
        'create',
        '--name',
        'bad',
        '--type',
        'metric',
        '--param',
        'metric=humidity',
        '--param',
        'threshold=1',
      ),
      /validation_failed: unknown metric "humidity"/,
    );
    assert.deepEqual(JSON.parse(await cli('alerts', 'list', '--json')).items, []);
  });

  it('runs a report to a file and schedules one', async () => {
    const out = join(dir, 'fleet.html');
    assert.match(await cli('reports', 'run', '--hours', '6', '--out', out), /Fleet report: /);
    assert.match(readFileSync(out, 'utf8'), /<h1>Fleet report<\/h1>/);
    assert.match(
      await cli(
        'reports',
        'schedule',
        'weekly',
        '--cron',
        '0 7 * * 1',
        '--tz',
        'Europe/Berlin',
        '--format',
        'html',
        '--format',
        'csv',
      ),
      /next run 20\d\d-/,
    );
    const [s] = (await t.admin.reports.schedules()).items;
    assert.deepEqual([s.cron, s.timezone, s.formats], ['0 7 * * 1', 'Europe/Berlin', ['html', 'csv']]);
    assert.equal((await t.admin.reports.runs()).items.length, 1);
  });
});
