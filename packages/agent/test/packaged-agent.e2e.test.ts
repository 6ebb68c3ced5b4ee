import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, type TestHub } from '../../hub/test/support/test-hub.js';
import {
  dropFromPageCache,
  freePort,
  listeningPorts,
  nodeModulesAbove,
  packageAgent,
  idleRssKb,
  startAgent,
  unpack,
  type AgentPackage,
  type AgentProcess,
} from './support/packaged-agent.js';
import { eventually } from '../../hub/test/support/eventually.js';

// The release as a device gets it: unpacked where no node_modules can be found, installed
// with its own script, enrolled against a real hub, and running until the hub sees it online.
const RSS_BUDGET_KB = 64 * 1024;
const NO_NODE_PATH = '/nonexistent-outpost-bin';

describe('the packaged agent', { timeout: 280_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'outpost-agent-pkg-'));
  const prefix = join(work, 'prefix');
  const state = join(work, 'state');
  const shellPath = '/usr/local/bin:/usr/bin:/bin';
  let pkg: AgentPackage;
  let release: string;
  let t: TestHub;
  const running: AgentProcess[] = [];

  before(async () => {
    pkg = packageAgent(join(work, 'out'), { sea: true });
    const unpacked = join(work, 'unpacked');
    spawnSync('mkdir', ['-p', unpacked]);
    release = unpack(pkg.tarball, unpacked);
    t = await startTestHub();
  });
  after(async () => {
    for (const a of running) await a.stop();
    await t?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const token = async (label: string) => t.admin.enrollment.createToken({ label });
  const online = (id: string) => eventually(async () => (await t.admin.devices.get(id)).presence === 'online', 60_000);
  // Asynchronous: the hub runs in this process and must answer while a script enrolls.
  const sh = (args: string[], env: Record<string, string> = { PATH: shellPath }) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(args[0], args.slice(1), { encoding: 'utf8', env, timeout: 120_000 }, (err, stdout, stderr) =>
        resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
      );
    });

  it('holds one bundle, the unit and the scripts, and nothing the hub, CLI or console are made of', () => {
    const listing = spawnSync('tar', ['-tzf', pkg.tarball], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
    const dir = `outpost-agent-${pkg.version}-linux-${process.arch}`;
    assert.deepEqual(listing, [
      `${dir}/`,
      ...[
        'VERSION',
        'install.sh',
        'outpost-agent-launcher.sh',
        'outpost-agent.cjs',
        'outpost-agent.service',
        'uninstall.sh',
      ].map((f) => `${dir}/${f}`),
    ]);
    assert.ok(pkg.bundleBytes <= 3 * 1024 * 1024, `bundle ${pkg.bundleBytes} bytes`);
    const inputs = Object.keys((JSON.parse(readFileSync(pkg.metafile, 'utf8')) as { inputs: object }).inputs);
    assert.ok(inputs.some((p) => p.startsWith('packages/agent/src/')));
    assert.deepEqual(
      inputs.filter((p) => /packages\/(hub|cli|console|sim|client)\/|\.node$|better-sqlite3|argon2|@peculiar/.test(p)),
      [],
    );
    assert.equal(nodeModulesAbove(release), null, 'the unpacked release must not find a node_modules');
  });

  it('install.sh refuses clearly without the enrollment arguments and changes nothing', async () => {
    const r = await sh([join(release, 'install.sh'), '--prefix', prefix, '--state-dir', state, '--no-systemd']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /install\.sh: missing --hub --token --ca-fingerprint \(needed to enroll this device\)/);
    assert.equal(existsSync(prefix), false);
    const odd = await sh([join(release, 'install.sh'), '--prefix', 'relative/dir', '--no-systemd']);
    assert.match(odd.stderr, /--prefix must be an absolute path/);
  });

  it('installs under a prefix, enrolls, runs from the bundle and goes online with no listening socket', async () => {
    const tok = await token('packaged bundle');
    // The token from a file, as an installer run by others on the machine should take it.
    const tokenFile = join(work, 'token');
    writeFileSync(tokenFile, `${tok.token}\n`, { mode: 0o600 });
    const args = ['--hub', t.hub.httpUrl, '--token-file', tokenFile, '--ca-fingerprint', tok.caFingerprint];
    const r = await sh([
      join(release, 'install.sh'),
      ...args,
      '--id',
      'pkg-bundle-1',
      '--prefix',
      prefix,
      '--state-dir',
      state,
      '--no-systemd',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /enrolled as pkg-bundle-1/);
    assert.equal(readlinkSync(join(prefix, 'lib/outpost-agent/current')), pkg.version);
    const agent = startAgent(join(prefix, 'bin/outpost-agent'), ['run', '--dir', state, '--health-interval', '5'], {
      PATH: shellPath,
    });
    running.push(agent);
    await agent.waitFor(/connected to hub/);
    await online('pkg-bundle-1');
    assert.deepEqual(listeningPorts(agent.pid), []);
    const rss = await idleRssKb(agent.pid);
    assert.ok(rss <= RSS_BUDGET_KB, `idle RSS ${rss} KiB`);
    await agent.stop();
  });

  it('installs again without harm: the identity is kept and no token is needed', async () => {
    const r = await sh([join(release, 'install.sh'), '--prefix', prefix, '--state-dir', state, '--no-systemd']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /already enrolled .*keeping the identity/);
    assert.equal(JSON.parse(readFileSync(join(state, 'identity.json'), 'utf8')).deviceId, 'pkg-bundle-1');
    assert.equal(readlinkSync(join(prefix, 'lib/outpost-agent/current')), pkg.version);
  });

  it('listens only on the guard proxy it was told to run', async () => {
    const listen = await freePort();
    const plc = await freePort();
    const agent = startAgent(
      join(prefix, 'bin/outpost-agent'),
      ['run', '--dir', state, '--health-interval', '5', '--guard', `modbus-tcp:127.0.0.1:${listen}=127.0.0.1:${plc}`],
      { PATH: shellPath },
    );
    running.push(agent);
    await agent.waitFor(/guard started/);
    await online('pkg-bundle-1');
    assert.deepEqual(listeningPorts(agent.pid), [listen]);
    const rss = await idleRssKb(agent.pid);
    assert.ok(rss <= RSS_BUDGET_KB, `idle RSS ${rss} KiB`);
    await agent.stop();
  });

  it('runs as a single executable on a machine without Node', async () => {
    assert.ok(pkg.executable);
    const noNode = await sh(['/bin/sh', '-c', 'command -v node'], { PATH: NO_NODE_PATH });
    assert.notEqual(noNode.status, 0, `node found: ${noNode.stdout}`);
    const exe = join(work, 'outpost-agent');
    copyFileSync(pkg.executable, exe);
    spawnSync('chmod', ['0755', exe]);
    dropFromPageCache(exe);
    const env = { PATH: NO_NODE_PATH };
    const v = spawnSync(exe, ['version'], { env, encoding: 'utf8' });
    assert.equal(v.stdout.trim(), pkg.version);
    const tok = await token('packaged executable');
    const dir = join(work, 'sea-state');
    const args = ['--hub', t.hub.httpUrl, '--token', tok.token, '--ca-fingerprint', tok.caFingerprint];
    const e = await sh([exe, 'enroll', ...args, '--id', 'pkg-sea-1', '--dir', dir], env);
    assert.equal(e.status, 0, e.stderr);
    const agent = startAgent(exe, ['run', '--dir', dir, '--health-interval', '5'], env);
    running.push(agent);
    await agent.waitFor(/connected to hub/);
    await online('pkg-sea-1');
    assert.deepEqual(listeningPorts(agent.pid), []);
    const rss = await idleRssKb(agent.pid);
    assert.ok(rss <= RSS_BUDGET_KB, `idle RSS ${rss} KiB`);
    // A single executable warns when its script requires anything but Node's own modules.
    assert.doesNotMatch(agent.output(), /Warning|single-executable/);
    await agent.stop();
  });

  it('ships a systemd unit that systemd-analyze accepts', async (tc) => {
    if ((await sh(['sh', '-c', 'command -v systemd-analyze'])).status !== 0)
      return tc.skip('systemd-analyze is not installed (Debian package systemd)');
    const unit = readFileSync(join(release, 'outpost-agent.service'), 'utf8');
    for (const line of [
      'User=outpost-agent',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ProtectHome=yes',
      'PrivateTmp=yes',
      'ReadWritePaths=/var/lib/outpost-agent',
      'StateDirectory=outpost-agent',
      'Restart=on-failure',
      'CapabilityBoundingSet=',
    ])
      assert.ok(unit.split('\n').includes(line), `unit has ${line}`);
    // verify checks that ExecStart exists: point it at the launcher installed above.
    const file = join(work, 'outpost-agent.service');
    writeFileSync(
      file,
      unit.replace('ExecStart=/usr/local/bin/outpost-agent ', `ExecStart=${prefix}/bin/outpost-agent `),
    );
    const r = await sh(['systemd-analyze', 'verify', file]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr.trim(), '', 'no warnings (an unknown or misspelt key is only a warning)');
  });

  it('uninstalls, keeping the identity unless asked to purge it', async () => {
    const r = await sh([join(release, 'uninstall.sh'), '--prefix', prefix, '--state-dir', state, '--no-systemd']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(existsSync(join(prefix, 'bin/outpost-agent')), false);
    assert.equal(existsSync(join(prefix, 'lib/outpost-agent')), false);
    assert.equal(existsSync(join(state, 'identity.json')), true);
    const p = await sh([
      join(release, 'uninstall.sh'),
      '--prefix',
      prefix,
      '--state-dir',
      state,
      '--no-systemd',
      '--purge',
    ]);
    assert.equal(p.status, 0, p.stderr);
    assert.equal(existsSync(state), false);
  });
});
