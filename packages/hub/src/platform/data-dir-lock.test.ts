import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLockedError, LOCK_FILE, lockDataDir } from './data-dir-lock.js';

// A pid no process has: above the kernel's pid_max (at most 2^22).
const GONE_PID = 4_194_400;

describe('data directory lock', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'outpost-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is held by one start at a time; the second is told who holds it', () => {
    const first = lockDataDir(dir, 'hub', new Date('2026-12-07T03:00:00Z'));
    assert.equal(statSync(join(dir, LOCK_FILE)).mode & 0o777, 0o600);
    assert.throws(
      () => lockDataDir(dir, 'hub'),
      (e: unknown) =>
        e instanceof DataDirLockedError &&
        e.holder.pid === process.pid &&
        /in use by process \d+ \(hub, since 2026-12-07T03:00:00.000Z\); stop it first$/.test(e.message),
    );
    first.release();
    assert.equal(existsSync(join(dir, LOCK_FILE)), false);
    lockDataDir(dir, 'reset-password').release();
  });

  it('takes over a lock whose process is gone', () => {
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: GONE_PID, host: hostname(), since: 'x', purpose: 'hub' }),
    );
    const lock = lockDataDir(dir, 'hub');
    assert.equal(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid, process.pid);
    lock.release();
  });

  it('takes over a lock naming this pid that this process does not hold (a container restarted as pid 1)', () => {
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: process.pid, host: hostname(), since: 'x', purpose: 'hub' }),
    );
    lockDataDir(dir, 'hub').release();
  });

  it('takes over a torn lock file', () => {
    writeFileSync(join(dir, LOCK_FILE), '{"pid": 12');
    lockDataDir(dir, 'hub').release();
  });

  it('refuses a lock held from another host and says how to clear it', () => {
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 7, host: 'other-host', since: 'x', purpose: 'hub' }));
    assert.throws(
      () => lockDataDir(dir, 'hub'),
      /process 7 on other-host .* delete .*hub\.lock if that host no longer uses it/,
    );
  });

  it('release leaves a lock that another start has since taken alone', () => {
    const mine = lockDataDir(dir, 'hub');
    mine.release();
    const theirs = lockDataDir(dir, 'hub');
    mine.release();
    assert.equal(existsSync(join(dir, LOCK_FILE)), true);
    theirs.release();
  });
});
