import { sql } from 'kysely';
import type { RequestWindowStore } from '../../platform/throttle.js';
import type { Db } from '../../storage/database.js';

/**
 * Request windows in the database, shared by every replica: one upsert a request counts it and
 * starts a new window when the caller's last one has ended (the SET expressions read the row as
 * it was, so both columns decide on the same old window), and returns the count.
 */
export function createDbRequestWindows(db: Db): RequestWindowStore {
  return {
    async hit(key, nowMs, windowMs) {
      const ended = sql<boolean>`api_request_windows.started_ms <= ${nowMs - windowMs}`;
      const r = await db
        .insertInto('api_request_windows')
        .values({ key, started_ms: nowMs, hits: 1 })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            hits: sql<number>`CASE WHEN ${ended} THEN 1 ELSE api_request_windows.hits + 1 END`,
            started_ms: sql<number>`CASE WHEN ${ended} THEN ${nowMs} ELSE api_request_windows.started_ms END`,
          }),
        )
        .returning(['hits', 'started_ms'])
        .executeTakeFirstOrThrow();
      return { hits: Number(r.hits), startedMs: Number(r.started_ms) };
    },
    async forgetEndedBefore(beforeMs, windowMs) {
      const r = await db
        .deleteFrom('api_request_windows')
        .where('started_ms', '<', beforeMs - windowMs)
        .executeTakeFirst();
      return Number(r.numDeletedRows ?? 0);
    },
  };
}
