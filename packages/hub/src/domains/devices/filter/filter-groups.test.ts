import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compileFilter, compileFilterText } from './filter-compiler.js';
import { compileWithDb, groupLoader, openTestDb, type TestDb } from './filter-db.fixture.js';
import { NOW, seedFleet } from './filter-fleet.fixture.js';
import { collectGroups, groupPathsIn, MAX_GROUP_NESTING } from './filter-groups.js';
import { parseFilter } from './filter-parser.js';
import type { FilterAst, FilterError, FilterGroup } from './filter.types.js';

function parsed(text: string): FilterAst {
  const r = parseFilter(text);
  assert.ok(r.ok, text);
  return r.ast;
}

describe('groupPathsIn', () => {
  it('lists each referenced path once, in order of mention, including negations and lists', () => {
    const ast = parsed('group = b or not group != a and group in (c, b, "d/e") and tag.group = x');
    assert.deepEqual(groupPathsIn(ast), ['b', 'a', 'c', 'd/e']);
  });

  it('is empty for filters without groups', () => {
    assert.deepEqual(groupPathsIn(parsed('online and model = x')), []);
  });
});

describe('group resolution with the database', () => {
  let db: TestDb;

  before(async () => {
    db = openTestDb();
    await seedFleet(db);
  });

  after(async () => {
    await db.destroy();
  });

  async function failure(text: string): Promise<FilterError> {
    const r = await compileWithDb(db, text, NOW);
    if (r.ok) assert.fail(`expected "${text}" to fail`);
    return r.error;
  }

  it('collects groups below referenced paths and follows dynamic filters', async () => {
    const groups = await collectGroups(parsed('group = "fleet/prod-online" or group = north'), groupLoader(db));
    assert.deepEqual([...groups.keys()].sort(), [
      'fleet/prod',
      'fleet/prod-online',
      'north',
      'north/plcs',
      'north/substation-7',
      'north/substation-7/bay-2',
    ]);
    assert.deepEqual(groups.get('north/plcs'), {
      id: 'g-north/plcs',
      kind: 'dynamic',
      filter: 'model = "plc-10" and tag.site = north',
    });
  });

  it('reports an unknown group with its position', async () => {
    const e = await failure('online and group = nowhere');
    assert.deepEqual(e, {
      code: 'filter_unknown_group',
      message: 'unknown group "nowhere" at position 19',
      position: 19,
      length: 7,
    });
  });

  it('does not treat a LIKE wildcard in a path as matching other groups', async () => {
    const e = await failure('group = "a%"');
    assert.equal(e.code, 'filter_unknown_group');
  });

  it('reports a cycle between dynamic groups at the outer reference', async () => {
    const e = await failure('online or group = "loop/a"');
    assert.equal(e.code, 'filter_group_cycle');
    assert.equal(e.position, 18);
    assert.match(e.message, /group "loop\/a" refers back to itself \(loop\/a -> loop\/b -> loop\/a\)/);
  });

  it('reports a dynamic group whose stored filter is invalid', async () => {
    const e = await failure('group = broken');
    assert.equal(e.code, 'filter_group_invalid');
    assert.equal(e.position, 8);
    assert.match(e.message, /dynamic group "broken" has an invalid filter \(expected a value after "="/);
  });

  it('reports an unknown group named inside a dynamic group at the outer reference', async () => {
    const e = await failure('group = dangling');
    assert.equal(e.code, 'filter_unknown_group');
    assert.equal(e.position, 8);
    assert.match(e.message, /unknown group "nowhere" in the filter of group "dangling" \(referenced at position 8\)/);
  });
});

describe('group resolution without a database', () => {
  const now = NOW;

  it('needs a group at or below a referenced path', () => {
    const groups = new Map<string, FilterGroup>([['north/x', { id: '1', kind: 'static', filter: null }]]);
    assert.ok(compileFilterText('group = north', { groups, now }).ok);
    const r = compileFilterText('group = nort', { groups, now });
    assert.ok(!r.ok && r.error.code === 'filter_unknown_group');
  });

  it('stops chains of dynamic groups deeper than the nesting limit', () => {
    const chain = (length: number): Map<string, FilterGroup> =>
      new Map(
        Array.from({ length }, (_, i) => [
          `g${i}`,
          { id: `${i}`, kind: 'dynamic', filter: i + 1 < length ? `group = g${i + 1}` : 'online' },
        ]),
      );
    assert.ok(compileFilterText('group = g0', { groups: chain(MAX_GROUP_NESTING), now }).ok);
    const r = compileFilterText('group = g0', { groups: chain(MAX_GROUP_NESTING + 2), now });
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'filter_group_invalid');
    assert.match(r.error.message, /nest deeper than 8 levels/);
  });

  it('caps the total number of inlined dynamic filters', () => {
    // Each level names the next one four times: 4^5 expansions without a cap.
    const groups = new Map<string, FilterGroup>(
      Array.from({ length: 6 }, (_, i) => {
        const next = `l${i + 1}`;
        const filter = i < 5 ? `group in (${next}, ${next}) or group = ${next} or group = ${next}` : 'online';
        return [`l${i}`, { id: `${i}`, kind: 'dynamic', filter }];
      }),
    );
    const r = compileFilterText('group = l0', { groups, now });
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'filter_group_invalid');
    assert.match(r.error.message, /more than 256 dynamic group filters/);
  });

  it('returns an error instead of throwing for a hand-built invalid tree', () => {
    const ast: FilterAst = {
      kind: 'compare',
      field: { name: 'name' },
      op: '<',
      value: { type: 'text', text: 'abc', position: 7, length: 3 },
    };
    const r = compileFilter(ast, { groups: new Map(), now });
    assert.ok(!r.ok && r.error.code === 'filter_syntax');
  });
});
