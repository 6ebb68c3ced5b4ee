import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createClient, type OutpostClient } from '@outpost/client';
import { enrollDevice } from '@outpost/agent';
import { createLogger, loadConfig, startHub, type Hub } from '@outpost/hub';
import { OUTPOST_MAIN } from './outpost-command.js';

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
const PASSWORD = 'files-cli-admin-password';
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function waitForOutput(p: ChildProcess, pattern: RegExp, ms = 60_000): Promise<void> {
  return new Promise((resolveOut, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${ms} ms; got: ${text.slice(-500)}`)), ms);
    const on = (c: Buffer) => {
      text += c.toString();
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolveOut();
      }
    };
    p.stdout?.on('data', on);
    p.stderr?.on('data', on);
  });
}

const exited = (p: ChildProcess) =>
  new Promise<number>((r) => (p.exitCode !== null ? r(p.exitCode) : p.once('exit', (code) => r(code ?? -1))));

// `outpost files` against real agent processes (`outpost agent run --files …`) and a real hub.
describe('outpost files with real agents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-files-cli-'));
  const env = { OUTPOST_HOME: join(dir, 'home'), OUTPOST_LOG_LEVEL: 'warn' };
  const ids = ['cli-files-1', 'cli-files-2'];
  const log = randomBytes(2 * 1024 * 1024 + 5);
  const agents: ChildProcess[] = [];
  let hub: Hub;
  let admin: OutpostClient;
  const cli = async (...args: string[]) =>
    (
      await exec(process.execPath, [OUTPOST_MAIN, ...args], {
        cwd: dir,
        env: { ...process.env, ...env },
        timeout: 120_000,
      })
    ).stdout;
  const cliError = async (...args: string[]) => {
    try {
      await cli(...args);
    } catch (err) {
      return String((err as { stderr?: string }).stderr ?? '');
    }
    throw new Error(`outpost ${args.join(' ')} succeeded`);
  };
  const rootsOf = (i: number) => ({ logs: join(dir, `dev${i}`, 'var-log'), app: join(dir, `dev${i}`, 'app') });

  before(async () => {
    hub = await startHub(
      loadConfig({
        flags: {
          dataDir: join(dir, 'data'),
          httpPort: 0,
          mqttPort: 0,
          bind: '127.0.0.1',
          adminPassword: PASSWORD,
          logLevel: 'warn',
        },
      }),
      { logger: createLogger('silent') },
    );
    const session = (await createClient({ baseUrl: hub.httpUrl, caPem: hub.caPem }).login('admin', PASSWORD)).session;
    admin = createClient({ baseUrl: hub.httpUrl, caPem: hub.caPem, session });
    mkdirSync(env.OUTPOST_HOME, { recursive: true, mode: 0o700 });
    writeFileSync(
      join(env.OUTPOST_HOME, 'credentials.json'),
      JSON.stringify({ hubUrl: hub.httpUrl, caPem: hub.caPem, session }),
      { mode: 0o600 },
    );
    await admin.groups.create({ path: 'substations', kind: 'static' });
    for (const [i, id] of ids.entries()) {
      const { logs, app } = rootsOf(i);
      mkdirSync(logs, { recursive: true });
      mkdirSync(app, { recursive: true });
      writeFileSync(join(logs, 'gateway.log'), log);
      symlinkSync('/etc/passwd', join(logs, 'passwd'));
      const tok = await admin.enrollment.createToken({ label: id, group: 'substations' });
      const agentDir = join(dir, `agent-${i}`);
      await enrollDevice({
        hubUrl: hub.httpUrl,
        token: tok.token,
        caFingerprint: tok.caFingerprint,
        dir: agentDir,
        deviceId: id,
      });
      const args = ['agent', 'run', '--dir', agentDir, '--files', `logs=${logs}:ro`, '--files', `${app}:rw`];
      const p = spawn(
        process.execPath,
        [OUTPOST_MAIN, ...args, '--no-updates', '--no-access', '--flows-interval', '0', '--cellular-interval', '0'],
        { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      agents.push(p);
      await waitForOutput(p, /connected to hub/);
    }
    for (const id of ids) {
      const until = Date.now() + 30_000;
      for (;;) {
        const ok = await admin.files.roots(id).then(
          () => true,
          () => false,
        );
        if (ok) break;
        if (Date.now() > until) throw new Error(`${id} never answered`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  });

  after(async () => {
    for (const a of agents) {
      a.kill('SIGTERM');
      await exited(a);
    }
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists roots and a directory', async () => {
    const roots = await cli('files', 'ls', ids[0]);
    assert.match(roots, /logs\s+ro/);
    assert.match(roots, /app\s+rw/);
    const listing = await cli('files', 'ls', ids[0], 'logs');
    assert.match(listing, new RegExp(`file\\s+0644\\s+${log.length}\\s+\\S+\\s+gateway.log`));
    assert.match(listing, /symlink .* passwd/);
  });

  it('gets a file with its hash verified, resumes a partial one, and refuses a link out of the root', async () => {
    const out = join(dir, 'gw.log');
    assert.match(
      await cli('files', 'get', ids[0], 'logs/gateway.log', '-o', out),
      new RegExp(`sha256 ${sha(log)} verified`),
    );
    assert.deepEqual(readFileSync(out), log);
    writeFileSync(join(dir, 'again.log.partial'), log.subarray(0, 700_000));
    assert.match(
      await cli('files', 'get', ids[0], 'logs/gateway.log', '-o', join(dir, 'again.log')),
      /resumed at 700000/,
    );
    assert.deepEqual(readFileSync(join(dir, 'again.log')), log);
    assert.match(
      await cliError('files', 'get', ids[0], 'logs/passwd', '-o', join(dir, 'p')),
      /device_file_refused: .*path_outside_root/,
    );
    assert.match(await cliError('files', 'get', ids[0], 'logs/../../agent-0/identity.json'), /path_outside_root/);
  });

  it('puts a file with a mode, removes it, and refuses writes to the ro root', async () => {
    const local = join(dir, 'settings.ini');
    writeFileSync(local, '[net]\nmtu=1400\n');
    assert.match(await cli('files', 'put', ids[1], 'app/settings.ini', local, '--mode', '0600'), /15 bytes written/);
    const written = join(rootsOf(1).app, 'settings.ini');
    assert.equal(readFileSync(written, 'utf8'), '[net]\nmtu=1400\n');
    assert.equal(statSync(written).mode & 0o777, 0o600);
    assert.match(await cliError('files', 'put', ids[1], 'logs/x.log', local), /root_read_only/);
    await cli('files', 'rm', ids[1], 'app/settings.ini');
    assert.deepEqual(readdirSync(rootsOf(1).app), []);
    assert.match(await cli('files', 'transfers', ids[1]), /delete\s+app\s+settings.ini\s+succeeded/);
  });

  it('pulls the same log from a group into one ZIP', async () => {
    const zip = join(dir, 'logs.zip');
    const out = await cli('files', 'pull', 'logs/gateway.log', '--group', 'substations', '-o', zip);
    assert.match(out, /2 succeeded/);
    execFileSync('unzip', ['-tq', zip]);
    for (const id of ids)
      assert.deepEqual(execFileSync('unzip', ['-p', zip, `${id}/logs/gateway.log`], { maxBuffer: 1 << 23 }), log);
  });
});
