import { RenameTally, sameJson, type GroupReferenceHolder } from '../../platform/group-rename.js';
import type { StoredSpec } from './template-spec.js';

/**
 * Templates keep targeting the same devices (their current spec's target and the scope of whoever
 * saved it); the compliance history and scans of a scope that named the group carry on under the
 * new name, so its trend stays one line. Earlier template versions are records and keep the old name.
 */
export const configGroupReferences: GroupReferenceHolder = {
  name: 'configuration templates',
  async rename(trx, r) {
    const t = new RenameTally(r);
    const rows = await trx.selectFrom('config_templates').select(['id', 'name', 'spec_json']).execute();
    for (const row of rows) {
      const spec = JSON.parse(row.spec_json) as StoredSpec;
      const target = t.target(`template "${row.name}"`, spec.target as { group?: string; filter?: string });
      const next: StoredSpec = { ...spec, target: target as StoredSpec['target'] };
      if (spec.within) next.within = t.paths(spec.within)!;
      if (sameJson(spec, next)) continue;
      await trx
        .updateTable('config_templates')
        .set({ spec_json: JSON.stringify(next) })
        .where('id', '=', row.id)
        .execute();
      t.changed++;
    }
    for (const table of ['config_history', 'config_scans'] as const) {
      const keys = await trx.selectFrom(table).select('scope_key').distinct().where('scope_key', '!=', '').execute();
      for (const { scope_key } of keys) {
        const moved = [...new Set(scope_key.split('\n').map((p) => t.path(p)))].sort().join('\n');
        if (moved !== scope_key)
          await trx.updateTable(table).set({ scope_key: moved }).where('scope_key', '=', scope_key).execute();
      }
    }
    return t.outcome();
  },
};
