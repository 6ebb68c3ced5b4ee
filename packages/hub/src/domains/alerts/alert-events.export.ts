import type { Db } from '../../storage/database.js';

// Every step of every alert (fired, acknowledged, resolved…) in time order, for exporters that
// follow it with a cursor (the SIEM export). A position is `[at, alertId, n]` as JSON; steps of the
// last `until` cut-off are held back so a transaction that commits late is never passed over.

export interface ExportedAlertEvent {
  position: string;
  alertId: string;
  n: number;
  at: string;
  event: string;
  actor: string;
  ruleName: string;
  ruleType: string;
  deviceId: string;
  severity: string;
  text: string;
}

export interface AlertEventsExport {
  after(position: string | null, until: string, limit: number): Promise<ExportedAlertEvent[]>;
  countAfter(position: string | null, until: string, cap: number): Promise<number>;
  head(until: string): Promise<string | null>;
}

function parsePosition(position: string | null): [string, string, number] | null {
  if (position === null) return null;
  const p = JSON.parse(position) as unknown;
  if (!Array.isArray(p) || p.length !== 3) throw new Error(`not an alert event position: ${position}`);
  return [String(p[0]), String(p[1]), Number(p[2])];
}

export function createAlertEventsExport(db: Db): AlertEventsExport {
  function base(position: string | null, until: string) {
    const p = parsePosition(position);
    let q = db.selectFrom('alert_events as e').where('e.at', '<=', until);
    if (p)
      q = q.where((eb) =>
        eb.or([
          eb('e.at', '>', p[0]),
          eb.and([eb('e.at', '=', p[0]), eb('e.alert_id', '>', p[1])]),
          eb.and([eb('e.at', '=', p[0]), eb('e.alert_id', '=', p[1]), eb('e.n', '>', p[2])]),
        ]),
      );
    return q;
  }
  return {
    async after(position, until, limit) {
      const rows = await base(position, until)
        .innerJoin('alerts as a', 'a.id', 'e.alert_id')
        .select([
          'e.alert_id',
          'e.n',
          'e.at',
          'e.event',
          'e.actor',
          'a.rule_name',
          'a.rule_type',
          'a.device_id',
          'a.severity',
          'a.text',
        ])
        .orderBy('e.at')
        .orderBy('e.alert_id')
        .orderBy('e.n')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        position: JSON.stringify([r.at, r.alert_id, Number(r.n)]),
        alertId: r.alert_id,
        n: Number(r.n),
        at: r.at,
        event: r.event,
        actor: r.actor,
        ruleName: r.rule_name,
        ruleType: r.rule_type,
        deviceId: r.device_id,
        severity: r.severity,
        text: r.text,
      }));
    },
    async countAfter(position, until, cap) {
      return (await base(position, until).select('e.n').limit(cap).execute()).length;
    },
    async head(until) {
      const r = await db
        .selectFrom('alert_events')
        .select(['at', 'alert_id', 'n'])
        .where('at', '<=', until)
        .orderBy('at', 'desc')
        .orderBy('alert_id', 'desc')
        .orderBy('n', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r ? JSON.stringify([r.at, r.alert_id, Number(r.n)]) : null;
    },
  };
}
