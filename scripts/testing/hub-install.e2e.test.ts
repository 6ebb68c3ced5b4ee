// The production install, as docs/INSTALL-HUB.md describes it: the release tarball from
// `npm run package:hub`, unpacked outside the repository, installed with install.sh into a
// temporary prefix, started with the command its systemd unit contains (this machine runs no
// systemd), used through the installed `outpost` command, upgraded in place and removed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
// @ts-expect-error: a plain JavaScript build script without type declarations
import { packageHub } from '../package-hub.mjs';

const exec = promisify(execFile);
const PASSWORD = 'install-test-admin-password';

/**
 * The parts of a rendered unit that say how the service starts. Credentials (`LoadCredential=`)
 * are copied into `credentialsDir` read-only, as systemd does, and `%d` names that directory.
 */
export function unitStart(
  unitText: string,
  credentialsDir?: string,
): { command: string[]; env: Record<string, string>; envFile?: string } {
  const lines = unitText.split('\n').map((l) => l.trim());
  const value = (key: string) => lines.filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
  if (credentialsDir) {
    mkdirSync(credentialsDir, { recursive: true, mode: 0o700 });
    for (const c of value('LoadCredential')) {
      const [name, from] = [c.slice(0, c.indexOf(':')), c.slice(c.indexOf(':') + 1)];
      copyFileSync(from, join(credentialsDir, name));
      chmodSync(join(credentialsDir, name), 0o400);
    }
  }
  const env: Record<string, string> = {};
  for (const assignment of value('Environment')) {
    const eq = assignment.indexOf('=');
    env[assignment.slice(0, eq)] = assignment.slice(eq + 1).replaceAll('%d', credentialsDir ?? '%d');
  }
  const envFile = value('EnvironmentFile')[0]?.replace(/^-/, '');
  return { command: value('ExecStart')[0].split(/\s+/), env, envFile };
}

function readEnvFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  return env;
}

