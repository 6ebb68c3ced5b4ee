import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { blobStoreContract } from '../../platform/blob-store.contract.js';
import { createManualClock } from '../../platform/manual-clock.js';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createDatabaseBlobStore } from './database-blob-store.js';

export function databaseBlobStoreContract(name: string, open: OpenTestDatabase) {
  describe(`database blob store (${name})`, () => {
    const db = freshDatabaseEachTest(open);
    const clock = createManualClock(new Date('2026-12-07T10:00:00.000Z'));
    blobStoreContract(`database, ${name}`, () => createDatabaseBlobStore(db(), { clock }));

    it('keeps the bytes in chunk rows and leaves none behind a failed or replaced put', async () => {
      const s = createDatabaseBlobStore(db(), { clock, chunkBytes: 1000 });
      await s.put('artifacts/a', Readable.from([Buffer.alloc(2500, 1)]));
      const chunks = () => db().selectFrom('blob_chunks').select(['blob_id', 'seq']).execute();
      assert.equal((await chunks()).length, 3);
      await s.put('artifacts/a', Readable.from([Buffer.alloc(1500, 2)]));
      await assert.rejects(
        s.put('artifacts/a', Readable.from([Buffer.alloc(5000)]), { bytes: 4000, error: () => new Error('big') }),
      );
      assert.equal((await chunks()).length, 2);
      assert.equal((await db().selectFrom('blobs').select('id').execute()).length, 1);
    });

    it('sweeps a blob whose put was cut off before it got its key, once it is old enough', async () => {
      const s = createDatabaseBlobStore(db(), { clock });
      await db()
        .insertInto('blobs')
        .values({
          id: 'cut',
          key: null,
          size: 0,
          sha256: null,
          chunk_bytes: 1000,
          created_at: clock.now().toISOString(),
        })
        .execute();
      await db()
        .insertInto('blob_chunks')
        .values({ blob_id: 'cut', seq: 0, data: Buffer.alloc(10) })
        .execute();
      assert.equal(await s.sweepAbandoned(3_600_000), 0, 'a put may still be running');
      await clock.advance(3_600_001);
      assert.equal(await s.sweepAbandoned(3_600_000), 1);
      assert.equal((await db().selectFrom('blob_chunks').select('seq').execute()).length, 0);
    });
  });
}
