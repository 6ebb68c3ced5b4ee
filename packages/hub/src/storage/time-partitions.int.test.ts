import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { hubMigrations } from '../domains/hub-modules.js';
import { migrate, type Db } from './database.js';
import { connectPostgres } from './postgres.js';
import { postgresMissing, startTestPostgres, type TestPostgresCluster } from './test-postgres.js';
import { dayPartitions, deleteTimeSeriesBefore, ensureTimePartitions, DAYS_AHEAD } from './time-partitions.js';

const DAY = 86_400_000;
const MIGRATION = '035_storage_time_partitions';
const EVENTS_MIGRATION = '043_devices_events_partitions';
const today = Math.floor(Date.now() / DAY) * DAY;
const iso = (ms: number) => new Date(ms).toISOString();
const day = (ms: number) => iso(ms).slice(0, 10).replaceAll('-', '');

async function whereRows(db: Db, table: string): Promise<Array<{ part: string; ts: string }>> {
  const r = await sql<{ part: string; ts: string }>`
    SELECT tableoid::regclass::text AS part, ts::text AS ts FROM ${sql.id(table)} ORDER BY ts`.execute(db);
  return r.rows;
}

describe('time partitions on PostgreSQL', { skip: postgresMissing() }, () => {
  let cluster: TestPostgresCluster;
  const open: Db[] = [];
  const connect = async (name: string) => {
    const db = connectPostgres(await cluster.createDatabase(name), 2);
    open.push(db);
    return db;
  };
  before(async () => {
    cluster = await startTestPostgres();
  });
  after(async () => {
    for (const db of open) await db.destroy();
    await cluster?.stop();
  });

  it('converts a populated database: every row kept, each in the partition of its day', async () => {
    const db = await connect('populated');
    const { [MIGRATION]: _partitions, [EVENTS_MIGRATION]: _events, ...before } = hubMigrations();
    await migrate(db, before);
    const health = [today - 3 * DAY + 1000, today - DAY + 5000, today + 60_000, today - 800 * DAY];
    await db
      .insertInto('health_samples')
      .values(health.map((ms, i) => ({ device_id: `d${i}`, ts: iso(ms), data_json: '{}' })))
      .execute();
    await db
      .insertInto('traffic_samples')
      .values({
        device_id: 'd0',
        ts: iso(today + 1000),
        period_s: 60,
        rx_bytes: 1,
        tx_bytes: 2,
        rx_packets: 3,
        tx_packets: 4,
      })
      .execute();
    await db
      .insertInto('stream_values')
      .values({
        device_id: 'd0',
        point: 'p',
        ts: today - DAY,
        received_at: today,
        kind: 'num',
        num: 1.5,
        quality: 'good',
      })
      .execute();
    await migrate(db, hubMigrations());

    assert.deepEqual(await whereRows(db, 'health_samples'), [
      // Older than the days a conversion makes: parked in DEFAULT, still there.
      { part: 'health_samples_default', ts: iso(health[3]) },
      { part: `health_samples_p${day(health[0])}`, ts: iso(health[0]) },
      { part: `health_samples_p${day(health[1])}`, ts: iso(health[1]) },
      { part: `health_samples_p${day(today)}`, ts: iso(health[2]) },
    ]);
    assert.equal((await whereRows(db, 'traffic_samples'))[0].part, `traffic_samples_p${day(today)}`);
    assert.equal((await whereRows(db, 'stream_values'))[0].part, `stream_values_p${day(today - DAY)}`);
    // The indexes followed the table; the store queries keep using them.
    const idx = await sql<{
      indexname: string;
    }>`SELECT indexname FROM pg_indexes WHERE tablename = 'health_samples' ORDER BY 1`.execute(db);
    assert.deepEqual(
      idx.rows.map((r) => r.indexname),
      ['health_samples_device', 'health_samples_ts'],
    );
    const kind = await sql<{
      k: string;
    }>`SELECT relkind::text AS k FROM pg_class WHERE relname = 'stream_values'`.execute(db);
    assert.equal(kind.rows[0].k, 'p');
  });

  it('converts an empty database, with days from yesterday to a week ahead', async () => {
    const db = await connect('empty');
    await migrate(db, hubMigrations());
    const days = (await dayPartitions(db, 'traffic_samples')).map((p) => p.dayMs);
    assert.equal(days[0], today - DAY);
    assert.equal(days[days.length - 1], today + DAYS_AHEAD * DAY);
    assert.equal(days.length, DAYS_AHEAD + 2);
  });

  it('makes days ahead by the job, moving rows parked in DEFAULT into their day', async () => {
    const db = await connect('ahead');
    await migrate(db, hubMigrations());
    const later = today + 20 * DAY;
    await db
      .insertInto('health_samples')
      .values({ device_id: 'x', ts: iso(later + 7000), data_json: '{}' })
      .execute();
    assert.equal((await whereRows(db, 'health_samples'))[0].part, 'health_samples_default');
    assert.equal(await ensureTimePartitions(db, today), 0, 'the days ahead exist already');
    const made = await ensureTimePartitions(db, later);
    assert.equal(made, 4 * (DAYS_AHEAD + 2), 'days for every table around the later date');
    assert.equal((await whereRows(db, 'health_samples'))[0].part, `health_samples_p${day(later)}`);
  });

  it('retention drops whole days and trims only the day the cutoff falls in', async () => {
    const db = await connect('retention');
    const { [MIGRATION]: _partitions, [EVENTS_MIGRATION]: _events, ...before } = hubMigrations();
    await migrate(db, before);
    const rows = [
      today - 5 * DAY + 1,
      today - 4 * DAY + 1,
      today - DAY + 1000,
      today - DAY + 20 * 3_600_000,
      today + 1,
    ];
    await db
      .insertInto('health_samples')
      .values(rows.map((ms, i) => ({ device_id: `d${i}`, ts: iso(ms), data_json: '{}' })))
      .execute();
    await migrate(db, hubMigrations());
    const cutoff = today - DAY + 12 * 3_600_000;
    assert.equal(await deleteTimeSeriesBefore(db, 'health_samples', cutoff), 3);
    const left = (await dayPartitions(db, 'health_samples')).map((p) => p.dayMs);
    assert.equal(left[0], today - DAY, 'the days before the cutoff day are dropped');
    assert.deepEqual(
      (await whereRows(db, 'health_samples')).map((r) => r.ts),
      [iso(rows[3]), iso(rows[4])],
      'the kept rows of the cutoff day and after stay',
    );
  });
  it('partitions device events by day with the time in their key: a redelivered event is kept once, old days dropped', async () => {
    const db = await connect('events');
    const { [EVENTS_MIGRATION]: _events, ...before } = hubMigrations();
    await migrate(db, before);
    const event = (seq: number, ms: number) => ({
      device_id: 'd1',
      seq,
      ts: iso(ms),
      received_at: iso(ms),
      type: 'boot',
      severity: 'info',
      data_json: '{}',
    });
    const times = [today - 3 * DAY + 1000, today - DAY + 5000, today + 60_000];
    await db
      .insertInto('device_events')
      .values(times.map((ms, i) => event(i + 1, ms)))
      .execute();
    await migrate(db, hubMigrations());

    assert.deepEqual(
      (await whereRows(db, 'device_events')).map((r) => r.part),
      times.map((ms) => `device_events_p${day(ms)}`),
    );
    const key = await sql<{ col: string }>`
      SELECT a.attname AS col FROM pg_constraint c
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
      WHERE c.conname = 'device_events_pk' AND c.conrelid = 'device_events'::regclass ORDER BY a.attnum`.execute(db);
    assert.deepEqual(
      key.rows.map((r) => r.col),
      ['device_id', 'seq', 'ts'],
    );
    // The ingest writer's insert: a batch redelivered after a lost PUBACK adds nothing.
    const again = await db
      .insertInto('device_events')
      .values([event(3, times[2]), event(4, today + 120_000)])
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    assert.equal(Number(again.numInsertedOrUpdatedRows), 1);
    const latest = await db
      .selectFrom('device_events')
      .select((e) => e.fn.max('seq').as('m'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(latest.m), 4);

    assert.equal(await deleteTimeSeriesBefore(db, 'device_events', today - DAY), 1);
    const left = (await dayPartitions(db, 'device_events')).map((p) => p.dayMs);
    assert.equal(left[0], today - DAY, 'the older days are dropped whole');
  });
});
