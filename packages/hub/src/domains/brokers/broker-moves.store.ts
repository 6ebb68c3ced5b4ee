import type { Db } from '../../storage/database.js';
import type { BrokerMovesTable } from './brokers.tables.js';

export type BrokerMoveRow = BrokerMovesTable;

export interface BrokerMovesStore {
  get(deviceId: string): Promise<BrokerMoveRow | null>;
  /** Writes a new move over the device's last one, keeping its home; false when another move is under way. */
  start(row: Omit<BrokerMoveRow, 'home_url'>): Promise<boolean>;
  /** Ends a move that is still `moving`; a move that ended already is left alone. */
  finish(
    deviceId: string,
    moveId: string,
    end: { state: 'moved' | 'failed'; reason: string | null; at: string },
  ): Promise<boolean>;
  moving(limit: number): Promise<BrokerMoveRow[]>;
  /** Devices whose home is not the broker given at enrollment, at most `limit`. */
  homes(limit: number): Promise<Array<{ deviceId: string; url: string }>>;
}

export function createBrokerMovesStore(db: Db): BrokerMovesStore {
  return {
    async get(deviceId) {
      return (
        (await db.selectFrom('broker_moves').selectAll().where('device_id', '=', deviceId).executeTakeFirst()) ?? null
      );
    },
    async start(row) {
      return db.transaction().execute(async (trx) => {
        const was = await trx
          .selectFrom('broker_moves')
          .selectAll()
          .where('device_id', '=', row.device_id)
          .executeTakeFirst();
        if (!was) {
          await trx
            .insertInto('broker_moves')
            .values({ ...row, home_url: null })
            .execute();
          return true;
        }
        if (was.state === 'moving' || was.seq >= row.seq) return false;
        const r = await trx
          .updateTable('broker_moves')
          .set({ ...row })
          .where('device_id', '=', row.device_id)
          .where('seq', '=', was.seq)
          .executeTakeFirst();
        return Number(r.numUpdatedRows) === 1;
      });
    },
    async finish(deviceId, moveId, end) {
      const r = await db
        .updateTable('broker_moves')
        .set((eb) => ({
          state: end.state,
          reason: end.reason,
          finished_at: end.at,
          home_url: end.state === 'moved' ? eb.ref('to_url') : eb.ref('home_url'),
        }))
        .where('device_id', '=', deviceId)
        .where('move_id', '=', moveId)
        .where('state', '=', 'moving')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async moving(limit) {
      return db
        .selectFrom('broker_moves')
        .selectAll()
        .where('state', '=', 'moving')
        .orderBy('deadline')
        .limit(limit)
        .execute();
    },
    async homes(limit) {
      const rows = await db
        .selectFrom('broker_moves')
        .select(['device_id', 'home_url'])
        .where('home_url', 'is not', null)
        .limit(limit)
        .execute();
      return rows.map((r) => ({ deviceId: r.device_id, url: r.home_url! }));
    },
  };
}
