import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { FifoLock, FifoSqliteDialect } from './fifo-sqlite-dialect.js';

describe('FifoLock', () => {
  it('hands the lock to waiters in the order they asked, one at a time', async () => {
    const lock = new FifoLock();
    const order: number[] = [];
    let holders = 0;
    await Promise.all(
      Array.from({ length: 3000 }, async (_, i) => {
        await lock.lock();
        holders++;
        assert.equal(holders, 1, 'never two holders');
        order.push(i);
        await Promise.resolve();
        holders--;
        lock.unlock();
      }),
    );
    assert.deepEqual(
      order,
      Array.from({ length: 3000 }, (_, i) => i),
    );
    assert.equal(lock.waiting, 0);
  });
});

describe('FifoSqliteDialect', () => {
  it('runs concurrent queries and transactions on the one connection without interleaving them', async () => {
    const db = new Kysely<{ t: { id: number; v: string } }>({
      dialect: new FifoSqliteDialect({ database: new BetterSqlite3(':memory:') }),
    });
    await sql`create table t (id integer primary key, v text not null)`.execute(db);
    const inserts = Array.from({ length: 500 }, (_, i) =>
      db
        .insertInto('t')
        .values({ id: i, v: `v${i}` })
        .execute(),
    );
    // A transaction that fails part-way leaves nothing behind, even with other queries queued around it.
    const failing = db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('t').values({ id: 10_000, v: 'inside' }).execute();
        await trx.insertInto('t').values({ id: 10_000, v: 'duplicate' }).execute();
      })
      .then(
        () => 'committed',
        () => 'rolled back',
      );
    const more = Array.from({ length: 500 }, (_, i) =>
      db
        .insertInto('t')
        .values({ id: 1000 + i, v: `w${i}` })
        .execute(),
    );
    await Promise.all([...inserts, ...more]);
    assert.equal(await failing, 'rolled back');
    const { n } = await db
      .selectFrom('t')
      .select((e) => e.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(n), 1000);
    assert.equal(await db.selectFrom('t').select('id').where('id', '=', 10_000).executeTakeFirst(), undefined);
    await db.destroy();
  });
});
