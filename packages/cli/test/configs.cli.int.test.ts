import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { startTestHub, type TestHub } from '../../hub/test/support/test-hub.js';
import { registerConfigsCommands } from '../src/configs.commands.js';
import { OUTPOST_MAIN, cliEnvFor } from './outpost-command.js';

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
const main = OUTPOST_MAIN;

describe('outpost templates and outpost compliance', () => {
  let t: TestHub;
  const dir = mkdtempSync(join(tmpdir(), 'outpost-cli-cfg-'));
  let env: Record<string, string> = {};
  // The real `outpost` binary once (main.ts wiring); the other commands run in this process, which is much faster.
  const spawned = async (...args: string[]) =>
    (
      await exec(process.execPath, [main, ...args], {
        cwd: root,
        env: { ...process.env, ...env },
        timeout: 60_000,
      })
    ).stdout;
  const cli = async (...args: string[]) => {
    const program = new Command('outpost').exitOverride();
    registerConfigsCommands(program);
    const out: string[] = [];
    const log = console.log;
    const saved = { ...process.env };
    Object.assign(process.env, env);
    console.log = (...a: unknown[]) => void out.push(`${a.map(String).join(' ')}\n`);
    try {
      await program.parseAsync(['node', 'outpost', ...args]);
    } finally {
      console.log = log;
      for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
      Object.assign(process.env, saved);
    }
    return out.join('');
  };

  before(async () => {
    t = await startTestHub();
    env = {
      ...(await cliEnvFor(t, dir, 'operator')),
      OUTPOST_TEST_PSK: 'CliPskValue5Rt8',
    };
    await t.admin.groups.create({ path: 'cli-sites', kind: 'static' });
  });
  after(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, changes, versions and restores a template, and prints compliance as CSV', async () => {
    assert.match(
      await cli(
        'templates',
        'create',
        'cli-base',
        '--group',
        'cli-sites',
        '--priority',
        '20',
        '--set',
        'ssh.enabled=false',
        'ntp.servers=["10.0.0.1"]',
        '--string',
        'logging.level=warning',
        '--secret-env',
        'wifi.psk=OUTPOST_TEST_PSK',
      ),
      /cli-base version 1 created/,
    );
    assert.match(
      await cli(
        'templates',
        'update',
        'cli-base',
        '--policy',
        'enforce',
        '--set',
        'logging.level="debug"',
        '--comment',
        'tighter',
      ),
      /now version 2/,
    );
    const shown = JSON.parse(await cli('templates', 'show', 'cli-base', '--json'));
    assert.equal(shown.policy, 'enforce');
    assert.deepEqual(shown.settings, {
      'ssh.enabled': false,
      'ntp.servers': ['10.0.0.1'],
      'logging.level': 'debug',
      'wifi.psk': { $secret: true },
    });
    const versions = await cli('templates', 'versions', 'cli-base');
    assert.match(versions, /settings\.logging\.level changed/);
    assert.match(await cli('templates', 'restore', 'cli-base', '1'), /version 1 restored as version 3/);
    assert.equal((await t.admin.templates.get('cli-base')).policy, 'report');
    assert.match(await cli('compliance', 'summary'), /overall: 100% compliant/);
    const csv = await spawned('compliance', 'report', '--format', 'csv');
    assert.match(csv.split('\r\n')[0], /^device,device_name,template,template_version,policy,state/);
    const all = versions + csv + JSON.stringify(shown) + t.logText();
    assert.ok(!all.includes('CliPskValue5Rt8'));
  });
});
