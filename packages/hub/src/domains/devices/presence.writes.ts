import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../storage/schema.js';
import { dialectOf } from '../../storage/sql-dialect.js';
import type { IngestBatch } from './devices.types.js';

type Trx = Transaction<Database>;

/** Sets a device's presence when it differs; only a real transition becomes history. */
async function transition(trx: Trx, deviceId: string, state: 'online' | 'offline', at: string): Promise<boolean> {
  const [r] = await trx
    .updateTable('devices')
    .set({ presence: state, presence_changed_at: at })
    .where('id', '=', deviceId)
    .where('presence', '!=', state)
    .execute();
  if (Number(r?.numUpdatedRows ?? 0) === 0) return false;
  await trx.insertInto('presence_changes').values({ device_id: deviceId, state, at }).execute();
  return true;
}

/** The births, wills and disconnects of a batch, in the order they happened. */
export async function writePresence(trx: Trx, b: IngestBatch): Promise<void> {
  for (const p of b.presence) await transition(trx, p.deviceId, p.state, p.at);
}

/** `at`, or just after `last` when `at` is not later: a change is dated after the one it undoes. */
function after(last: string | null, at: string): string {
  return last && last >= at ? new Date(Date.parse(last) + 1).toISOString() : at;
}

/**
 * A device heard from while it was connected and announced is online, whatever the store says.
 * The store may say offline because the presence sweep judged the device stale (another replica
 * held its messages, or the device was dropped and redialled without a will, as Mosquitto's
 * dynamic security drops it): without this the device stayed offline until it reconnected.
 * One query per 500 such devices finds the few that are not online; the change is dated after
 * the one it undoes, so the history stays in order.
 */
export async function reassertOnline(trx: Trx, b: IngestBatch): Promise<void> {
  const heard = [...b.seen].filter(([, s]) => s.online).map(([id]) => id);
  for (let i = 0; i < heard.length; i += 500) {
    const rows = await trx
      .selectFrom('devices')
      .select(['id', 'presence_changed_at'])
      .where('id', 'in', heard.slice(i, i + 500))
      .where('presence', '!=', 'online')
      .execute();
    for (const r of rows) await transition(trx, r.id, 'online', after(r.presence_changed_at, b.seen.get(r.id)!.at));
  }
}

/**
 * Marks offline the online devices whose stale time has passed, up to `limit`, and names them.
 * Checked and written in one transaction with the rows locked (in id order, as the ingest batches
 * lock them): a device whose newer message was stored after the sweep looked is not marked, so a
 * sweep's older verdict never overwrites a newer online.
 */
export async function markStaleOffline(db: Kysely<Database>, nowIso: string, limit: number): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('devices')
      .select('id')
      .where('presence', '=', 'online')
      .where('stale_at', '<', nowIso)
      .orderBy('id')
      .limit(limit);
    if (dialectOf(trx) === 'postgres') q = q.forNoKeyUpdate();
    const stale = (await q.execute()).map((r) => r.id);
    const marked: string[] = [];
    for (const id of stale) if (await transition(trx, id, 'offline', nowIso)) marked.push(id);
    return marked;
  });
}
