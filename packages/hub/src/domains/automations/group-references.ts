import { RenameTally, sameJson, type GroupReferenceHolder } from '../../platform/group-rename.js';
import type { AutomationSpec } from './automation-spec.js';

type Loose = Record<string, unknown> & { group?: string; filter?: string; watch?: string };

function moveSpec(t: RenameTally, what: string, spec: AutomationSpec): AutomationSpec {
  const trigger = { ...(spec.trigger as Loose) };
  if (typeof trigger.group === 'string') trigger.group = t.path(trigger.group);
  if (typeof trigger.watch === 'string') trigger.watch = t.filter(`${what} (trigger)`, trigger.watch);
  const target = t.target(what, spec.target as Loose);
  return { ...spec, trigger: trigger as AutomationSpec['trigger'], target: target as AutomationSpec['target'] };
}

/**
 * Automations (trigger group, watched filter, target, the scope of whoever made them) and schedules
 * keep acting on the same devices. The current version's record moves with the automation, since
 * runs read their spec from it; earlier versions are records and keep the old name.
 */
export const automationGroupReferences: GroupReferenceHolder = {
  name: 'automations and schedules',
  async rename(trx, r) {
    const t = new RenameTally(r);
    const rows = await trx
      .selectFrom('automations')
      .select(['id', 'name', 'version', 'spec_json', 'within_json'])
      .execute();
    for (const row of rows) {
      const spec = JSON.parse(row.spec_json) as AutomationSpec;
      const next = moveSpec(t, `automation "${row.name}"`, spec);
      const within = row.within_json ? (JSON.parse(row.within_json) as string[]) : null;
      const movedWithin = t.paths(within) ?? null;
      if (sameJson(spec, next) && sameJson(within, movedWithin)) continue;
      const spec_json = JSON.stringify(next);
      const within_json = movedWithin ? JSON.stringify(movedWithin) : null;
      await trx.updateTable('automations').set({ spec_json, within_json }).where('id', '=', row.id).execute();
      await trx
        .updateTable('automation_versions')
        .set({ spec_json })
        .where('automation_id', '=', row.id)
        .where('version', '=', row.version)
        .execute();
      t.changed++;
    }
    const schedules = await trx.selectFrom('schedules').select(['id', 'name', 'spec_json']).execute();
    for (const row of schedules) {
      const spec = JSON.parse(row.spec_json) as Loose;
      const next = t.target(`schedule "${row.name}"`, spec);
      if (sameJson(spec, next)) continue;
      await trx
        .updateTable('schedules')
        .set({ spec_json: JSON.stringify(next) })
        .where('id', '=', row.id)
        .execute();
      t.changed++;
    }
    return t.outcome();
  },
};
