import type { Db } from '../../../storage/database.js';
import { deviceIdsWhere, type DeviceWhere } from '../../devices/index.js';

// The configs domain's read model of compliance for other domains: which configuration sources
// (templates, `@device`) are in which state on each device. The drift alert kind watches it.

export interface ComplianceReads {
  /** Per device, the configuration sources in the given compliance states, oldest first. */
  sourcesIn(states: string[]): Promise<Map<string, Array<{ source: string; state: string; since: string }>>>;
  /** Configuration sources on the selected devices per compliance state (one per device and source). */
  stateCounts(where: DeviceWhere | null): Promise<Record<string, number>>;
}

export function createComplianceReads(db: Db): ComplianceReads {
  return {
    async sourcesIn(states) {
      const rows = await db
        .selectFrom('config_compliance')
        .select(['device_id', 'template_id', 'state', 'since'])
        .where('state', 'in', states)
        .orderBy('since')
        .execute();
      const out = new Map<string, Array<{ source: string; state: string; since: string }>>();
      for (const r of rows)
        (out.get(r.device_id) ?? out.set(r.device_id, []).get(r.device_id)!).push({
          source: r.template_id,
          state: r.state,
          since: r.since,
        });
      return out;
    },
    async stateCounts(where) {
      let q = db.selectFrom('config_compliance').select(['state', (e) => e.fn.countAll().as('n')]);
      if (where) q = q.where('device_id', 'in', deviceIdsWhere(where));
      const rows = await q.groupBy('state').execute();
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    },
  };
}
