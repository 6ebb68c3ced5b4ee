import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { OUTPOST_MAIN } from './outpost-command.js';

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
const main = OUTPOST_MAIN;
const PASSWORD = 'cli-test-admin-password';

function startProcess(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [main, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function waitForOutput(p: ChildProcess, pattern: RegExp, ms = 30_000): Promise<string> {
  return new Promise((resolveOut, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${ms} ms; got: ${text.slice(-500)}`)), ms);
    const on = (c: Buffer) => {
      text += c.toString();
      const m = pattern.exec(text);
      if (m) {
        clearTimeout(timer);
        resolveOut(text);
      }
    };
    p.stdout?.on('data', on);
    p.stderr?.on('data', on);
  });
}

describe('the outpost command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-cli-'));
  const env = { OUTPOST_HOME: join(dir, 'home'), OUTPOST_LOG_LEVEL: 'warn' };
  let hub: ChildProcess;
  let agent: ChildProcess | undefined;
  let hubUrl = '';
  let caFile = '';

  const cli = async (...args: string[]) => {
    const r = await exec(process.execPath, [main, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    return r.stdout;
  };

  before(async () => {
    hub = startProcess(['hub'], {
      ...env,
      OUTPOST_DATA_DIR: join(dir, 'data'),
      OUTPOST_HTTP_PORT: '0',
      OUTPOST_MQTT_PORT: '0',
      OUTPOST_ADMIN_PASSWORD: PASSWORD,
    });
    const banner = await waitForOutput(hub, /CA fingerprint:\s+[0-9a-f]{64}/);
    hubUrl = /console and API: (https:\/\/\S+?)\/\s/.exec(banner)![1];
    caFile = join(dir, 'data', 'pki', 'ca.crt');
  });
  after(async () => {
    agent?.kill('SIGTERM');
    hub.kill('SIGTERM');
    await new Promise((r) => hub.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in, enrolls and runs an agent, and lists it online', async () => {
    assert.match(
      await cli('login', '--hub', hubUrl, '--ca-file', caFile, '--username', 'admin', '--password', PASSWORD),
      /signed in .* as admin \(admin\)/,
    );
    const created = JSON.parse(await cli('enrollment', 'create', 'lab gateway', '--json', '--tag', 'site=lab'));
    assert.match(created.token, /^oet_/);
    const idDir = join(dir, 'agent');
    const enrolled = await cli(
      'agent',
      'enroll',
      '--hub',
      hubUrl,
      '--token',
      created.token,
      '--ca-fingerprint',
      created.caFingerprint,
      '--id',
      'lab-gw-1',
      '--dir',
      idDir,
    );
    assert.match(enrolled, /enrolled as lab-gw-1/);
    agent = startProcess(
      ['agent', 'run', '--dir', idDir, '--model', 'lab-box', '--firmware', '1.2.3', '--health-interval', '5'],
      env,
    );
    await waitForOutput(agent, /connected to hub/);
    const until = Date.now() + 10_000;
    let list: {
      items: Array<{ id: string; presence: string; model: string; firmware: string; tags: Record<string, string> }>;
    };
    do {
      list = JSON.parse(await cli('devices', 'list', '--json', '--filter', 'tag.site = lab'));
    } while (list.items[0]?.presence !== 'online' && Date.now() < until);
    assert.equal(list.items.length, 1);
    assert.equal(list.items[0].presence, 'online');
    assert.equal(list.items[0].model, 'lab-box');
    assert.equal(list.items[0].firmware, '1.2.3');
  });

  it('sends a command and prints the result as a table', async () => {
    const out = await cli('devices', 'command', 'lab-gw-1', 'ping', '--timeout', '10');
    assert.match(out, /STATE/);
    assert.match(out, /succeeded/);
  });

  it('saves a view on the hub and lists devices through it', async () => {
    const saved = JSON.parse(
      await cli(
        'views',
        'save',
        'lab boxes',
        '--filter',
        'model = "lab-box"',
        '--sort',
        'last_seen',
        '--desc',
        '--shared',
      ),
    );
    assert.deepEqual([saved.name, saved.shared, saved.sort, saved.order], ['lab boxes', true, 'last_seen', 'desc']);
    assert.match(await cli('views', 'list'), /lab boxes .*model = "lab-box"/);
    const viaView = JSON.parse(await cli('devices', 'list', '--json', '--view', 'lab boxes'));
    assert.deepEqual(
      viaView.items.map((d: { id: string }) => d.id),
      ['lab-gw-1'],
    );
    // --filter overrides the view's own.
    assert.equal(
      JSON.parse(await cli('devices', 'list', '--json', '--view', 'lab boxes', '--filter', 'model = "other"')).items
        .length,
      0,
    );
    await assert.rejects(cli('devices', 'list', '--view', 'no such view'), (e: { stderr: string }) =>
      /no saved view named "no such view"/.test(e.stderr),
    );
    assert.match(await cli('views', 'delete', 'lab boxes'), /deleted view "lab boxes"/);
  });

  it('shows and rotates the guard grant-signing key', async () => {
    const before = JSON.parse(await cli('guard', 'key', '--json'));
    assert.match(
      await cli('guard', 'key', 'rotate', '--reason', 'annual rotation'),
      /^new key [0-9a-f]{64}; \d+ live grant\(s\) signed again; \d+ device document\(s\) published/,
    );
    const shown = await cli('guard', 'key');
    assert.match(
      shown,
      new RegExp(`rotated .* by admin: ${before.fingerprint.slice(0, 16)}… → [0-9a-f]{16}… \\(annual rotation\\)`),
    );
    await assert.rejects(cli('guard', 'key', 'rotate'), (e: { stderr: string }) =>
      /required option '--reason/.test(e.stderr),
    );
  });

  it('prints a readable error with the stable code for bad input', async () => {
    await assert.rejects(
      cli('devices', 'list', '--filter', 'modle = x'),
      (e: { stderr: string }) => /filter_unknown_field/.test(e.stderr) && /did you mean "model"/.test(e.stderr),
    );
  });

  it('verifies the audit chain', async () => {
    assert.match(await cli('audit', 'verify'), /audit chain intact: \d+ records/);
    const audit = await cli('audit', 'list', '--action', 'device.enroll');
    assert.match(audit, /lab-gw-1/);
  });
});
