import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VERSION_ORDER_EXAMPLES } from '@outpost/protocol';
import { deviceRow, matchingIds, openTestDb } from './filter-db.fixture.js';

const now = new Date('2026-06-01T00:00:00.000Z');

describe('device filters order firmware by the one version ordering', () => {
  it('firmware < X and firmware >= X split the example table where X stands', async () => {
    const db = openTestDb();
    const rows = VERSION_ORDER_EXAMPLES;
    const id = (i: number) => `d${String(i).padStart(2, '0')}`;
    await db
      .insertInto('devices')
      .values(rows.map((r, i) => deviceRow({ id: id(i), firmware: r[0] }, now)))
      .execute();
    for (let i = 0; i < rows.length; i++) {
      for (const spelling of rows[i]) {
        const older = rows.slice(0, i).map((_, k) => id(k));
        const rest = rows.slice(i).map((_, k) => id(i + k));
        assert.deepEqual(await matchingIds(db, `firmware < "${spelling}"`, now), older, `firmware < "${spelling}"`);
        assert.deepEqual(await matchingIds(db, `firmware >= "${spelling}"`, now), rest, `firmware >= "${spelling}"`);
      }
    }
    await db.destroy();
  });
});
