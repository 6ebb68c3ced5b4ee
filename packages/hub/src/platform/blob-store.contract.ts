import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BlobStore } from './blob-store.js';

// What every blob store does, run against the directory (unit tier) and the database (SQLite in
// the unit tier, PostgreSQL in the integration tier's store contracts).

/** Bytes larger than a few of the database store's 256 KiB chunks, not a multiple of one. */
const BIG = 3 * 256 * 1024 + 12_345;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A body that arrives in small pieces, as an HTTP upload does. */
function body(b: Buffer, piece = 16_384): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < b.length; i += piece) yield b.subarray(i, i + piece);
    })(),
  );
}

async function read(r: Readable | null): Promise<{ bytes: Buffer; chunks: number }> {
  assert.ok(r, 'the blob is there');
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return { bytes: Buffer.concat(parts), chunks: parts.length };
}

function failing(after: Buffer): Readable {
  return Readable.from(
    (async function* () {
      yield after;
      throw new Error('connection reset by peer');
    })(),
  );
}

export function blobStoreContract(name: string, store: () => BlobStore) {
  describe(`blob store contract (${name})`, () => {
    it('stores a body streamed in pieces and gives it back whole, in several chunks, with its size and hash', async () => {
      const s = store();
      const data = randomBytes(BIG);
      assert.deepEqual(await s.put('artifacts/one', body(data)), { size: BIG, sha256: sha(data) });
      assert.deepEqual(await s.stat('artifacts/one'), { size: BIG });
      const back = await read(await s.get('artifacts/one'));
      assert.ok(back.bytes.equals(data));
      assert.ok(back.chunks > 1, 'streamed out, not as one buffer');
    });

    it('serves byte ranges across chunk boundaries, inclusive of both ends', async () => {
      const s = store();
      const data = randomBytes(BIG);
      await s.put('recordings/2026-12/acs_1.pcap', body(data));
      for (const [start, end] of [
        [0, 0],
        [262_143, 262_144],
        [100, 600_000],
        [BIG - 1, BIG - 1],
        [524_288, BIG - 1],
      ]) {
        const got = await read(await s.get('recordings/2026-12/acs_1.pcap', { start, end }));
        assert.ok(got.bytes.equals(data.subarray(start, end + 1)), `range ${start}-${end}`);
      }
    });

    it('says absent for a key never stored, and deletes what it holds', async () => {
      const s = store();
      assert.equal(await s.get('artifacts/none'), null);
      assert.equal(await s.stat('artifacts/none'), null);
      await s.delete('artifacts/none');
      await s.put('artifacts/two', body(Buffer.from('hello')));
      await s.delete('artifacts/two');
      assert.equal(await s.stat('artifacts/two'), null);
      assert.equal(await s.get('artifacts/two'), null);
    });

    it('stores an empty body', async () => {
      const s = store();
      assert.deepEqual(await s.put('artifacts/empty', body(Buffer.alloc(0))), {
        size: 0,
        sha256: sha(Buffer.alloc(0)),
      });
      assert.equal((await read(await s.get('artifacts/empty'))).bytes.length, 0);
    });

    it('replaces content only once the new body is whole: a body over the limit or cut off leaves the old one', async () => {
      const s = store();
      const old = randomBytes(1000);
      await s.put('artifacts/three', body(old));
      const tooLarge = new Error('over the limit');
      await assert.rejects(
        s.put('artifacts/three', body(randomBytes(BIG)), { bytes: 300_000, error: () => tooLarge }),
        (err) => err === tooLarge,
      );
      await assert.rejects(s.put('artifacts/three', failing(randomBytes(300_000))), /connection reset/);
      assert.ok((await read(await s.get('artifacts/three'))).bytes.equals(old));
      const next = randomBytes(2000);
      await s.put('artifacts/three', body(next));
      assert.ok((await read(await s.get('artifacts/three'))).bytes.equals(next));
    });

    it('moves a blob to another key, replacing what that key held', async () => {
      const s = store();
      const a = randomBytes(BIG);
      await s.put('artifacts/tmp/x', body(a));
      await s.put('artifacts/final', body(Buffer.from('old')));
      await s.move('artifacts/tmp/x', 'artifacts/final');
      assert.equal(await s.stat('artifacts/tmp/x'), null);
      assert.ok((await read(await s.get('artifacts/final'))).bytes.equals(a));
    });

    it('refuses keys that are not plain relative paths', async () => {
      const s = store();
      for (const bad of ['../etc/passwd', '/abs', 'a//b', 'a/../b', '.hidden', 'a/', ''])
        await assert.rejects(s.put(bad, body(Buffer.from('x'))), /invalid blob key/, bad);
    });
  });
}
