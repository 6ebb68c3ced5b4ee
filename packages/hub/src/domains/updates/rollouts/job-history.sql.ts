import { sql, type SqlBool } from 'kysely';
import type { Db } from '../../../storage/database.js';
import { dialectOf, jsonTextValues } from '../../../storage/sql-dialect.js';
import type { RolloutJobEventsTable } from '../updates.tables.js';

/** `id IN (...)` over any number of job ids, bound as one parameter (one statement text, prepared once). */
export const jobIdIn = (db: Db, ids: readonly string[]) => sql<SqlBool>`id IN (${jsonTextValues(db, ids)})`;

/**
 * Appends history lines in one statement with one parameter (a JSON array of rows), whatever their
 * number: no statement per 500 lines, and no query tree of seven values per line to build.
 */
export async function appendHistory(db: Db, lines: readonly RolloutJobEventsTable[]): Promise<void> {
  if (lines.length === 0) return;
  const rows = JSON.stringify(lines.map((l) => [l.job_id, l.seq, l.at, l.state, l.attempt, l.reason, l.detail]));
  if (dialectOf(db) === 'postgres')
    await sql`INSERT INTO rollout_job_events (job_id, seq, "at", state, attempt, reason, detail)
      SELECT e->>0, CAST(e->>1 AS bigint), e->>2, e->>3, CAST(e->>4 AS integer), e->>5, e->>6
      FROM json_array_elements(CAST(${rows} AS json)) AS e`.execute(db);
  else
    await sql`INSERT INTO rollout_job_events (job_id, seq, "at", state, attempt, reason, detail)
      SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6
      FROM json_each(${rows})`.execute(db);
}
