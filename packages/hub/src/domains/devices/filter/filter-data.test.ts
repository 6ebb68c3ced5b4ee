import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deviceRow, matchingIds, openTestDb, type DataLatestRow } from './filter-db.fixture.js';
import { parseFilter } from './filter-parser.js';

const NOW = new Date('2026-12-01T00:00:00Z');

async function fleet() {
  const db = openTestDb();
  await db
    .insertInto('devices')
    .values(['a', 'b', 'c', 'd'].map((id) => deviceRow({ id, presence: id === 'a' ? 'online' : 'offline' }, NOW)))
    .execute();
  const row = (device_id: string, point: string, r: Partial<DataLatestRow>): DataLatestRow => ({
    device_id,
    point,
    kind: 'number',
    num: null,
    text: null,
    quality: 'good',
    ts: NOW.getTime(),
    ...r,
  });
  await db
    .insertInto('device_data_latest')
    .values([
      row('a', 'tank_level', { num: 12.5 }),
      row('a', 'pump1.run', { kind: 'boolean', num: 1 }),
      row('a', 'mode', { kind: 'string', text: 'auto' }),
      row('b', 'tank_level', { num: 80 }),
      row('b', 'pump1.run', { kind: 'boolean', num: 0 }),
      // A reading that failed: bad quality, no value.
      row('c', 'tank_level', { kind: 'null', quality: 'bad' }),
      row('c', 'mode', { kind: 'string', text: 'manual', quality: 'uncertain' }),
    ])
    .execute();
  return db;
}

describe('data.* filter fields', () => {
  it('select by a point latest value, boolean state, text and quality; d never reported data', async () => {
    const db = await fleet();
    const cases: Array<[string, string[]]> = [
      ['data.tank_level < 20', ['a']],
      ['data.tank_level >= 20', ['b']],
      ['data.tank_level = 80', ['b']],
      ['data.pump1.run = true', ['a']],
      ['data.pump1.run = false', ['b']],
      ['data.pump1.run > 0', ['a']],
      ['data.mode = "auto"', ['a']],
      ['data.mode in (auto, manual)', ['a', 'c']],
      ['data.tank_level.quality = "bad"', ['c']],
      ['data.mode.quality in (good, uncertain)', ['a', 'c']],
      ['data.tank_level exists', ['a', 'b']],
      ['data.tank_level != 80', ['a', 'c', 'd']],
      ['data.tank_level < 20 and online', ['a']],
      ['not data.pump1.run = true', ['b', 'c', 'd']],
    ];
    for (const [text, ids] of cases) assert.deepEqual(await matchingIds(db, text, NOW), ids, text);
  });

  it('refuses invalid point names, text where a number belongs, unknown qualities and ~', () => {
    const bad: Array<[string, string, string]> = [
      ['data.Tank! = 1', 'filter_syntax', ''],
      ['data.1x < 3', 'filter_syntax', 'invalid data point "1x" at position 5'],
      [
        'data.tank_level < full',
        'filter_syntax',
        '"<" compares numbers, versions and times; data.tank_level needs a number',
      ],
      ['data.tank_level.quality = "awful"', 'filter_syntax', 'a quality is one of good, uncertain, bad, not "awful"'],
      ['data.tank_level.quality < 2', 'filter_syntax', 'data.tank_level.quality supports only'],
      ['data.mode ~ au', 'filter_syntax', 'data.mode supports only'],
    ];
    for (const [text, code, start] of bad) {
      const r = parseFilter(text);
      assert.equal(r.ok, false, text);
      if (!r.ok) assert.ok(r.error.code === code && r.error.message.startsWith(start), `${text}: ${r.error.message}`);
    }
  });
});
