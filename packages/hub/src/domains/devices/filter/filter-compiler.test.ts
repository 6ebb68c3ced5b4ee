import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { compileFilterText } from './filter-compiler.js';
import { matchingIds, openTestDb, type TestDb } from './filter-db.fixture.js';
import { ALL_IDS, ids, NOW, seedFleet } from './filter-fleet.fixture.js';

const GW_100 = ['d17', 'd18', 'd19', 'd21', 'd22', 'd23', 'd24', 'd25', 'd26', 'd27', 'd28', 'd29', 'd30'];

// Each filter with the exact set of devices it must select from the seeded fleet.
const CASES: Array<[string, string[]]> = [
  ['tag.site = "north" and model = "gw-200" and firmware < "2.9.0" and online', ['d01']],
  ['firmware >= 2.9.0 and model ~ gw', ['d03', 'd04', 'd09']],
  ['firmware < 2.1.0 and tag.site = north', ['d02', 'd05', 'd06']],
  ['firmware > 0.9.0 and model = sens-1', ['d16']],
  ['firmware in ("2.2.0", "3.0.0")', ['d09', 'd11', 'd12']],
  ['agent_version < 1.9', ['d01']],
  ['model = gw-300 or model = plc-10 and online', ['d05', 'd09']],
  ['(model = gw-300 or model = plc-10) and not online', ['d05', 'd06', 'd10']],
  ['online and not (tag.site = north or tag.site = south)', ['d11', 'd13', 'd14']],
  ['not model = gw-100', [...ids(1, 16), 'd20']],
  ['never_seen and model != gw-100', ['d06', 'd10', 'd20']],
  ['firmware exists and model = plc-10', ['d06']],
  ['not tag.site exists', ids(13, 30)],
  ['tag.env != prod and model = gw-300', ['d05']],
  ['tag.site != north and model ~ gw-2', ['d07', 'd08', 'd11', 'd12']],
  ['tag.floor > 5', ['d04']],
  ['tag.floor <= 3', ['d03']],
  ['tag.floor exists and not tag.floor > 0', ['d15']],
  ['presence in (online, offline) and tag."rack id" = r1', ['d11']],
  ['tag.vendor:line = A', ['d13']],
  ['tag.site in (east, south) and tag.site ~ "EA"', ['d11', 'd12']],
  ['group = north', ids(1, 6)],
  ['group = "north/substation-7"', ['d02', 'd03', 'd04']],
  ['group = a_b', ['d21', 'd22']],
  ['group = "fleet/prod-online"', ['d09']],
  ['group = fleet', ['d08', 'd09']],
  ['group != south and model = gw-200', ['d01', 'd02', 'd03', 'd04', 'd11', 'd12']],
  ['group in (south, "north/substation-7/bay-2")', ['d04', 'd07', 'd08', 'd09']],
  ['name ~ "100%"', ['d13']],
  ['name ~ "r_a"', ['d15']],
  ['name ~ PUMP', ['d13', 'd14']],
  ['last_seen < -24h', ['d02', 'd05', 'd08', 'd12', 'd15', 'd16']],
  ['last_seen > -1h', ['d01', 'd07', 'd09', 'd11']],
  ['last_seen >= 2025-06-01T10:00:00Z', ['d01', 'd03', 'd04', 'd07', 'd09', 'd11']],
  ['cert_expires < +30d and not decommissioned', ['d03', 'd09']],
  ['enrolled_at < 2025-03-01 and model = plc-10', ['d06', 'd10']],
  ['decommissioned', ['d12', 'd30']],
  ['model = gw-100 and not decommissioned', GW_100.filter((id) => id !== 'd30')],
  ['online or offline or never_seen', ALL_IDS],
];

describe('compileFilter against SQLite', () => {
  let db: TestDb;

  before(async () => {
    db = openTestDb();
    await seedFleet(db);
  });

  after(async () => {
    await db.destroy();
  });

  for (const [text, expected] of CASES) {
    it(text, async () => {
      assert.deepEqual(await matchingIds(db, text, NOW), expected);
    });
  }

  it('binds every literal as a parameter', async () => {
    const hostile = `x'); DROP TABLE devices; --`;
    const compiled = compileFilterText(`name = "${hostile}" or tag.site ~ "50%"`, { groups: new Map(), now: NOW });
    assert.ok(compiled.ok);
    const query = db.selectFrom('devices').select('id').where(compiled.sql).compile();
    assert.ok(!query.sql.includes('DROP'), query.sql);
    assert.ok(!query.sql.includes('50'), query.sql);
    assert.deepEqual(query.parameters, [hostile, 'site', '%50\\%%']);
    assert.deepEqual(await db.selectFrom('devices').select('id').where(compiled.sql).execute(), []);
    const count = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM devices`.execute(db);
    assert.equal(count.rows[0].n, 30);
  });

  it('measures relative times from the given clock', async () => {
    const later = new Date(NOW.getTime() + 10 * 86400e3);
    assert.deepEqual(await matchingIds(db, 'cert_expires < +1d', later), ['d03', 'd12']);
  });
});
