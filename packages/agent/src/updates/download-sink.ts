import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';

/** Where downloaded bytes go while they are hashed; survives a dropped link, so the download resumes. */
export interface DownloadSink {
  /** Bytes already held: the offset a resumed download asks for with Range. */
  prepare(): Promise<number>;
  write(chunk: Buffer): Promise<void>;
  /** The server ignored Range: start over. */
  reset(): Promise<void>;
  finish(): Promise<{ sha256: string; length: number }>;
  path?: string;
  open?(): Readable;
  discard(): Promise<void>;
}

/** Staging file on disk; after an agent restart the bytes already there are re-hashed and kept. */
export function fileSink(path: string): DownloadSink {
  let hash: Hash | null = null;
  let length = 0;
  let fh: FileHandle | null = null;
  async function rehash(): Promise<void> {
    hash = createHash('sha256');
    length = 0;
    const size = await stat(path).then(
      (s) => s.size,
      () => 0,
    );
    if (size === 0) return;
    for await (const chunk of createReadStream(path, { end: size - 1 })) {
      hash.update(chunk as Buffer);
      length += (chunk as Buffer).length;
    }
  }
  return {
    path,
    async prepare() {
      if (!hash) await rehash();
      if (!fh) {
        await mkdir(dirname(path), { recursive: true, mode: 0o700 });
        fh = await open(path, 'a', 0o600);
      }
      return length;
    },
    async write(chunk) {
      await fh!.write(chunk);
      hash!.update(chunk);
      length += chunk.length;
    },
    async reset() {
      await fh?.close();
      fh = null;
      await rm(path, { force: true });
      hash = null;
      await this.prepare();
    },
    async finish() {
      await fh?.sync();
      await fh?.close();
      fh = null;
      return { sha256: hash!.copy().digest('hex'), length };
    },
    open: () => createReadStream(path),
    async discard() {
      await fh?.close().catch(() => undefined);
      fh = null;
      hash = null;
      await rm(path, { force: true });
    },
  };
}

/**
 * Hashes without keeping the bytes (the simulator: a thousand devices must not write a thousand
 * images). Resumes within one run, since the hash state stays in memory.
 */
export function hashOnlySink(): DownloadSink {
  let hash = createHash('sha256');
  let length = 0;
  return {
    prepare: async () => length,
    async write(chunk) {
      hash.update(chunk);
      length += chunk.length;
    },
    async reset() {
      hash = createHash('sha256');
      length = 0;
    },
    finish: async () => ({ sha256: hash.copy().digest('hex'), length }),
    async discard() {
      hash = createHash('sha256');
      length = 0;
    },
  };
}
