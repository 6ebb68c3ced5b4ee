import type { Db } from '../../storage/database.js';

/** The queries rule types need beyond the device rows: one grouped read per rule and evaluation. */
export interface AlertDataStore {
  /** Per device, how many times it went offline since `sinceIso`. */
  offlineTransitionsSince(sinceIso: string): Promise<Map<string, number>>;
  /** Per device and event type, events of the given types (`x.*` for a family) since `sinceIso`. */
  eventCountsSince(types: string[], sinceIso: string): Promise<Map<string, Record<string, number>>>;
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
  };
}
