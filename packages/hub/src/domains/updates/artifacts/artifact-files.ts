import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { BlobStore } from '../../../platform/blob-store.js';
import { PayloadTooLarge } from './artifact-errors.js';

/**
 * Artifact contents in the hub's blob store, named by SHA-256 (`artifacts/<sha256>`; DESIGN.md,
 * "artifacts stored by content hash"): every replica serves what any of them received.
 */
export interface ArtifactFiles {
  /** Streams a body to a temporary blob while hashing it; never holds the whole body in memory. */
  receive(body: Readable, maxBytes: number): Promise<{ tmpKey: string; sha256: string; length: number }>;
  /** Gives a received blob its content address (a second copy of the same bytes replaces the first). */
  commit(tmpKey: string, sha256: string): Promise<void>;
  discard(tmpKey: string): Promise<void>;
  remove(sha256: string): Promise<void>;
  /** A byte range of an artifact, inclusive bounds (RFC 9110 §14.1.2); null when its content is gone. */
  open(sha256: string, start: number, end: number): Promise<Readable | null>;
  size(sha256: string): Promise<number | null>;
}

export function createArtifactFiles(blobs: BlobStore): ArtifactFiles {
  const keyOf = (sha256: string) => `artifacts/${sha256}`;
  return {
    async receive(body, maxBytes) {
      const tmpKey = `artifacts/tmp/${randomBytes(8).toString('hex')}`;
      const got = await blobs.put(tmpKey, body, { bytes: maxBytes, error: () => new PayloadTooLarge(maxBytes) });
      return { tmpKey, sha256: got.sha256, length: got.size };
    },
    commit: (tmpKey, sha256) => blobs.move(tmpKey, keyOf(sha256)),
    discard: (tmpKey) => blobs.delete(tmpKey),
    remove: (sha256) => blobs.delete(keyOf(sha256)),
    open: (sha256, start, end) => blobs.get(keyOf(sha256), { start, end }),
    async size(sha256) {
      return (await blobs.stat(keyOf(sha256)))?.size ?? null;
    },
  };
}
