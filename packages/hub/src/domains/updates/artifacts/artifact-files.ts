import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PayloadTooLarge } from './artifact-errors.js';

/** Artifact contents on disk, named by SHA-256 (DESIGN.md, "artifacts stored on disk by content hash"). */
export interface ArtifactFiles {
  /** Streams a body to a temporary file while hashing it; never holds the whole body in memory. */
  receive(body: Readable, maxBytes: number): Promise<{ tmpPath: string; sha256: string; length: number }>;
  /** Moves a received file to its content address (a second copy of the same bytes is dropped). */
  commit(tmpPath: string, sha256: string): Promise<void>;
  discard(tmpPath: string): Promise<void>;
  remove(sha256: string): Promise<void>;
  /** A byte range of an artifact, inclusive bounds (RFC 9110 §14.1.2). */
  open(sha256: string, start: number, end: number): Readable;
  size(sha256: string): Promise<number | null>;
}

export function createArtifactFiles(dir: string): ArtifactFiles {
  const tmpDir = join(dir, 'tmp');
  const pathOf = (sha256: string) => join(dir, sha256);
  return {
    async receive(body, maxBytes) {
      await mkdir(tmpDir, { recursive: true, mode: 0o700 });
      const tmpPath = join(tmpDir, `${randomBytes(8).toString('hex')}.part`);
      const hash = createHash('sha256');
      let length = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          length += chunk.length;
          if (length > maxBytes) return cb(new PayloadTooLarge(maxBytes));
          hash.update(chunk);
          cb(null, chunk);
        },
      });
      try {
        await pipeline(body, meter, createWriteStream(tmpPath, { mode: 0o600 }));
      } catch (err) {
        await rm(tmpPath, { force: true });
        throw err;
      }
      return { tmpPath, sha256: hash.digest('hex'), length };
    },
    async commit(tmpPath, sha256) {
      await rename(tmpPath, pathOf(sha256));
    },
    discard: (tmpPath) => rm(tmpPath, { force: true }),
    remove: (sha256) => rm(pathOf(sha256), { force: true }),
    open: (sha256, start, end) => createReadStream(pathOf(sha256), { start, end, highWaterMark: 256 * 1024 }),
    async size(sha256) {
      try {
        return (await stat(pathOf(sha256))).size;
      } catch {
        return null;
      }
    },
  };
}
