import type { DeviceSortField, SavedView } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import { usernameOf } from '../users/index.js';

/** A stored view before it is seen by someone: `mine` depends on who asks. */
export type StoredView = Omit<SavedView, 'mine'> & { ownerId: string };

export interface ViewsStore {
  insert(v: StoredView): Promise<void>;
  byId(id: string): Promise<StoredView | null>;
  byOwnerAndName(ownerId: string, name: string): Promise<StoredView | null>;
  /** The owner's own views and every shared one, by name. */
  visibleTo(ownerId: string): Promise<StoredView[]>;
  countOf(ownerId: string): Promise<number>;
  update(
    id: string,
    v: Pick<StoredView, 'name' | 'shared' | 'filter' | 'sort' | 'order' | 'columns' | 'updatedAt'>,
  ): Promise<void>;
  remove(id: string): Promise<void>;
}

export function createViewsStore(db: Db): ViewsStore {
  const select = () =>
    db
      .selectFrom('saved_views as v')
      .select([
        'v.id',
        'v.owner_id',
        'v.name',
        'v.shared',
        'v.filter',
        'v.sort',
        'v.sort_order',
        'v.columns_json',
        'v.created_at',
        'v.updated_at',
        usernameOf('v.owner_id').as('username'),
      ]);
  type Row = Awaited<ReturnType<ReturnType<typeof select>['executeTakeFirstOrThrow']>>;
  const toView = (r: Row): StoredView => ({
    id: r.id,
    ownerId: r.owner_id,
    owner: r.username ?? '(deleted user)',
    name: r.name,
    shared: r.shared === 1,
    filter: r.filter,
    sort: r.sort as DeviceSortField,
    order: r.sort_order === 'desc' ? 'desc' : 'asc',
    columns: JSON.parse(r.columns_json) as string[],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });
  return {
    async insert(v) {
      await db
        .insertInto('saved_views')
        .values({
          id: v.id,
          owner_id: v.ownerId,
          name: v.name,
          shared: v.shared ? 1 : 0,
          filter: v.filter,
          sort: v.sort,
          sort_order: v.order,
          columns_json: JSON.stringify(v.columns),
          created_at: v.createdAt,
          updated_at: v.updatedAt,
        })
        .execute();
    },
    async byId(id) {
      const r = await select().where('v.id', '=', id).executeTakeFirst();
      return r ? toView(r) : null;
    },
    async byOwnerAndName(ownerId, name) {
      const r = await select().where('v.owner_id', '=', ownerId).where('v.name', '=', name).executeTakeFirst();
      return r ? toView(r) : null;
    },
    async visibleTo(ownerId) {
      const rows = await select()
        .where((eb) => eb.or([eb('v.owner_id', '=', ownerId), eb('v.shared', '=', 1)]))
        .orderBy('v.name')
        .orderBy('v.id')
        .execute();
      return rows.map(toView);
    },
    async countOf(ownerId) {
      const r = await db
        .selectFrom('saved_views')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('owner_id', '=', ownerId)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async update(id, v) {
      await db
        .updateTable('saved_views')
        .set({
          name: v.name,
          shared: v.shared ? 1 : 0,
          filter: v.filter,
          sort: v.sort,
          sort_order: v.order,
          columns_json: JSON.stringify(v.columns),
          updated_at: v.updatedAt,
        })
        .where('id', '=', id)
        .execute();
    },
    async remove(id) {
      await db.deleteFrom('saved_views').where('id', '=', id).execute();
    },
  };
}
