import type { Group } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import type { GroupReferenceHolder, GroupRename, GroupRenameOutcome } from '../../platform/group-rename.js';
import type { GroupsTable } from './groups.tables.js';
import { groupPathCondition, memberPathsOf } from './group-membership.js';

export interface GroupsStore {
  insert(g: Group): Promise<void>;
  byPath(path: string): Promise<Group | null>;
  byPaths(paths: string[]): Promise<Group[]>;
  list(): Promise<Group[]>;
  update(id: string, patch: { filter?: string; description?: string }): Promise<void>;
  remove(id: string): Promise<void>;
  addMembers(groupId: string, deviceIds: string[]): Promise<number>;
  removeMembers(groupId: string, deviceIds: string[]): Promise<number>;
  memberCounts(): Promise<Map<string, number>>;
  /** The static groups each device is a direct member of (paths, sorted). */
  pathsOf(deviceIds: string[]): Promise<Map<string, string[]>>;
  /** Groups at `path` or below it. */
  atOrBelow(path: string): Promise<Group[]>;
  /**
   * Runs every holder's rewrite in one transaction; when any holder refused a reference, `commit`
   * answers false and the whole rename rolls back.
   */
  renameIn(
    holders: readonly GroupReferenceHolder[],
    r: GroupRename,
    commit: (outcomes: Map<string, GroupRenameOutcome>) => boolean,
  ): Promise<Map<string, GroupRenameOutcome>>;
}

/** Thrown inside the rename's transaction to roll it back. */
class RenameRolledBack extends Error {}

const toGroup = (r: GroupsTable): Group => ({
  id: r.id,
  kind: r.kind as Group['kind'],
  path: r.path,
  filter: r.filter,
  description: r.description,
  createdAt: r.created_at,
});

export function createGroupsStore(db: Db): GroupsStore {
  return {
    async insert(g) {
      await db
        .insertInto('groups')
        .values({
          id: g.id,
          kind: g.kind,
          path: g.path,
          filter: g.filter,
          description: g.description,
          created_at: g.createdAt,
        })
        .execute();
    },
    async byPath(path) {
      const r = await db.selectFrom('groups').selectAll().where('path', '=', path).executeTakeFirst();
      return r ? toGroup(r) : null;
    },
    async byPaths(paths) {
      if (paths.length === 0) return [];
      return (await db.selectFrom('groups').selectAll().where('path', 'in', paths).execute()).map(toGroup);
    },
    async list() {
      return (await db.selectFrom('groups').selectAll().orderBy('path').execute()).map(toGroup);
    },
    async update(id, patch) {
      await db.updateTable('groups').set(patch).where('id', '=', id).execute();
    },
    async remove(id) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('group_members').where('group_id', '=', id).execute();
        await trx.deleteFrom('groups').where('id', '=', id).execute();
      });
    },
    async addMembers(groupId, deviceIds) {
      if (deviceIds.length === 0) return 0;
      let added = 0;
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < deviceIds.length; i += 500) {
          const chunk = deviceIds.slice(i, i + 500).map((device_id) => ({ group_id: groupId, device_id }));
          const r = await trx
            .insertInto('group_members')
            .values(chunk)
            .onConflict((oc) => oc.doNothing())
            .executeTakeFirst();
          added += Number(r.numInsertedOrUpdatedRows ?? 0);
        }
      });
      return added;
    },
    async removeMembers(groupId, deviceIds) {
      if (deviceIds.length === 0) return 0;
      const [r] = await db
        .deleteFrom('group_members')
        .where('group_id', '=', groupId)
        .where('device_id', 'in', deviceIds)
        .execute();
      return Number(r?.numDeletedRows ?? 0);
    },
    async memberCounts() {
      const rows = await db
        .selectFrom('group_members')
        .select(['group_id', (e) => e.fn.countAll().as('n')])
        .groupBy('group_id')
        .execute();
      return new Map(rows.map((r) => [r.group_id, Number(r.n)]));
    },
    pathsOf: (deviceIds) => memberPathsOf(db, deviceIds),
    async atOrBelow(path) {
      const rows = await db
        .selectFrom('groups')
        .selectAll()
        .where(groupPathCondition([path]))
        .orderBy('path')
        .execute();
      return rows.map(toGroup);
    },
    async renameIn(holders, r, commit) {
      const outcomes = new Map<string, GroupRenameOutcome>();
      try {
        await db.transaction().execute(async (trx) => {
          for (const h of holders) outcomes.set(h.name, await h.rename(trx, r));
          if (!commit(outcomes)) throw new RenameRolledBack();
        });
      } catch (e) {
        if (!(e instanceof RenameRolledBack)) throw e;
      }
      return outcomes;
    },
  };
}
