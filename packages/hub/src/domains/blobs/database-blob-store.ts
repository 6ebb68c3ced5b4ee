import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { blobMeter, checkBlobKey, type BlobStore } from '../../platform/blob-store.js';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../storage/database.js';
import { lockKeys } from '../../storage/sql-dialect.js';

export const CHUNK_BYTES = 256 * 1024;
/** Chunks read by one query when streaming a blob out. */
const CHUNKS_PER_READ = 4;

async function dropBlob(db: Db, id: string): Promise<void> {
  await db.deleteFrom('blob_chunks').where('blob_id', '=', id).execute();
  await db.deleteFrom('blobs').where('id', '=', id).execute();
}

/** Removes whatever holds `key` (inside the caller's transaction, which holds the key's lock). */
async function dropKey(trx: Db, key: string): Promise<void> {
  const old = await trx.selectFrom('blobs').select('id').where('key', '=', key).executeTakeFirst();
  if (old) await dropBlob(trx, old.id);
}

/**
 * Blobs in the database, shared by every replica: a put streams the body into chunk rows of a
 * blob without a key (one insert a chunk, so memory holds one chunk), then in one transaction
 * gives it the key and drops what held it before. A read streams a few chunks a query.
 * Blobs left without a key (a put cut off half-way) are swept after `abandonAfterMs`.
 */
export function createDatabaseBlobStore(
  db: Db,
  o: { clock: Pick<Clock, 'now'>; chunkBytes?: number },
): BlobStore & { sweepAbandoned(olderThanMs: number): Promise<number> } {
  const chunkBytes = o.chunkBytes ?? CHUNK_BYTES;
  const lock = (trx: Db, ...keys: string[]) =>
    lockKeys(
      trx,
      keys.map((k) => `outpost-blob:${k}`),
    );

  async function writeChunks(id: string, body: Readable, meter: ReturnType<typeof blobMeter>) {
    let seq = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (all: boolean) => {
      let buf = Buffer.concat(pending);
      while (buf.length >= chunkBytes || (all && buf.length > 0)) {
        const data = buf.subarray(0, chunkBytes);
        await db.insertInto('blob_chunks').values({ blob_id: id, seq: seq++, data }).execute();
        buf = buf.subarray(data.length);
      }
      pending = buf.length ? [Buffer.from(buf)] : [];
      pendingBytes = buf.length;
    };
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes < chunkBytes) return cb();
        flush(false).then(() => cb(), cb);
      },
      final(cb) {
        flush(true).then(() => cb(), cb);
      },
    });
    await pipeline(body, meter.stream, sink);
  }

  async function rowOf(key: string) {
    return db
      .selectFrom('blobs')
      .select(['id', 'size', 'chunk_bytes'])
      .where('key', '=', checkBlobKey(key))
      .executeTakeFirst();
  }

  return {
    kind: 'database',
    async put(key, body, limit) {
      checkBlobKey(key);
      const id = randomBytes(12).toString('hex');
      const createdAt = o.clock.now().toISOString();
      await db
        .insertInto('blobs')
        .values({ id, key: null, size: 0, sha256: null, chunk_bytes: chunkBytes, created_at: createdAt })
        .execute();
      const meter = blobMeter(limit);
      try {
        await writeChunks(id, body, meter);
        const stored = meter.result();
        await db.transaction().execute(async (trx) => {
          await lock(trx, key);
          await dropKey(trx, key);
          await trx
            .updateTable('blobs')
            .set({ key, size: stored.size, sha256: stored.sha256 })
            .where('id', '=', id)
            .execute();
        });
        return stored;
      } catch (err) {
        await dropBlob(db, id);
        throw err;
      }
    },
    async get(key, range) {
      const row = await rowOf(key);
      if (!row) return null;
      const size = Number(row.size);
      const per = Number(row.chunk_bytes);
      const start = range?.start ?? 0;
      const end = Math.min(range?.end ?? size - 1, size - 1);
      async function* chunks() {
        for (let seq = Math.floor(start / per); seq * per <= end; seq += CHUNKS_PER_READ) {
          const rows = await db
            .selectFrom('blob_chunks')
            .select(['seq', 'data'])
            .where('blob_id', '=', row!.id)
            .where('seq', '>=', seq)
            .where('seq', '<', seq + CHUNKS_PER_READ)
            .orderBy('seq')
            .execute();
          for (const r of rows) {
            const at = Number(r.seq) * per;
            if (at > end) return;
            const data = Buffer.from(r.data);
            yield data.subarray(Math.max(0, start - at), Math.min(data.length, end - at + 1));
          }
          if (rows.length < CHUNKS_PER_READ) return;
        }
      }
      return Readable.from(start > end ? [] : chunks(), { objectMode: false });
    },
    async stat(key) {
      const row = await rowOf(key);
      return row ? { size: Number(row.size) } : null;
    },
    async delete(key) {
      checkBlobKey(key);
      await db.transaction().execute(async (trx) => {
        await lock(trx, key);
        await dropKey(trx, key);
      });
    },
    async move(from, to) {
      checkBlobKey(from);
      checkBlobKey(to);
      await db.transaction().execute(async (trx) => {
        await lock(trx, from, to);
        const src = await trx.selectFrom('blobs').select('id').where('key', '=', from).executeTakeFirst();
        if (!src) throw new Error(`no blob ${from} to move`);
        await dropKey(trx, to);
        await trx.updateTable('blobs').set({ key: to }).where('id', '=', src.id).execute();
      });
    },
    async sweepAbandoned(olderThanMs) {
      const before = new Date(o.clock.now().getTime() - olderThanMs).toISOString();
      const stale = await db
        .selectFrom('blobs')
        .select('id')
        .where('key', 'is', null)
        .where('created_at', '<', before)
        .limit(100)
        .execute();
      for (const s of stale) await dropBlob(db, s.id);
      return stale.length;
    },
  };
}
