import { constants, type Stats } from 'node:fs';
import { lstat, open, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { MAX_FILE_PATH, type FileRefusal } from '@outpost/protocol';
import type { DeclaredRoot } from './file-roots.js';

/** A refused file operation: a stable reason the hub audits, and words for a person. */
export class FileRefused extends Error {
  constructor(
    readonly reason: FileRefusal,
    message: string,
  ) {
    super(message);
  }
}

const inside = (rootReal: string, p: string) => p === rootReal || p.startsWith(rootReal + sep);

/** The root's own real path; a root that is gone or not a directory refuses everything under it. */
export async function rootRealPath(root: DeclaredRoot): Promise<string> {
  try {
    const real = await realpath(root.dir);
    if (!(await stat(real)).isDirectory()) throw new Error('not a directory');
    return real;
  } catch {
    throw new FileRefused('not_found', `the root "${root.name}" is not a directory on this device`);
  }
}

/**
 * The path's segments inside a root. Only plain relative paths pass: no absolute path, no `..`,
 * no NUL. `.` and empty segments are dropped, so "" and "." name the root itself.
 */
export function segmentsOf(path: string): string[] {
  if (Buffer.byteLength(path) > MAX_FILE_PATH)
    throw new FileRefused('invalid_path', `the path is longer than ${MAX_FILE_PATH} bytes`);
  if (path.includes('\0')) throw new FileRefused('invalid_path', 'the path contains a NUL byte');
  if (path.startsWith('/'))
    throw new FileRefused('path_outside_root', 'absolute paths are refused: give the path relative to its root');
  const segs = path.split('/').filter((s) => s !== '' && s !== '.');
  if (segs.includes('..')) throw new FileRefused('path_outside_root', '".." segments are refused');
  return segs;
}

function notFound(err: unknown, what: string): never {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') throw new FileRefused('not_found', `${what} does not exist`);
  if (code === 'ENOTDIR') throw new FileRefused('not_a_directory', `a part of ${what} is not a directory`);
  if (code === 'ELOOP') throw new FileRefused('path_outside_root', `${what} is a symbolic link loop`);
  throw new FileRefused('io_error', `${what}: ${(err as Error).message}`);
}

/**
 * Resolves an existing path with every symbolic link followed (intermediate directories too) and
 * refuses it unless the result lies inside the root's real path.
 */
export async function resolveExisting(root: DeclaredRoot, path: string): Promise<{ real: string; rootReal: string }> {
  const segs = segmentsOf(path);
  const rootReal = await rootRealPath(root);
  let real: string;
  try {
    real = await realpath(join(rootReal, ...segs));
  } catch (err) {
    notFound(err, `"${path}"`);
  }
  if (!inside(rootReal, real))
    throw new FileRefused('path_outside_root', `"${path}" resolves outside the root "${root.name}"`);
  return { real, rootReal };
}

/**
 * Where a new or replaced file goes: its directory resolved as above (inside the root), its own
 * name kept as given. The final component is not followed: writes replace it, deletes unlink it.
 */
export async function resolveEntry(
  root: DeclaredRoot,
  path: string,
): Promise<{ dir: string; name: string; target: string; rootReal: string }> {
  const segs = segmentsOf(path);
  if (segs.length === 0) throw new FileRefused('invalid_path', 'name a file inside the root, not the root itself');
  const parent = segs.slice(0, -1).join('/');
  const { real: dir, rootReal } = await resolveExisting(root, parent);
  if (!(await stat(dir)).isDirectory()) throw new FileRefused('not_a_directory', `"${parent}" is not a directory`);
  const name = segs[segs.length - 1];
  return { dir, name, target: join(dir, name), rootReal };
}

/** What the entry at `target` is, without following it; null when there is none. */
export async function lstatOrNull(target: string): Promise<Stats | null> {
  try {
    return await lstat(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Opens a regular file inside the root for reading. O_NOFOLLOW refuses a final link swapped in
 * after the check, O_NONBLOCK keeps a FIFO from blocking the open; after opening, the descriptor
 * itself is checked (fstat: a regular file; /proc/self/fd: still inside the root) so a rename
 * between the check and the open cannot smuggle in another file (TOCTOU).
 */
export async function openInside(
  root: DeclaredRoot,
  path: string,
  maxBytes: number,
): Promise<{ fh: FileHandle; size: number; stats: Stats }> {
  const { real, rootReal } = await resolveExisting(root, path);
  let fh: FileHandle;
  try {
    fh = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    notFound(err, `"${path}"`);
  }
  try {
    const stats = await fh.stat();
    if (!stats.isFile()) throw new FileRefused('not_a_regular_file', `"${path}" is not a regular file`);
    await checkDescriptorInside(fh, real, rootReal, path);
    if (stats.size > maxBytes)
      throw new FileRefused('too_large', `"${path}" has ${stats.size} bytes; this root serves at most ${maxBytes}`);
    return { fh, size: stats.size, stats };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/** The open file still lies inside the root (a directory swapped for a link after the check is caught here). */
export async function checkDescriptorInside(fh: FileHandle, real: string, rootReal: string, path: string) {
  let opened: string;
  try {
    opened = await readlink(`/proc/self/fd/${fh.fd}`);
  } catch {
    // No /proc: fall back to the same inode at the checked path.
    const [a, b] = [await fh.stat(), await stat(real)];
    if (a.dev !== b.dev || a.ino !== b.ino)
      throw new FileRefused('path_outside_root', `"${path}" changed while opened`);
    return;
  }
  if (!inside(rootReal, opened)) throw new FileRefused('path_outside_root', `"${path}" resolves outside the root`);
}

/** The directory and base name of a temporary file beside `target`. */
export function tempBeside(target: string, suffix: string): string {
  return join(dirname(target), `.${basename(target)}.${suffix}.part`);
}
