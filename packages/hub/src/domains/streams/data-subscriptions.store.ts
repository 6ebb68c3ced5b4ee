import type { DataSubscription } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import type { DataSubscriptionsTable } from './streams.tables.js';

/** A subscription as stored: its public view and the scope it was made in. */
export interface StoredDataSubscription extends DataSubscription {
  /** The scoped creator's groups, which narrow the subscription's devices; null = made unrestricted. */
  within: string[] | null;
}

function toSubscription(r: DataSubscriptionsTable): StoredDataSubscription {
  return {
    id: r.id,
    name: r.name,
    channelId: r.channel_id,
    group: r.group_path,
    filter: r.filter,
    points: JSON.parse(r.points_json) as string[],
    maxBatch: Number(r.max_batch),
    maxDelayMs: Number(r.max_delay_ms),
    maxBacklog: Number(r.max_backlog),
    enabled: Number(r.enabled) === 1,
    createdBy: r.created_by,
    createdAt: r.created_at,
    within: r.within_json ? (JSON.parse(r.within_json) as string[]) : null,
  };
}

export interface DataSubscriptionsStore {
  insert(s: StoredDataSubscription): Promise<void>;
  list(): Promise<StoredDataSubscription[]>;
  get(id: string): Promise<StoredDataSubscription | null>;
  taken(name: string, channelId: string): Promise<'name' | 'channel' | null>;
  remove(id: string): Promise<boolean>;
  /** The number of the subscription's next delivery (1, 2, …), kept across restarts. */
  nextSeq(id: string): Promise<number>;
}

export function createDataSubscriptionsStore(db: Db): DataSubscriptionsStore {
  return {
    async insert(s: StoredDataSubscription) {
      await db
        .insertInto('data_subscriptions')
        .values({
          id: s.id,
          name: s.name,
          channel_id: s.channelId,
          group_path: s.group,
          filter: s.filter,
          within_json: s.within ? JSON.stringify(s.within) : null,
          points_json: JSON.stringify(s.points),
          max_batch: s.maxBatch,
          max_delay_ms: s.maxDelayMs,
          max_backlog: s.maxBacklog,
          enabled: s.enabled ? 1 : 0,
          last_seq: 0,
          created_by: s.createdBy,
          created_at: s.createdAt,
        })
        .execute();
    },
    async list() {
      return (await db.selectFrom('data_subscriptions').selectAll().orderBy('name').execute()).map(toSubscription);
    },
    async get(id: string) {
      const r = await db.selectFrom('data_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toSubscription(r) : null;
    },
    async taken(name: string, channelId: string) {
      const r = await db
        .selectFrom('data_subscriptions')
        .select(['name', 'channel_id'])
        .where((eb) => eb.or([eb('name', '=', name), eb('channel_id', '=', channelId)]))
        .executeTakeFirst();
      return r ? (r.name === name ? 'name' : 'channel') : null;
    },
    async remove(id: string) {
      const r = await db.deleteFrom('data_subscriptions').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    /** The number of the subscription's next delivery (1, 2, …), kept across restarts. */
    async nextSeq(id: string): Promise<number> {
      return db.transaction().execute(async (trx) => {
        await trx
          .updateTable('data_subscriptions')
          .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
          .where('id', '=', id)
          .execute();
        const r = await trx.selectFrom('data_subscriptions').select('last_seq').where('id', '=', id).executeTakeFirst();
        return Number(r?.last_seq ?? 0);
      });
    },
  };
}
