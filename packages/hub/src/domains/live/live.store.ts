import type { Db } from '../../storage/database.js';
import type { DeviceWhere } from '../devices/index.js';

export interface PresenceCounts {
  online: number;
  offline: number;
  never_seen: number;
  total: number;
}

export interface AuditLine {
  seq: number;
  ts: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
}

export type LiveStore = ReturnType<typeof createLiveStore>;

/** Read-only aggregates over tables other domains own; small answers, indexed or cached by the service. */
export function createLiveStore(db: Db) {
  return {
    /** Devices per presence, the same sets the filters `online`, `offline` and `never_seen` choose. */
    async presenceCounts(where: DeviceWhere | null = null): Promise<PresenceCounts> {
      let q = db.selectFrom('devices').select(['presence', (e) => e.fn.countAll().as('n')]);
      if (where) q = q.where(where);
      const rows = await q.groupBy('presence').execute();
      const out: PresenceCounts = { online: 0, offline: 0, never_seen: 0, total: 0 };
      for (const r of rows) {
        const n = Number(r.n);
        if (r.presence === 'online' || r.presence === 'offline' || r.presence === 'never_seen') out[r.presence] = n;
        out.total += n;
      }
      return out;
    },

    /** Devices per reported firmware version, largest first; devices that never said hello count as null. */
    async firmware(
      limit: number,
      where: DeviceWhere | null = null,
    ): Promise<Array<{ version: string | null; devices: number }>> {
      let q = db.selectFrom('devices').select(['firmware', (e) => e.fn.countAll().as('n')]);
      if (where) q = q.where(where);
      const rows = await q.groupBy('firmware').orderBy('n', 'desc').orderBy('firmware').limit(limit).execute();
      return rows.map((r) => ({ version: r.firmware, devices: Number(r.n) }));
    },

    /** Presence transitions since `sinceIso`, per hour (ISO text up to the hour: `2025-01-31T14`). */
    async transitionsPerHour(sinceIso: string): Promise<Array<{ hour: string; state: string; n: number }>> {
      const rows = await db
        .selectFrom('presence_changes')
        .select((e) => [
          e.fn<string>('substr', ['at', e.val(1), e.val(13)]).as('hour'),
          'state',
          e.fn.countAll().as('n'),
        ])
        .where('at', '>=', sinceIso)
        .groupBy(['hour', 'state'])
        .execute();
      return rows.map((r) => ({ hour: r.hour, state: r.state, n: Number(r.n) }));
    },

    async lastAuditSeq(): Promise<number> {
      const r = await db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
      return r ? Number(r.seq) : 0;
    },

    /** The first `limit` audit records after `seq`, without details (the stream carries summaries only). */
    async auditAfter(seq: number, limit: number): Promise<AuditLine[]> {
      const rows = await db
        .selectFrom('audit_log')
        .select(['seq', 'ts', 'actor', 'action', 'target', 'outcome'])
        .where('seq', '>', seq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
    },
  };
}
