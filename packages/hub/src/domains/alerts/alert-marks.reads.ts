import type { Db } from '../../storage/database.js';

// The alerts domain's read model of the alerts one device fired, for the device timeline.

export interface AlertMark {
  at: string;
  ruleName: string;
  severity: string;
}

export interface AlertMarkReads {
  /** Alerts of one device that fired in [from, to), oldest first, at most `limit`. */
  firedOf(deviceId: string, fromIso: string, toIso: string, limit: number): Promise<AlertMark[]>;
}

export function createAlertMarkReads(db: Db): AlertMarkReads {
  return {
    async firedOf(deviceId, fromIso, toIso, limit) {
      const rows = await db
        .selectFrom('alerts')
        .select(['fired_at', 'rule_name', 'severity'])
        .where('device_id', '=', deviceId)
        .where('fired_at', '>=', fromIso)
        .where('fired_at', '<', toIso)
        .orderBy('fired_at')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ at: r.fired_at, ruleName: r.rule_name, severity: r.severity }));
    },
  };
}
