import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile, open } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Reads JSON; null when the file does not exist. */
export async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Writes JSON so that a power loss leaves either the old or the new file, never a torn one:
 * write a temporary file, fsync it, rename over the old one (rename is atomic on POSIX).
 */
export function writeJsonAtomic(path: string, value: unknown, durable = true): Promise<void> {
  // Writes to one file run one after another, in call order: two overlapping writes would share
  // the temporary file, and the second rename would find it gone (or the older value would win).
  const previous = writesInFlight.get(path) ?? Promise.resolve();
  const next = previous.then(
    () => writeNow(path, value, durable),
    () => writeNow(path, value, durable),
  );
  writesInFlight.set(path, next);
  const forget = () => {
    if (writesInFlight.get(path) === next) writesInFlight.delete(path);
  };
  next.then(forget, forget);
  return next;
}

const writesInFlight = new Map<string, Promise<void>>();

async function writeNow(path: string, value: unknown, durable: boolean): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp`;
  // Without fsync there is nothing to wait for: a small synchronous write keeps a thousand
  // simulated devices in one process off the shared libuv thread pool.
  if (!durable) return writeJsonAtomicSync(path, value, false);
  await writeFile(tmp, JSON.stringify(value), { mode: 0o600 });
  const fh = await open(tmp, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

/** Synchronous read, for what must be decided before the agent connects (which slot booted). */
export function readJsonSync<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export function writeJsonAtomicSync(path: string, value: unknown, durable = true): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(value));
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
