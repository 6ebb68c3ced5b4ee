import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * The data directory holds the database, sealed keys and recordings: only the hub's user may read
 * it. Creates it 0700 when missing; refuses to go on when group or others can read, enter or write it.
 */
export function ensurePrivateDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // POSIX permission bits are not meaningful on Windows.
  if (process.platform === 'win32') return;
  const mode = statSync(dir).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  throw new Error(
    `refusing to start: data directory ${dir} has mode ${mode.toString(8).padStart(4, '0')}, open to group or others ` +
      `(it holds the database and sealed keys); run: chmod 700 ${dir}`,
  );
}

/** Creates `path` empty with mode 0600 when missing, and narrows an existing one to 0600 (the database files). */
export function ensurePrivateFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
}
