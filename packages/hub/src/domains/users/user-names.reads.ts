import { sql } from 'kysely';

// The users domain's read model of who owns what by name, for other domains' lists: a scalar
// subquery they embed, so a list that shows owners stays one query.

/** Scalar subquery: the username of the user whose id is in column `idColumn` of the outer query (null if none). */
export function usernameOf(idColumn: string) {
  return sql<string | null>`(SELECT u.username FROM ${sql.table('users')} u WHERE u.id = ${sql.ref(idColumn)})`;
}
