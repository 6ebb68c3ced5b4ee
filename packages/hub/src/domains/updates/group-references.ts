import { RenameTally, sameJson, type GroupReferenceHolder } from '../../platform/group-rename.js';

interface StoredTarget {
  group?: string;
  filter?: string;
  within?: string[];
}

/**
 * Rollouts not yet finished keep their target (group, filter, and the scope of whoever made them);
 * a finished rollout is a record of what ran and keeps the name it ran with.
 */
export const rolloutGroupReferences: GroupReferenceHolder = {
  name: 'rollouts',
  async rename(trx, r) {
    const t = new RenameTally(r);
    const rows = await trx
      .selectFrom('rollouts')
      .select(['id', 'name', 'target_json'])
      .where('finished_at', 'is', null)
      .execute();
    for (const row of rows) {
      const before = JSON.parse(row.target_json) as StoredTarget;
      const after: StoredTarget = t.target(`rollout "${row.name}"`, before);
      if (before.within) after.within = t.paths(before.within)!;
      if (sameJson(before, after)) continue;
      await trx
        .updateTable('rollouts')
        .set({ target_json: JSON.stringify(after) })
        .where('id', '=', row.id)
        .execute();
      t.changed++;
    }
    return t.outcome();
  },
};
