import type { Db } from '../../storage/database.js';

/** The queries rule types need beyond the device rows: one grouped read per rule and evaluation. */
export interface AlertDataStore {
  /** Per device, how many times it went offline since `sinceIso`. */
  offlineTransitionsSince(sinceIso: string): Promise<Map<string, number>>;
  /** Per device and event type, events of the given types (`x.*` for a family) since `sinceIso`. */
  eventCountsSince(types: string[], sinceIso: string): Promise<Map<string, Record<string, number>>>;
  /** Per device, the configuration sources (templates, `@device`) in the given compliance states. */
  complianceIn(states: string[]): Promise<Map<string, Array<{ source: string; state: string; since: string }>>>;
  /** Per device, rollout jobs that ended failed or rolled back since `sinceIso`. */
  failedJobsSince(
    sinceIso: string,
  ): Promise<Map<string, Array<{ rolloutId: string; state: string; reason: string | null; at: string }>>>;
}

export function createAlertDataStore(db: Db): AlertDataStore {
  return {
    async offlineTransitionsSince(sinceIso) {
      const rows = await db
        .selectFrom('presence_changes')
        .select(['device_id', (e) => e.fn.countAll().as('n')])
        .where('state', '=', 'offline')
        .where('at', '>=', sinceIso)
        .groupBy('device_id')
        .execute();
      return new Map(rows.map((r) => [r.device_id, Number(r.n)]));
    },
    async eventCountsSince(types, sinceIso) {
      const exact = types.filter((t) => !t.endsWith('.*'));
      // A family `guard.*` is the range ['guard.', 'guard/'): '/' sorts right after '.'.
      const families = types.filter((t) => t.endsWith('.*')).map((t) => t.slice(0, -2));
      const rows = await db
        .selectFrom('device_events')
        .select(['device_id', 'type', (e) => e.fn.countAll().as('n')])
        .where('ts', '>=', sinceIso)
        .where((eb) =>
          eb.or([
            ...(exact.length ? [eb('type', 'in', exact)] : []),
            ...families.map((f) => eb.and([eb('type', '>=', `${f}.`), eb('type', '<', `${f}/`)])),
          ]),
        )
        .groupBy(['device_id', 'type'])
        .execute();
      const out = new Map<string, Record<string, number>>();
      for (const r of rows) (out.get(r.device_id) ?? out.set(r.device_id, {}).get(r.device_id)!)[r.type] = Number(r.n);
      return out;
    },
    // The two below read the configs and updates domains' tables: the rule types for drift and
    // rollout failures watch what those domains record.
    async complianceIn(states) {
      const rows = await db
        .selectFrom('config_compliance')
        .select(['device_id', 'template_id', 'state', 'since'])
        .where('state', 'in', states)
        .orderBy('since')
        .execute();
      return groupBy(
        rows,
        (r) => r.device_id,
        (r) => ({ source: r.template_id, state: r.state, since: r.since }),
      );
    },
    async failedJobsSince(sinceIso) {
      const rows = await db
        .selectFrom('rollout_jobs')
        .select(['device_id', 'rollout_id', 'state', 'reason', 'updated_at'])
        .where('state', 'in', ['failed', 'rolled_back'])
        .where('updated_at', '>=', sinceIso)
        .orderBy('updated_at')
        .execute();
      return groupBy(
        rows,
        (r) => r.device_id,
        (r) => ({ rolloutId: r.rollout_id, state: r.state, reason: r.reason, at: r.updated_at }),
      );
    },
  };
}

function groupBy<R, V>(rows: R[], key: (r: R) => string, value: (r: R) => V): Map<string, V[]> {
  const out = new Map<string, V[]>();
  for (const r of rows) (out.get(key(r)) ?? out.set(key(r), []).get(key(r))!).push(value(r));
  return out;
}
