import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ErrorCode } from '@outpost/protocol';
import { HubError } from '../../platform/errors.js';

export interface SpoolLimits {
  /** Largest single file the hub holds. */
  maxFileBytes: number;
  /** All spooled files together: uploads waiting for their device and bulk pulls not yet expired. */
  quotaBytes: number;
}

export interface SpooledFile {
  file: string;
  size: number;
  sha256: string;
}

function spoolFull(message: string): HubError {
  return new HubError(ErrorCode.FileSpoolFull, message);
}

/**
 * Files in transit through the hub, on disk under one directory with a quota: a body is written as
 * it arrives (never held in memory), counted against the quota before a byte lands (the declared
 * size, or the per-file limit when none is declared) and hashed on the way.
 */
export function createFileSpool(dir: string, limits: SpoolLimits) {
  // Whatever a previous run left is stale: its transfers ended with that run.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const sizes = new Map<string, number>();
  let used = 0;

  function reserve(file: string, bytes: number) {
    if (bytes > limits.maxFileBytes)
      throw spoolFull(`${bytes} bytes is more than the hub holds for one file (${limits.maxFileBytes})`);
    if (used + bytes > limits.quotaBytes)
      throw spoolFull(`the hub's file spool is full (${used} of ${limits.quotaBytes} bytes in use); try again later`);
    used += bytes;
    sizes.set(file, bytes);
  }

  function release(file: string) {
    used -= sizes.get(file) ?? 0;
    sizes.delete(file);
  }

  /** Writes `body` to `name` inside the spool; at most `declared` bytes (or the file limit). */
  async function receive(name: string, body: Readable, declared?: number): Promise<SpooledFile> {
    const file = join(dir, name);
    const limit = declared ?? limits.maxFileBytes;
    reserve(file, limit);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const hash = createHash('sha256');
    let size = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > limit) return cb(spoolFull(`the file is larger than ${limit} bytes`));
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(body, count, createWriteStream(file, { mode: 0o600 }));
    } catch (err) {
      await remove(file);
      throw err;
    }
    // Keep only what was written on the books.
    used += size - limit;
    sizes.set(file, size);
    return { file, size, sha256: hash.digest('hex') };
  }

  async function remove(file: string) {
    release(file);
    await rm(file, { force: true });
  }

  return {
    dir,
    receive,
    remove,
    /** Removes a directory of the spool (a pull's) and every file in it from the books. */
    async removeDir(name: string) {
      const prefix = join(dir, name) + '/';
      for (const f of [...sizes.keys()]) if (f.startsWith(prefix)) release(f);
      await rm(join(dir, name), { recursive: true, force: true });
    },
    open: (file: string) => createReadStream(file),
    used: () => used,
  };
}

export type FileSpool = ReturnType<typeof createFileSpool>;
