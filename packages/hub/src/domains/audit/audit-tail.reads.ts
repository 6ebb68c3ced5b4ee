import type { Db } from '../../storage/database.js';
import type { AuditLine } from '@outpost/protocol';

// The audit domain's read model of the log's tail, for live consoles: where the log ends and
// one-line summaries of the records after a point (no details: they may be large).

export type { AuditLine };

export interface AuditTail {
  /** The sequence number of the newest stored record, 0 for an empty log. */
  lastSeq(): Promise<number>;
  /** The first `limit` records after `seq`, in chain order, without details. */
  linesAfter(seq: number, limit: number): Promise<AuditLine[]>;
}

export function createAuditTail(db: Db): AuditTail {
  return {
    async lastSeq() {
      const r = await db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
      return r ? Number(r.seq) : 0;
    },
    async linesAfter(seq, limit) {
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
