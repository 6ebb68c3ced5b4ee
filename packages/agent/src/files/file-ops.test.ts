import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
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
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { FileRefused, openInside } from './confine.js';
import { deleteEntry, hashPrefix, listDirectory, statEntry, writeAtomic } from './file-ops.js';
import { parseFileRoot, parseFileRoots, type DeclaredRoot } from './file-roots.js';

function sandbox() {
  const base = mkdtempSync(join(tmpdir(), 'outpost-files-'));
  const dir = join(base, 'root');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'a.log'), 'alpha\n');
  writeFileSync(join(dir, 'sub', 'b.log'), 'bravo\n');
  writeFileSync(join(base, 'secret'), 'outside\n');
  symlinkSync(join(base, 'secret'), join(dir, 'escape'));
  symlinkSync(base, join(dir, 'up'));
  symlinkSync('/dev/null', join(dir, 'null'));
  symlinkSync('a.log', join(dir, 'inner-link'));
  return {
    base,
    dir,
    ro: { name: 'root', dir, mode: 'ro' } as DeclaredRoot,
    rw: { name: 'root', dir, mode: 'rw' } as DeclaredRoot,
  };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof FileRefused) return err.reason;
    throw err;
  }
  return 'accepted';
}

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

test('--files specs: name from the last element or given, mode required, duplicates refused', () => {
  assert.deepEqual(parseFileRoot('/var/log:ro'), { name: 'log', dir: '/var/log', mode: 'ro' });
  assert.deepEqual(parseFileRoot('app=/etc/app/:rw'), { name: 'app', dir: '/etc/app', mode: 'rw' });
  assert.throws(() => parseFileRoot('/var/log'), /ro\|rw/);
  assert.throws(() => parseFileRoot('relative/dir:ro'), /absolute/);
  assert.throws(() => parseFileRoot('/:ro'), /other than \//);
  assert.throws(() => parseFileRoots(['/var/log:ro', '/srv/log:rw']), /declared twice/);
});

test('confinement: "..", absolute paths and links leaving the root are refused with path_outside_root', async () => {
  const s = sandbox();
  try {
    for (const p of ['../secret', 'sub/../../secret', '/etc/passwd', 'escape', 'up/secret', 'null'])
      assert.equal(await refusal(openInside(s.ro, p, 1e9)), 'path_outside_root', p);
    assert.equal(await refusal(listDirectory(s.ro, 'up', { limit: 10 })), 'path_outside_root');
    assert.equal(
      await refusal(writeAtomic(s.rw, 'up/new', Readable.from([]), { size: 0, sha256: sha(''), maxBytes: 10 })),
      'path_outside_root',
    );
    assert.equal(await refusal(openInside(s.ro, 'nope', 1e9)), 'not_found');
    assert.equal(await refusal(openInside(s.ro, 'sub', 1e9)), 'not_a_regular_file');
    assert.equal(await refusal(openInside(s.ro, 'a.log', 3)), 'too_large');
    assert.equal(await refusal(openInside(s.ro, 'a\0b', 1e9)), 'invalid_path');
    // A link that stays inside the root is followed.
    const inner = await openInside(s.ro, 'inner-link', 1e9);
    assert.equal(await hashPrefix(inner.fh, inner.size), sha('alpha\n'));
    await inner.fh.close();
  } finally {
    rmSync(s.base, { recursive: true, force: true });
  }
});

test('list pages by name with a cursor; stat describes a link without following it', async () => {
  const s = sandbox();
  try {
    for (let i = 0; i < 25; i++) writeFileSync(join(s.dir, 'sub', `f${String(i).padStart(2, '0')}`), String(i));
    const names: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await listDirectory(s.ro, 'sub', { after, limit: 7 });
      names.push(...page.entries.map((e) => e.name));
      if (!page.next) break;
      after = page.next;
    }
    assert.deepEqual(names, [...readdirSync(join(s.dir, 'sub'))].sort());
    const top = await listDirectory(s.ro, '', { limit: 50 });
    assert.equal(top.entries.find((e) => e.name === 'escape')?.type, 'symlink');
    assert.equal(top.entries.find((e) => e.name === 'a.log')?.size, 6);
    assert.equal((await statEntry(s.ro, 'null')).type, 'symlink');
    assert.equal((await statEntry(s.ro, '')).type, 'directory');
  } finally {
    rmSync(s.base, { recursive: true, force: true });
  }
});

test('writes: ro roots refuse, a wrong hash leaves nothing behind, a good one replaces atomically with the mode', async () => {
  const s = sandbox();
  try {
    const body = 'new content\n';
    assert.equal(
      await refusal(
        writeAtomic(s.ro, 'a.log', Readable.from([Buffer.from(body)]), { size: 12, sha256: sha(body), maxBytes: 100 }),
      ),
      'root_read_only',
    );
    assert.equal(await refusal(deleteEntry(s.ro, 'a.log')), 'root_read_only');
    const before = readdirSync(s.dir).sort();
    assert.equal(
      await refusal(
        writeAtomic(s.rw, 'a.log', Readable.from([Buffer.from(body)]), {
          size: 12,
          sha256: sha('other'),
          maxBytes: 100,
        }),
      ),
      'hash_mismatch',
    );
    assert.equal(readFileSync(join(s.dir, 'a.log'), 'utf8'), 'alpha\n');
    assert.deepEqual(readdirSync(s.dir).sort(), before, 'no temporary file is left');
    assert.equal(
      await refusal(
        writeAtomic(s.rw, 'a.log', Readable.from([Buffer.from(body)]), { size: 12, sha256: sha(body), maxBytes: 5 }),
      ),
      'too_large',
    );
    await writeAtomic(s.rw, 'sub/new.conf', Readable.from([Buffer.from(body)]), {
      size: 12,
      sha256: sha(body),
      mode: 0o640,
      maxBytes: 100,
    });
    assert.equal(readFileSync(join(s.dir, 'sub', 'new.conf'), 'utf8'), body);
    assert.equal(statSync(join(s.dir, 'sub', 'new.conf')).mode & 0o777, 0o640);
    await deleteEntry(s.rw, 'escape');
    assert.equal(readFileSync(join(s.base, 'secret'), 'utf8'), 'outside\n', 'deleting a link leaves its target');
    assert.equal(await refusal(deleteEntry(s.rw, 'sub')), 'not_a_regular_file');
  } finally {
    rmSync(s.base, { recursive: true, force: true });
  }
});
