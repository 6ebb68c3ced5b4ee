import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestHub, eventually, type TestHub } from '../../hub/test/support/test-hub.js';
import { OUTPOST_MAIN, cliEnvFor } from './outpost-command.js';

// Diagnostics end to end: a real agent process declares diagnostics with --diag, the hub runs them
// through the `outpost diag` command, and the agent alone decides what runs.

const root = resolve(import.meta.dirname, '../../..');
const DEVICE = 'diag-gw-1';
// Marks this test's sleepers, so the check for survivors finds only them.
const SLEEP_S = String(3000 + (process.pid % 900));

describe('outpost diag with a real agent', { timeout: 300_000 }, () => {
  let t: TestHub;
  let agent: ChildProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'outpost-cli-diag-'));
  let env: Record<string, string> = {};
  const outpost = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      execFile(
        process.execPath,
        [OUTPOST_MAIN, ...args],
        { cwd: root, env: { ...process.env, ...env }, timeout: 120_000, encoding: 'utf8', maxBuffer: 8 << 20 },
        (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      ),
    );
  const sleepers = () => {
    try {
      return execFileSync('pgrep', ['-f', `^sleep ${SLEEP_S}`])
        .toString()
        .trim();
    } catch {
      return '';
    }
  };

  before(async () => {
    t = await startTestHub();
    env = await cliEnvFor(t, dir, 'operator');
    const tok = await t.admin.enrollment.createToken({ label: 'diag', maxUses: 1 });
    const idDir = join(dir, 'agent');
    const enrolled = await outpost(
      'agent',
      'enroll',
      '--hub',
      t.hub.httpUrl,
      '--token',
      tok.token,
      '--ca-fingerprint',
      tok.caFingerprint,
      '--id',
      DEVICE,
      '--dir',
      idDir,
    );
    assert.equal(enrolled.code, 0, enrolled.stderr);
    agent = spawn(
      process.execPath,
      [
        OUTPOST_MAIN,
        'agent',
        'run',
        '--dir',
        idDir,
        '--diag',
        'kernel=/bin/uname -s',
        '--diag',
        'greet=/bin/echo hello {param}',
        '--diag-param',
        'greet=^[a-z]{1,16}$',
        '--diag',
        'count[output=1000]=/usr/bin/seq 1 100000',
        '--diag',
        `hang[timeout=2]=/bin/sh -c "sleep ${SLEEP_S} & sleep ${SLEEP_S}"`,
      ],
      { cwd: root, env: { ...process.env, OUTPOST_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    agent.stderr?.on('data', () => undefined);
    agent.stdout?.on('data', () => undefined);
    await eventually(async () => (await t.admin.devices.get(DEVICE)).presence === 'online', 60_000, 250);
  });
  after(async () => {
    agent?.kill('SIGTERM');
    if (agent && agent.exitCode === null) await new Promise((r) => agent!.once('exit', r));
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the declared names and runs one, returning its output', async () => {
    const list = await outpost('diag', 'list', DEVICE);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(list.stdout.trim().split('\n').sort(), ['count', 'greet', 'hang', 'kernel']);
    const r = await outpost('diag', 'run', 'kernel', '--device', DEVICE, '--wait', '--json');
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { results: Array<{ status: string; exitCode: number; stdout: string }> };
    assert.deepEqual([doc.results[0].status, doc.results[0].exitCode, doc.results[0].stdout], ['ok', 0, 'Linux\n']);
    const table = await outpost('diag', 'run', 'greet', '--param', 'world', '--device', DEVICE, '--wait');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`${DEVICE}\\s+ok\\s+0\\s+\\d+\\s+hello world`));
  });

  it('has the agent refuse a diagnostic it did not declare, even sent straight through the commands API', async () => {
    const cmd = await t.admin.devices.command(DEVICE, 'diag-run', { args: { name: 'reboot-now' }, wait: true });
    assert.equal(cmd.state, 'failed');
    assert.match(cmd.error ?? '', /^diag_not_declared: /);
    const r = await outpost('diag', 'run', 'reboot-now', '--device', DEVICE, '--wait', '--json');
    const [res] = (JSON.parse(r.stdout) as { results: Array<{ status: string; reason: string }> }).results;
    assert.deepEqual([res.status, res.reason], ['refused', 'diag_not_declared']);
  });

  it('refuses a parameter that fails its pattern, without running anything', async () => {
    const r = await outpost('diag', 'run', 'greet', '--param', 'x; reboot', '--device', DEVICE, '--wait', '--json');
    const [res] = (JSON.parse(r.stdout) as { results: Array<{ status: string; reason: string; stdout: string }> })
      .results;
    assert.deepEqual([res.status, res.reason, res.stdout], ['refused', 'diag_param_invalid', '']);
  });

  it('cuts output over the limit and says so; the zip holds what was kept', async () => {
    const started = await outpost('diag', 'run', 'count', '--device', DEVICE, '--json');
    const run = JSON.parse(started.stdout) as { id: string };
    await eventually(async () => (await t.admin.diagnostics.get(run.id, 0)).state === 'finished', 60_000, 250);
    const res = await t.admin.diagnostics.deviceResult(run.id, DEVICE);
    assert.deepEqual([res.status, res.truncated, res.stdout.length], ['ok', true, 1000]);
    assert.ok(res.stdout.startsWith('1\n2\n3\n'));
    const zip = join(dir, 'count.zip');
    const z = await outpost('diag', 'results', run.id, '--zip', zip);
    assert.equal(z.code, 0, z.stderr);
    assert.equal(execFileSync('unzip', ['-p', zip, `${DEVICE}/stdout.txt`]).toString(), res.stdout);
    assert.equal(JSON.parse(execFileSync('unzip', ['-p', zip, `${DEVICE}/result.json`]).toString()).truncated, true);
    assert.ok(readFileSync(zip).length > 0);
  });

  it('kills the whole process group when a diagnostic runs out of time', async () => {
    const r = await outpost('diag', 'run', 'hang', '--device', DEVICE, '--wait', '--json');
    const [res] = (JSON.parse(r.stdout) as { results: Array<{ status: string; reason: string; durationMs: number }> })
      .results;
    assert.equal(res.status, 'timeout');
    assert.match(res.reason, /killed after 2000 ms/);
    assert.ok(res.durationMs >= 2000 && res.durationMs < 20_000, String(res.durationMs));
    await eventually(async () => sleepers() === '', 10_000, 100);
  });
});
