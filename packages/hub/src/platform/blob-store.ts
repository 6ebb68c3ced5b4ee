import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';

// Files the hub keeps that every replica must be able to read back: update artifacts and session
// recordings. Keys are slash-separated paths (`artifacts/<sha256>`, `recordings/2026-12/<id>.cast`).
// Two stores: a directory (one hub, or a directory every replica mounts) and the database (chunked
// rows, domains/blobs). Both stream in and out: memory stays bounded by a chunk, whatever the size.

/** What a stored blob holds: its length and SHA-256 (hex). */
export interface StoredBlob {
  size: number;
  sha256: string;
}

/** A cap on what `put` accepts: past `bytes`, the put fails with `error()` and nothing is kept. */
export interface BlobLimit {
  bytes: number;
  error(): Error;
}

export interface BlobStore {
  /** Where the bytes live, for logs and docs: `dir` or `database`. */
  readonly kind: 'dir' | 'database';
  /**
   * Streams `body` into `key`, hashing it on the way; `key` shows the new content only once all of
   * it is stored (a failed put leaves the previous content, or nothing).
   */
  put(key: string, body: Readable, limit?: BlobLimit): Promise<StoredBlob>;
  /** The bytes of `key` from `start` to `end` (inclusive; the whole blob when left out); null when absent. */
  get(key: string, range?: { start: number; end: number }): Promise<Readable | null>;
  stat(key: string): Promise<{ size: number } | null>;
  /** Removes `key`; nothing happens when it is absent. */
  delete(key: string): Promise<void>;
  /** Gives the content of `from` the key `to`, replacing what `to` held. */
  move(from: string, to: string): Promise<void>;
}

const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/** Refuses a key that is not a relative path of plain names (no `..`, no empty or hidden segment). */
export function checkBlobKey(key: string): string {
  if (key.length > 512 || !KEY.test(key)) throw new Error(`invalid blob key ${JSON.stringify(key)}`);
  return key;
}

/** A pass-through that hashes and counts what flows through it, failing past `limit`. */
export function blobMeter(limit?: BlobLimit): { stream: Transform; result(): StoredBlob } {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (limit && size > limit.bytes) return cb(limit.error());
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  return { stream, result: () => ({ size, sha256: hash.digest('hex') }) };
}
