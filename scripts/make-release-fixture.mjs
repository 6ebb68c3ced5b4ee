/* global process, console, setTimeout */
// Makes the "previous release" fixture: the data directory of a hub of an earlier release, with a
// few simulated devices enrolled, so the upgrade test starts the current hub on real old data.
//
// Usage (from the repository root, at each release, with the tag of the release before it):
//   node scripts/make-release-fixture.mjs --commit <previous-release-commit>
//     [--out packages/hub/test/fixtures/previous-release] [--devices 5]
//
// It checks the commit out into a temporary git worktree, copies node_modules in, runs that
// release's `outpost hub` on a temporary data directory, signs in, runs `outpost sim` until every
// device is online, stops both, and copies the data directory (its KEK included, as `data/kek`:
// this is test data, never a real hub's key) and the devices' identities into the fixture folder, with a
// fixture.json naming the commit, the hub version, the admin password and the devices. The
// database is stored gzipped (outpost.db.gz); the upgrade test unpacks it into a temporary copy.
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const PASSWORD = 'fixture-admin-password';
const PREFIX = 'fx';

function parseArgs(argv) {
  const o = { commit: '', out: join(ROOT, 'packages/hub/test/fixtures/previous-release'), devices: 5 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--commit') o.commit = argv[++i];
    else if (argv[i] === '--out') o.out = resolve(argv[++i]);
    else if (argv[i] === '--devices') o.devices = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!o.commit) throw new Error('usage: make-release-fixture.mjs --commit <previous-release-commit> [--out DIR]');
  return o;
}

function start(src, args, env) {
  const p = spawn(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], {
    cwd: src,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  p.text = '';
  const keep = (c) => (p.text = (p.text + c.toString()).slice(-20_000));
  p.stdout.on('data', keep);
  p.stderr.on('data', keep);
  return p;
}

async function until(what, check, ms) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function stopProcess(p) {
  if (p.exitCode !== null) return Promise.resolve();
  return new Promise((r) => {
    p.once('exit', r);
    p.kill('SIGTERM');
  });
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const work = mkdtempSync(join(tmpdir(), 'outpost-fixture-'));
  const src = join(work, 'src');
  const data = join(work, 'data');
  const simCache = join(work, 'sim');
  const env = { OUTPOST_HOME: join(work, 'home'), OUTPOST_LOG_LEVEL: 'warn' };
  const commit = execFileSync('git', ['rev-parse', o.commit], { cwd: ROOT, encoding: 'utf8' }).trim();
  execFileSync('git', ['worktree', 'add', '--detach', src, commit], { cwd: ROOT, stdio: 'inherit' });
  let hub;
  let sim;
  try {
    // The workspace's own node_modules and any a package keeps beside it (a second major of a dependency).
    for (const dir of ['.', ...readdirSync(join(ROOT, 'packages')).map((p) => join('packages', p))]) {
      const from = join(ROOT, dir, 'node_modules');
      if (existsSync(from)) cpSync(from, join(src, dir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    }
    const version = JSON.parse(readFileSync(join(src, 'packages/hub/package.json'), 'utf8')).version;
    hub = start(src, ['hub'], {
      ...env,
      OUTPOST_DATA_DIR: data,
      OUTPOST_HTTP_PORT: '0',
      OUTPOST_MQTT_PORT: '0',
      OUTPOST_ADMIN_PASSWORD: PASSWORD,
    });
    const url = await until(
      'hub banner',
      () => {
        if (hub.exitCode !== null) throw new Error(`the hub exited: ${hub.text}`);
        return /console and API: (https:\/\/\S+?)\/\s/.exec(hub.text)?.[1];
      },
      120_000,
    );
    const cli = (...args) =>
      execFileSync(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], {
        cwd: src,
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
    const caFile = join(data, 'pki', 'ca.crt');
    cli('login', '--hub', url, '--ca-file', caFile, '--username', 'admin', '--password', PASSWORD);
    sim = start(src, ['sim', '--devices', String(o.devices), '--cache', simCache, '--prefix', PREFIX], env);
    const online = await until(
      'devices online',
      () => {
        const items = JSON.parse(cli('devices', 'list', '--json', '--filter', 'online')).items;
        return items.length === o.devices ? items.map((d) => d.id).sort() : null;
      },
      120_000,
    );
    await stopProcess(sim);
    await stopProcess(hub);
    rmSync(o.out, { recursive: true, force: true });
    cpSync(data, join(o.out, 'data'), { recursive: true });
    // Releases that keep the KEK beside the data directory: the fixture holds it inside, where the
    // earliest releases kept it, so the upgrade test also covers moving it out.
    if (existsSync(`${data}.kek`)) cpSync(`${data}.kek`, join(o.out, 'data', 'kek'));
    cpSync(simCache, join(o.out, 'devices'), { recursive: true });
    // Mostly empty tables and indexes: 900 KB of pages that compress to some 25 KB.
    const db = join(o.out, 'data', 'outpost.db');
    writeFileSync(`${db}.gz`, gzipSync(readFileSync(db), { level: 9 }));
    rmSync(db);
    writeFileSync(
      join(o.out, 'fixture.json'),
      JSON.stringify({ commit, hubVersion: version, adminPassword: PASSWORD, devices: online }, null, 2) + '\n',
    );
    console.log(`fixture of ${commit} (hub ${version}) written to ${o.out}`);
  } finally {
    if (sim) await stopProcess(sim);
    if (hub) await stopProcess(hub);
    execFileSync('git', ['worktree', 'remove', '--force', src], { cwd: ROOT, stdio: 'inherit' });
    if (existsSync(work)) rmSync(work, { recursive: true, force: true });
  }
}

await main();
