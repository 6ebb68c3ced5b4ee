import type { CommandRecord } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import type { CommandsTable } from './commands.tables.js';

export interface CommandsStore {
  insertMany(records: Array<CommandRecord & { batchId: string | null }>): Promise<void>;
  get(id: string): Promise<(CommandRecord & { batchId: string | null }) | null>;
  ofDevice(deviceId: string, limit: number): Promise<CommandRecord[]>;
  ofBatch(batchId: string): Promise<CommandRecord[]>;
  pendingFor(deviceId: string, nowIso: string): Promise<CommandRecord[]>;
  /** Moves a command to a new state only from one of `from`; false when it had moved on already. */
  transition(
    id: string,
    from: string[],
    patch: Partial<Pick<CommandsTable, 'state' | 'result_json' | 'error' | 'finished_at'>>,
  ): Promise<boolean>;
  expire(nowIso: string): Promise<string[]>;
  /** Replaces a finished command's result (another domain keeps part of it instead). */
  replaceResult(id: string, result: unknown): Promise<void>;
}

function parse(s: string | null): unknown {
  if (s == null) return null;
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

const toRecord = (r: CommandsTable): CommandRecord & { batchId: string | null } => ({
  id: r.id,
  batchId: r.batch_id,
  deviceId: r.device_id,
  name: r.name,
  args: (parse(r.args_json) ?? {}) as Record<string, unknown>,
  state: r.state as CommandRecord['state'],
  result: parse(r.result_json),
  error: r.error,
  createdBy: r.created_by,
  createdAt: r.created_at,
  deadline: r.deadline,
  finishedAt: r.finished_at,
});

export function createCommandsStore(db: Db): CommandsStore {
  return {
    async insertMany(records) {
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < records.length; i += 500) {
          await trx
            .insertInto('commands')
            .values(
              records.slice(i, i + 500).map((c) => ({
                id: c.id,
                batch_id: c.batchId,
                device_id: c.deviceId,
                name: c.name,
                args_json: JSON.stringify(c.args),
                state: c.state,
                result_json: null,
                error: null,
                created_by: c.createdBy,
                created_at: c.createdAt,
                deadline: c.deadline,
                finished_at: null,
              })),
            )
            .execute();
        }
      });
    },
    async get(id) {
      const r = await db.selectFrom('commands').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toRecord(r) : null;
    },
    async ofDevice(deviceId, limit) {
      return (
        await db
          .selectFrom('commands')
          .selectAll()
          .where('device_id', '=', deviceId)
          .orderBy('created_at', 'desc')
          .limit(limit)
          .execute()
      ).map(toRecord);
    },
    async ofBatch(batchId) {
      return (
        await db.selectFrom('commands').selectAll().where('batch_id', '=', batchId).orderBy('device_id').execute()
      ).map(toRecord);
    },
    async pendingFor(deviceId, nowIso) {
      return (
        await db
          .selectFrom('commands')
          .selectAll()
          .where('device_id', '=', deviceId)
          .where('state', '=', 'pending')
          .where('deadline', '>', nowIso)
          .orderBy('created_at')
          .execute()
      ).map(toRecord);
    },
    async transition(id, from, patch) {
      const [r] = await db.updateTable('commands').set(patch).where('id', '=', id).where('state', 'in', from).execute();
      return Number(r?.numUpdatedRows ?? 0) === 1;
    },
    async replaceResult(id, result) {
      await db
        .updateTable('commands')
        .set({ result_json: JSON.stringify(result) })
        .where('id', '=', id)
        .execute();
    },
    async expire(nowIso) {
      // One statement: a command answered while this runs is neither timed out nor named.
      const rows = await db
        .updateTable('commands')
        .set({ state: 'timed_out', error: 'no answer before the deadline', finished_at: nowIso })
        .where('state', 'in', ['pending', 'sent'])
        .where('deadline', '<=', nowIso)
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },
  };
}
