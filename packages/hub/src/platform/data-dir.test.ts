import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateDataDir, ensurePrivateFile } from './data-dir.js';

describe('data directory permissions', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'outpost-datadir-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('creates a missing data directory 0700 and accepts it', () => {
    const dir = join(root, 'new', 'data');
    ensurePrivateDataDir(dir);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  });

  it('refuses a data directory group or others can read, naming the chmod that fixes it', () => {
    const dir = join(root, 'open');
    mkdirSync(dir);
    for (const mode of [0o755, 0o750, 0o701]) {
      chmodSync(dir, mode);
      assert.throws(
        () => ensurePrivateDataDir(dir),
        new RegExp(
          `data directory .*open has mode 0${mode.toString(8)}, open to group or others.*run: chmod 700 .*open`,
        ),
      );
    }
    chmodSync(dir, 0o700);
    ensurePrivateDataDir(dir);
  });

  it('creates a file 0600 and narrows one that others could read', () => {
    const file = join(root, 'db');
    ensurePrivateFile(file);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    writeFileSync(file, 'x');
    chmodSync(file, 0o644);
    ensurePrivateFile(file);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });
});
