import { createHash, randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, open, opendir, rename, unlink, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { FileEntry } from '@outpost/protocol';
import {
  checkDescriptorInside,
  FileRefused,
  lstatOrNull,
  openInside,
  resolveEntry,
  resolveExisting,
  segmentsOf,
  tempBeside,
} from './confine.js';
import type { DeclaredRoot } from './file-roots.js';

function typeOf(s: Stats): string {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'directory';
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isFIFO()) return 'fifo';
  if (s.isSocket()) return 'socket';
  if (s.isCharacterDevice()) return 'char-device';
  if (s.isBlockDevice()) return 'block-device';
  return 'other';
}

export function entryOf(name: string, s: Stats): FileEntry {
  return { name, type: typeOf(s), size: s.size, mode: s.mode & 0o7777, mtime: s.mtime.toISOString() };
}

/**
 * One page of a directory, by name, after `after`. Memory stays at one page however large the
 * directory is: the scan keeps only the `limit + 1` smallest names past the cursor.
 */
export async function listDirectory(
  root: DeclaredRoot,
  path: string,
  opts: { after?: string; limit: number },
): Promise<{ entries: FileEntry[]; next?: string }> {
  const { real } = await resolveExisting(root, path);
  if (!(await lstat(real)).isDirectory()) throw new FileRefused('not_a_directory', `"${path}" is not a directory`);
  const keep: string[] = [];
  const dir = await opendir(real);
  for await (const d of dir) {
    if (opts.after !== undefined && d.name <= opts.after) continue;
    if (keep.length > opts.limit && d.name >= keep[keep.length - 1]) continue;
    let i = keep.length;
    while (i > 0 && keep[i - 1] > d.name) i--;
    keep.splice(i, 0, d.name);
    if (keep.length > opts.limit + 1) keep.pop();
  }
  const page = keep.slice(0, opts.limit);
  const entries: FileEntry[] = [];
  for (const name of page) {
    const s = await lstatOrNull(`${real}/${name}`);
    if (s) entries.push(entryOf(name, s));
  }
  return keep.length > opts.limit ? { entries, next: page[page.length - 1] } : { entries };
}

/** What the path is (a link is described, not followed, when it is the last component). */
export async function statEntry(root: DeclaredRoot, path: string): Promise<FileEntry> {
  if (segmentsOf(path).length === 0) {
    const { real } = await resolveExisting(root, '');
    return entryOf(root.name, await lstat(real));
  }
  const { name, target } = await resolveEntry(root, path);
  const s = await lstatOrNull(target);
  if (!s) throw new FileRefused('not_found', `"${path}" does not exist`);
  return entryOf(name, s);
}

/** SHA-256 of the first `size` bytes of an open file (a file that grows is hashed as it was). */
export async function hashPrefix(fh: FileHandle, size: number): Promise<string> {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(256 * 1024);
  for (let pos = 0; pos < size;) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - pos), pos);
    if (bytesRead === 0) throw new FileRefused('size_mismatch', 'the file shrank while it was read');
    hash.update(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
  return hash.digest('hex');
}

export { openInside };

/**
 * Writes `size` bytes from `body` to `path` in a `rw` root, atomically: a temporary file in the
 * same directory (created exclusively, never following a link), synced, its SHA-256 compared
 * with `sha256`, then renamed over the target. On any failure the temporary file is removed and
 * the target is untouched.
 */
export async function writeAtomic(
  root: DeclaredRoot,
  path: string,
  body: Readable,
  want: { size: number; sha256: string; mode?: number; maxBytes: number },
): Promise<FileEntry> {
  if (root.mode !== 'rw') throw new FileRefused('root_read_only', `the root "${root.name}" is read-only`);
  if (want.size > want.maxBytes)
    throw new FileRefused('too_large', `${want.size} bytes is more than this root takes (${want.maxBytes})`);
  const { name, target, rootReal } = await resolveEntry(root, path);
  const existing = await lstatOrNull(target);
  if (existing && !existing.isFile())
    throw new FileRefused('not_a_regular_file', `"${path}" exists and is not a regular file`);
  const temp = tempBeside(target, randomBytes(6).toString('hex'));
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const fh = await open(temp, flags, 0o600);
  try {
    await checkDescriptorInside(fh, temp, rootReal, path);
    const hash = createHash('sha256');
    let got = 0;
    for await (const chunk of body) {
      const b = chunk as Buffer;
      got += b.length;
      if (got > want.size) throw new FileRefused('size_mismatch', `more than the announced ${want.size} bytes arrived`);
      hash.update(b);
      await fh.write(b);
    }
    if (got !== want.size) throw new FileRefused('size_mismatch', `${got} bytes arrived, ${want.size} announced`);
    const sha256 = hash.digest('hex');
    if (sha256 !== want.sha256)
      throw new FileRefused('hash_mismatch', `the content's SHA-256 is ${sha256}, not the expected ${want.sha256}`);
    await fh.chmod(want.mode ?? (existing ? existing.mode & 0o777 : 0o644));
    await fh.sync();
    await fh.close();
    await rename(temp, target);
    return entryOf(name, await lstat(target));
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw err;
  }
}

/** Deletes a file (or a link, not what it points at) in a `rw` root. Directories stay. */
export async function deleteEntry(root: DeclaredRoot, path: string): Promise<FileEntry> {
  if (root.mode !== 'rw') throw new FileRefused('root_read_only', `the root "${root.name}" is read-only`);
  const { name, target } = await resolveEntry(root, path);
  const s = await lstatOrNull(target);
  if (!s) throw new FileRefused('not_found', `"${path}" does not exist`);
  if (!s.isFile() && !s.isSymbolicLink())
    throw new FileRefused('not_a_regular_file', `"${path}" is a ${typeOf(s)}; only files are deleted`);
  await unlink(target);
  return entryOf(name, s);
}