function waitForOutput(p: ChildProcess, pattern: RegExp, ms = 60_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${ms} ms; got: ${text.slice(-800)}`)), ms);
    const on = (c: Buffer) => {
      text += c.toString();
      const m = pattern.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    p.stdout?.on('data', on);
    p.stderr?.on('data', on);
    p.once('exit', (code) => reject(new Error(`exited with ${code} before ${pattern}: ${text.slice(-800)}`)));
  });
}

describe('the hub release installed from its tarball', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-install-'));
  const prefix = join(dir, 'prefix');
  const etc = join(dir, 'etc');
  const data = join(dir, 'data');
  const home = join(dir, 'home');
  // Only system directories on PATH: the installed hub must not find the checkout's tools.
  const PATH = '/usr/local/bin:/usr/bin:/bin';
  let release = '';
  let hub: ChildProcess | undefined;
  let hubUrl = '';

  const installArgs = ['--prefix', prefix, '--sysconfdir', etc, '--data-dir', data, '--no-systemd'];
  const install = (extra: string[] = [], env: Record<string, string> = {}) =>
    exec('sh', [join(release, 'install.sh'), ...installArgs, ...extra], { env: { PATH, ...env } });
  const outpost = async (...args: string[]) =>
    (await exec(join(prefix, 'bin', 'outpost'), args, { env: { PATH, OUTPOST_HOME: home }, timeout: 60_000 })).stdout;

  before(async () => {
    const r = await packageHub({ out: join(dir, 'package') });
    const unpacked = join(dir, 'unpacked');
    spawnSync('mkdir', ['-p', unpacked]);
    const tar = spawnSync('tar', ['-xzf', r.tarball, '-C', unpacked]);
    assert.equal(tar.status, 0, String(tar.stderr));
    release = join(unpacked, r.name);
  });

  after(async () => {
    if (hub && hub.exitCode === null) {
      hub.kill('SIGKILL');
      await new Promise((r) => hub!.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('ships no TypeScript and no development dependencies', () => {
    const app = join(release, 'app');
    assert.ok(existsSync(join(app, 'packages/cli/dist/main.js')));
    assert.ok(existsSync(join(app, 'packages/console/dist/index.html')));
    assert.ok(!existsSync(join(app, 'packages/hub/src')), 'sources are not shipped');
    for (const dev of ['typescript', 'tsx', 'eslint', 'vite', 'playwright-core', 'esbuild'])
      assert.ok(!existsSync(join(app, 'node_modules', dev)), `${dev} is a development dependency`);
    const find = spawnSync('find', [app, '-name', '*.ts']);
    assert.equal(String(find.stdout).trim(), '');
  });

  it('refuses a Node.js whose ABI differs from the release build, and says which', async () => {
    const fake = join(dir, 'fake-node');
    writeFileSync(fake, '#!/bin/sh\ncase "$*" in *modules*) echo 999 ;; *) echo v99.0.0 ;; esac\n');
    chmodSync(fake, 0o755);
    await assert.rejects(install([], { OUTPOST_NODE: fake }), (err: Error & { stderr: string }) => {
      assert.match(
        err.stderr,
        /native modules were built for Node\.js v\d+.*\(ABI \d+\); .*fake-node is v99\.0\.0 \(ABI 999\)/,
      );
      return true;
    });
    assert.ok(!existsSync(join(prefix, 'current')), 'nothing installed');
  });

  it('installs into a prefix and renders a unit systemd accepts', async (t) => {
    const r = await install(['--bind', '127.0.0.1', '--public-host', 'localhost']);
    assert.match(r.stdout, /installed Outpost hub \S+ in /);
    const unit = readFileSync(join(prefix, 'outpost-hub.service'), 'utf8');
    assert.doesNotMatch(unit, /@[A-Z_]+@/, 'every placeholder is filled in');
    for (const hardening of ['NoNewPrivileges=yes', 'ProtectSystem=strict', `ReadWritePaths=${data}`, 'User=outpost'])
      assert.ok(unit.includes(hardening), hardening);
    assert.match(unit, /^CapabilityBoundingSet=$/m);
    const verify = spawnSync('systemd-analyze', ['verify', join(prefix, 'outpost-hub.service')], { encoding: 'utf8' });
    if (verify.error) {
      t.skip('systemd-analyze is not installed (Debian package systemd)');
      return;
    }
    // The unit names a user this machine does not have; everything else must be clean.
    const problems = verify.stderr.split('\n').filter((l) => l.trim() && !/user|group/i.test(l));
    assert.deepEqual(problems, []);
  });

  it('starts with the command and environment its unit contains, from outside the checkout', async () => {
    const start = unitStart(readFileSync(join(prefix, 'outpost-hub.service'), 'utf8'), join(dir, 'credentials'));
    assert.equal(statSync(join(etc, 'outpost', 'kek')).mode & 0o777, 0o600, 'the KEK file is private');
    assert.equal(start.env.OUTPOST_KEK_FILE, join(dir, 'credentials', 'kek'));
    const env: Record<string, string> = {
      PATH,
      ...start.env,
      ...readEnvFile(start.envFile!),
      OUTPOST_HTTP_PORT: '0',
      OUTPOST_MQTT_PORT: '0',
      OUTPOST_ADMIN_PASSWORD: PASSWORD,
      OUTPOST_LOG_LEVEL: 'warn',
    };
    assert.equal(env.OUTPOST_DATA_DIR, data);
    hub = spawn(start.command[0], start.command.slice(1), { cwd: data, env, stdio: ['ignore', 'pipe', 'pipe'] });
    hubUrl = (await waitForOutput(hub, /console and API: (https:\/\/\S+?)\/?\n/))[1];
    await outpost(
      'login',
      '--hub',
      hubUrl,
      '--ca-file',
      join(data, 'pki', 'ca.crt'),
      '--username',
      'admin',
      '--password',
      PASSWORD,
    );
    assert.deepEqual(JSON.parse(await outpost('devices', 'list', '--json')).items, []);
    assert.ok(!existsSync(join(data, 'kek')) && !existsSync(`${data}.kek`), 'the KEK is only where the unit names it');
    assert.match(await outpost('audit', 'verify'), /^audit chain intact: \d+ records, \d+ signed checkpoints agree$/m);
  });

  it('upgrades in place: a second install switches current and keeps the settings', async () => {
    const envFile = join(etc, 'outpost', 'hub.env');
    writeFileSync(envFile, readFileSync(envFile, 'utf8') + 'OUTPOST_LOG_LEVEL=warn\n');
    await install();
    assert.match(readFileSync(envFile, 'utf8'), /OUTPOST_LOG_LEVEL=warn/);
    assert.match(await outpost('--help'), /Usage: outpost/);
  });

  it('stops cleanly on SIGTERM, and uninstall keeps the data directory', async () => {
    hub!.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => hub!.once('exit', (c) => r(c)));
    assert.equal(code, 0);
    await exec('sh', [join(release, 'uninstall.sh'), '--prefix', prefix, '--sysconfdir', etc, '--data-dir', data], {
      env: { PATH },
    });
    assert.ok(!existsSync(join(prefix, 'current')));
    assert.ok(existsSync(join(data, 'pki', 'ca.crt')), 'the fleet identity stays');
  });
});
