import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { blobMeter, checkBlobKey, type BlobStore } from './blob-store.js';

const READ_CHUNK = 256 * 1024;

/**
 * Blobs as files under `root`, one per key (`<root>/artifacts/<sha256>`): today's data-directory
 * layout, so a hub that kept its files there reads them as before. A put writes `<file>.<random>.part`
 * beside the file and renames it into place.
 */
export function createDirBlobStore(root: string): BlobStore {
  const pathOf = (key: string) => join(root, checkBlobKey(key));
  const sizeOf = async (key: string) => {
    try {
      const s = await stat(pathOf(key));
      return s.isFile() ? s.size : null;
    } catch {
      return null;
    }
  };
  return {
    kind: 'dir',
    async put(key, body, limit) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const part = `${path}.${randomBytes(6).toString('hex')}.part`;
      const meter = blobMeter(limit);
      try {
        await pipeline(body, meter.stream, createWriteStream(part, { mode: 0o600 }));
        await rename(part, path);
      } catch (err) {
        await rm(part, { force: true });
        throw err;
      }
      return meter.result();
    },
    async get(key, range) {
      if ((await sizeOf(key)) === null) return null;
      return createReadStream(pathOf(key), { ...range, highWaterMark: READ_CHUNK });
    },
    async stat(key) {
      const size = await sizeOf(key);
      return size === null ? null : { size };
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async move(from, to) {
      const target = pathOf(to);
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      await rename(pathOf(from), target);
    },
  };
}
