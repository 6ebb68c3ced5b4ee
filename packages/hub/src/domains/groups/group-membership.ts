import { sql, type Kysely, type RawBuilder, type SqlBool, type Transaction } from 'kysely';
import type { Database } from '../../storage/schema.js';

// The groups domain's read model of static membership, for the device inventory: the SQL the
// device filter language embeds to ask "is this device in group X", the paths of the groups each
// device belongs to, and the write enrollment makes inside the transaction that creates a device.
// The conditions stay SQL so that a device list filtered by group remains one query.

type Executor = Kysely<Database> | Transaction<Database>;

const FALSE = sql<SqlBool>`1 = 0`;

/** LIKE wildcards escaped, so the path matches literally under `ESCAPE '\\'`. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function atOrBelow(column: RawBuilder<unknown>, path: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${column} = ${path} OR ${column} LIKE ${`${escapeLike(path)}/%`} ESCAPE '\\')`;
}

/**
 * A condition on the groups table selecting every group at or below the given paths, which is
 * what the filter compiler's group map must hold for them.
 */
export function groupPathCondition(paths: readonly string[]): RawBuilder<SqlBool> {
  if (paths.length === 0) return FALSE;
  const each = paths.map((p) => atOrBelow(sql.ref('groups.path'), p));
  return each.length === 1 ? each[0] : sql<SqlBool>`(${sql.join(each, sql` OR `)})`;
}

/** A condition on `devices`: the device is a member of a static group at or below `path`, matched in SQL. */
export function staticMembership(path: string): RawBuilder<SqlBool> {
  // Quoted names: GROUPS is a keyword in some SQL dialects.
  const from = sql`${sql.table('group_members')} gm JOIN ${sql.table('groups')} g ON g.id = gm.group_id`;
  return sql<SqlBool>`EXISTS (SELECT 1 FROM ${from} WHERE gm.device_id = devices.id AND ${atOrBelow(sql.ref('g.path'), path)})`;
}

/** The static groups each device is a direct member of (paths, sorted), in batches of 500 devices. */
export async function memberPathsOf(db: Executor, deviceIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < deviceIds.length; i += 500) {
    const rows = await db
      .selectFrom('group_members')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .select(['group_members.device_id', 'groups.path'])
      .where('group_members.device_id', 'in', deviceIds.slice(i, i + 500))
      .orderBy('groups.path')
      .execute();
    for (const r of rows) (out.get(r.device_id) ?? out.set(r.device_id, []).get(r.device_id)!).push(r.path);
  }
  return out;
}

/** Puts a new device into a static group, inside the transaction that creates the device. */
export async function addNewDeviceTo(trx: Executor, groupId: string, deviceId: string): Promise<void> {
  await trx.insertInto('group_members').values({ group_id: groupId, device_id: deviceId }).execute();
}

/** Scalar subquery: the first (by path) static group the device in column `idColumn` is a direct member of. */
export function firstGroupPathOf(idColumn: string): RawBuilder<string | null> {
  const from = sql`${sql.table('group_members')} gm JOIN ${sql.table('groups')} g ON g.id = gm.group_id`;
  return sql<string | null>`(SELECT MIN(g.path) FROM ${from} WHERE gm.device_id = ${sql.ref(idColumn)})`;
}
