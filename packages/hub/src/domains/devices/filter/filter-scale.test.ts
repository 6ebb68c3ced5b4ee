import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compileWithDb, deviceRow, openTestDb, type SeedDevice, type TestDb } from './filter-db.fixture.js';
import { versionKey } from '@outpost/protocol';

const COUNT = 10_000;
const CHUNK = 500;
const NOW = new Date('2025-06-01T12:00:00.000Z');
const SITES = ['north', 'south', 'east', 'west', 'central', 'harbour', 'mine'];
const PRESENCE = ['online', 'offline', 'never_seen'] as const;

function device(i: number): SeedDevice & { site: string } {
  const presence = PRESENCE[i % 3];
  return {
    id: `dev-${String(i).padStart(5, '0')}`,
    model: `gw-${[100, 200, 300, 400][i % 4]}`,
    firmware: `2.${i % 13}.${i % 5}`,
    presence,
    lastSeenHoursAgo: presence === 'never_seen' ? null : i % 72,
    site: SITES[i % 7],
  };
}

// The same selection in plain code, as the oracle for the SQL result.
function selected(d: ReturnType<typeof device>): boolean {
  const recent = d.lastSeenHoursAgo != null && d.lastSeenHoursAgo < 24;
  return (
    d.site === 'north' &&
    d.model === 'gw-200' &&
    versionKey(d.firmware ?? '') < versionKey('2.9.0') &&
    (d.presence === 'online' || recent)
  );
}

describe('filter on 10,000 devices', () => {
  let db: TestDb;
  const devices = Array.from({ length: COUNT }, (_, i) => device(i));

  before(async () => {
    db = openTestDb();
    await db.transaction().execute(async (trx) => {
      for (let start = 0; start < COUNT; start += CHUNK) {
        const chunk = devices.slice(start, start + CHUNK);
        await trx
          .insertInto('devices')
          .values(chunk.map((d) => deviceRow(d, NOW)))
          .execute();
        const tags = chunk.map((d) => ({ device_id: d.id, key: 'site', value: d.site }));
        await trx.insertInto('device_tags').values(tags).execute();
      }
    });
  });

  after(async () => {
    await db.destroy();
  });

  it('counts matching devices in SQL, correctly and quickly', async () => {
    const text = 'tag.site = north and model = gw-200 and firmware < 2.9.0 and (online or last_seen > -24h)';
    const compiled = await compileWithDb(db, text, NOW);
    assert.ok(compiled.ok);
    const started = performance.now();
    const row = await db
      .selectFrom('devices')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(compiled.sql)
      .executeTakeFirstOrThrow();
    const elapsed = performance.now() - started;
    console.log(`filtered count over ${COUNT} devices: ${row.n} matches in ${elapsed.toFixed(1)} ms`);
    const expected = devices.filter(selected).length;
    assert.ok(expected > 0);
    assert.equal(row.n, expected);
    assert.ok(elapsed < 2000, `count took ${elapsed} ms`);
  });
});
