import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deviceRow, matchingIds, openTestDb, type CellRow } from './filter-db.fixture.js';
import { parseFilter } from './filter-parser.js';

const NOW = new Date('2026-12-01T00:00:00Z');

async function fleet() {
  const db = openTestDb();
  await db
    .insertInto('devices')
    .values(['a', 'b', 'c', 'd'].map((id) => deviceRow({ id, presence: 'online' }, NOW)))
    .execute();
  const cell = (r: Partial<CellRow> & { device_id: string }): CellRow => ({
    carrier: null,
    iccid: null,
    imei: null,
    rat: null,
    rsrp: null,
    roaming: 0,
    lat: null,
    lon: null,
    ...r,
  });
  await db
    .insertInto('device_cellular')
    .values([
      cell({
        device_id: 'a',
        carrier: 'Telekom.de',
        iccid: '89490200001234567895',
        rat: 'lte',
        rsrp: -112,
        roaming: 1,
      }),
      cell({ device_id: 'b', carrier: 'Verizon', iccid: '89148000005123456781', rat: '5g-nsa', rsrp: -88 }),
      // A modem without a SIM: no carrier, no signal.
      cell({ device_id: 'c' }),
    ])
    .execute();
  return db;
}

describe('cell.* filter fields', () => {
  it('select by carrier, ICCID, technology, signal and roaming; d never reported a modem', async () => {
    const db = await fleet();
    const cases: Array<[string, string[]]> = [
      ['cell.carrier = "Verizon"', ['b']],
      ['cell.carrier ~ telekom', ['a']],
      ['cell.iccid = "89490200001234567895"', ['a']],
      ['cell.rat in (lte, 5g-nsa)', ['a', 'b']],
      ['cell.rsrp < -110', ['a']],
      ['cell.rsrp >= -110', ['b']],
      ['cell.roaming', ['a']],
      ['cell.roaming = false', ['b', 'c']],
      ['not cell.roaming', ['b', 'c', 'd']],
      ['cell.roaming and online', ['a']],
      ['cell.rsrp exists', ['a', 'b']],
      ['cell.carrier != "Verizon"', ['a', 'c', 'd']],
    ];
    for (const [text, ids] of cases) assert.deepEqual(await matchingIds(db, text, NOW), ids, text);
  });

  it('refuses unknown cell fields, text where a number belongs and non-boolean roaming values', () => {
    const bad: Array<[string, string, string]> = [
      ['cell.rssi < -80', 'filter_unknown_field', 'unknown field "cell.rssi" at position 0 (cell fields: '],
      ['cell.rsrp < strong', 'filter_syntax', '"<" compares numbers, versions and times; cell.rsrp needs a number'],
      ['cell.rsrp ~ 1', 'filter_syntax', 'cell.rsrp supports only'],
    ];
    for (const [text, code, start] of bad) {
      const r = parseFilter(text);
      assert.equal(r.ok, false, text);
      if (!r.ok) assert.ok(r.error.code === code && r.error.message.startsWith(start), `${text}: ${r.error.message}`);
    }
  });

  it('refuses a roaming value that is not true or false when compiling', async () => {
    const db = await fleet();
    await assert.rejects(matchingIds(db, 'cell.roaming = maybe', NOW), /cell.roaming is true or false, not "maybe"/);
  });
});
