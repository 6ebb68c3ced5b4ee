import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { GroupRename } from '../../platform/group-rename.js';
import { openTestDatabase, type TestDatabase } from '../../storage/test-database.js';
import { createCellularHistoryStore } from './cellular-history.store.js';
import { cellularGroupPlanReferences } from './group-references.js';

function rename(from: string, to: string): GroupRename {
  return {
    from,
    to,
    path: (p) => (p === from ? to : p.startsWith(`${from}/`) ? to + p.slice(from.length) : null),
    filter: () => ({ kind: 'unchanged' }),
  };
}

describe('cellular group plans under a group rename', () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await openTestDatabase();
  });
  afterEach(() => t.close());

  it('moves the plans of the group and its subgroups, and leaves a group that only shares the prefix', async () => {
    const store = createCellularHistoryStore(t.db);
    for (const group of ['north', 'north/pumps', 'northwest'])
      await store.setGroupPlan({ group, limitBytes: 1000, cycleStartDay: 1 }, '2026-12-01T00:00:00Z');
    const out = await t.db
      .transaction()
      .execute((trx) => cellularGroupPlanReferences.rename(trx, rename('north', 'east')));
    assert.deepEqual(out, { changed: 2, refused: [] });
    assert.deepEqual(
      (await store.groupPlans()).map((p) => p.group),
      ['east', 'east/pumps', 'northwest'],
    );
  });

  it('refuses, naming it, a move onto a path that already holds a plan', async () => {
    const store = createCellularHistoryStore(t.db);
    await store.setGroupPlan({ group: 'north', limitBytes: 1000, cycleStartDay: 1 }, '2026-12-01T00:00:00Z');
    await store.setGroupPlan({ group: 'east', limitBytes: 2000, cycleStartDay: 2 }, '2026-12-01T00:00:00Z');
    const out = await t.db
      .transaction()
      .execute((trx) => cellularGroupPlanReferences.rename(trx, rename('north', 'east')));
    assert.equal(out.changed, 0);
    assert.deepEqual(out.refused, ['cellular group plan of "north": a plan is already set on "east"']);
  });
});
