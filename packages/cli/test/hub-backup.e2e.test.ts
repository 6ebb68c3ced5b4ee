import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { OUTPOST_MAIN } from './outpost-command.js';

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
const main = OUTPOST_MAIN;
const PASSWORD = 'backup-test-admin-password';

function startHubProcess(dataDir: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [main, 'hub'], {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      OUTPOST_DATA_DIR: dataDir,
      OUTPOST_HTTP_PORT: '0',
      OUTPOST_MQTT_PORT: '0',
      OUTPOST_ADMIN_PASSWORD: PASSWORD,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function output(p: ChildProcess, pattern: RegExp, ms = 60_000): Promise<string> {
  return new Promise((resolveOut, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${ms} ms; got: ${text.slice(-500)}`)), ms);
    const on = (c: Buffer) => {
      text += c.toString();
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolveOut(text);
      }
    };
    p.stdout?.on('data', on);
    p.stderr?.on('data', on);
    p.once('exit', () => {
      clearTimeout(timer);
      if (pattern.test(text)) resolveOut(text);
      else reject(new Error(`exited without ${pattern}: ${text.slice(-500)}`));
    });
  });
}

async function stop(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await exited;
}

describe('outpost hub backup and restore', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-cli-backup-'));
  const env = { OUTPOST_HOME: join(dir, 'home'), OUTPOST_LOG_LEVEL: 'warn' };
  const original = join(dir, 'original');
  const restored = join(dir, 'restored');
  const archive = join(dir, 'hub.tar.gz');
  let hub: ChildProcess | undefined;
  let second: ChildProcess | undefined;

  const cli = async (...args: string[]) =>
    (await exec(process.execPath, [main, ...args], { cwd: root, env: { ...process.env, ...env } })).stdout;
  const refused = (args: string[], message: RegExp) =>
    assert.rejects(cli(...args), (e: { code: number; stderr: string }) => {
      assert.equal(e.code, 1);
      assert.match(e.stderr, message);
      return true;
    });
  const login = async (p: ChildProcess, dataDir: string) => {
    const banner = await output(p, /CA fingerprint:\s+[0-9a-f]{64}/);
    const url = /console and API: (https:\/\/\S+?)\/\s/.exec(banner)![1];
    await cli(
      'login',
      '--hub',
      url,
      '--ca-file',
      join(dataDir, 'pki', 'ca.crt'),
      '--username',
      'admin',
      '--password',
      PASSWORD,
    );
  };

  before(async () => {
    hub = startHubProcess(original, env);
    await login(hub, original);
    await cli('groups', 'create', 'plant/line-1');
    await cli('enrollment', 'create', 'line 1 gateways', '--uses', '5');
  });
  after(async () => {
    await stop(hub);
    await stop(second);
    rmSync(dir, { recursive: true, force: true });
  });

  it('backs up the running hub into one archive, saying what it left out and which KEK it needs', async () => {
    const out = await cli('hub', 'backup', '--out', archive, '--data-dir', original);
    assert.match(out, /backup written: .*hub\.tar\.gz \(.* MB, 5 files,/);
    assert.match(out, /KEK fingerprint [0-9a-f]{64}: restoring needs this same KEK/);
  });

  it('refuses to restore into a data directory that is not empty, without a KEK, or with another KEK', async () => {
    await refused(
      ['hub', 'restore', archive, '--data-dir', original, '--kek-file', `${original}.kek`],
      /^error: target_not_empty: .*original is not empty: restore only into an empty or new data directory/m,
    );
    await refused(
      ['hub', 'restore', archive, '--data-dir', restored],
      /^error: kek_required: restoring needs the KEK/m,
    );
    const other = join(dir, 'other-kek');
    writeFileSync(other, randomBytes(32), { mode: 0o600 });
    await refused(
      ['hub', 'restore', archive, '--data-dir', restored, '--kek-file', other],
      /^error: wrong_kek: the key-encryption key given has fingerprint/m,
    );
    const damaged = join(dir, 'damaged.tar.gz');
    writeFileSync(damaged, randomBytes(2048));
    await refused(
      ['hub', 'restore', damaged, '--data-dir', restored, '--kek-file', `${original}.kek`],
      /^error: corrupt_archive: /m,
    );
    mkdirSync(restored, { recursive: true });
    assert.deepEqual(readdirSync(restored), []);
  });

  it('restores into an empty directory; a hub started there has the same data and an intact audit chain', async () => {
    const out = await cli('hub', 'restore', archive, '--data-dir', restored, '--kek-file', `${original}.kek`);
    assert.match(out, /restored 5 files .* every file matches its SHA-256/s);
    await stop(hub);
    hub = undefined;
    second = startHubProcess(restored, env);
    await login(second, restored);
    assert.match(await cli('audit', 'verify'), /audit chain intact: \d+ records/);
    assert.match(await cli('groups', 'list'), /plant\/line-1/);
    await stop(second);
    second = undefined;
  });

  it('refuses to start on data a newer hub has migrated, naming both versions', async () => {
    const raw = new BetterSqlite3(join(restored, 'outpost.db'));
    raw
      .prepare("insert into kysely_migration (name, timestamp) values ('099_future_feature', ?)")
      .run(new Date().toISOString());
    raw.prepare("insert into hub_versions values ('99.0.0', 99, '2030-01-01T00:00:00Z', '2030-01-01T00:00:00Z')").run();
    raw.close();
    const p = startHubProcess(restored, env);
    const text = await output(p, /schema_too_new/);
    await new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)));
    assert.equal(p.exitCode, 1);
    assert.match(
      text,
      /error: schema_too_new: this data was written by Outpost hub 99\.0\.0 \(schema 99\); this is Outpost hub \S+ \(schema \d+\), which does not know migration\(s\) 099_future_feature/,
    );
  });
});
