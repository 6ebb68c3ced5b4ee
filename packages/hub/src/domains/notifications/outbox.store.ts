import type { ExpressionBuilder } from 'kysely';
import type { NotificationMessage, NotifiedAlert } from '@outpost/protocol';
import type { Database } from '../../storage/schema.js';
import type { Db } from '../../storage/database.js';
import { deviceIdsWhere, type DeviceWhere } from '../devices/index.js';
import { lockKeys } from '../../storage/sql-dialect.js';
import { newId } from '../../platform/ids.js';
import type { NotificationMessagesTable } from './notifications.tables.js';

export interface MessageBody {
  /** Webhook body and MQTT payload. */
  json: unknown;
  email: {
    subject: string;
    text: string;
    html: string;
    attachments?: Array<{ filename: string; content: string; contentType: string }>;
  };
}

export type OutboxMessage = NotificationMessage & { body: MessageBody };

function toMessage(r: NotificationMessagesTable): OutboxMessage {
  return {
    id: r.id,
    channelId: r.channel_id,
    seq: Number(r.seq),
    kind: r.kind as NotificationMessage['kind'],
    summary: r.summary,
    state: r.state as NotificationMessage['state'],
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
    body: JSON.parse(r.body_json) as MessageBody,
  };
}

export interface OutboxStore {
  /** Called inside the alert transaction, so an alert change and its notice commit together. */
  addIntents(
    trx: Db,
    intents: Array<{
      channelId: string;
      payload: NotifiedAlert;
    }>,
  ): Promise<void>;
  /** Channels with intents not yet in a message: the oldest one's time and how many. */
  pendingIntentChannels(): Promise<
    {
      channelId: string;
      oldest: string;
      count: number;
    }[]
  >;
  /** Folds up to `max` open intents of a channel into one new message, built by `build`. */
  compose(
    channelId: string,
    max: number,
    at: string,
    build: (
      id: string,
      intents: NotifiedAlert[],
    ) => {
      kind: string;
      summary: string;
      body: MessageBody;
    },
  ): Promise<string | null>;
  /** A message that is not made of intents (a report, a test). */
  enqueue: (m: NewMessage) => Promise<number>;
  lastMessageAt(channelId: string): Promise<string | null>;
  /** Channels whose first pending message is due; delivery is strictly in seq order per channel. */
  dueChannels(nowIso: string): Promise<string[]>;
  head(channelId: string): Promise<OutboxMessage | null>;
  markDelivered(id: string, at: string, attempts: number): Promise<void>;
  markFailed(id: string, attempts: number, error: string, nextAttemptAt: string | null): Promise<void>;
  /** One message; with `devices`, only if a reader confined to those devices may see it. */
  get(id: string, devices?: DeviceWhere | null): Promise<OutboxMessage | null>;
  /** Newest first; with `devices`, only what a reader confined to those devices may see. */
  list(q: {
    channelId?: string;
    state?: string;
    limit: number;
    devices?: DeviceWhere | null;
  }): Promise<OutboxMessage[]>;
  /**
   * Bounds a channel's queue of `kind` messages: the oldest pending ones past `keep` become dead
   * letters with the reason. Returns the bodies of those dropped, oldest first.
   */
  dropOldestPending(channelId: string, kind: string, keep: number, reason: string): Promise<unknown[]>;
  /** A dead letter goes back to the end of its channel's queue with fresh attempts. */
  requeue(id: string, at: string): Promise<boolean>;
  /** A deleted channel's waiting intents go; its queued messages become dead letters with the reason. */
  dropChannel(channelId: string): Promise<void>;
  deleteOlderThan(iso: string): Promise<number>;
}

/** A message to queue, with the devices it is about (none: a test, a fleet report). */
export interface NewMessage {
  id: string;
  channelId: string;
  kind: string;
  summary: string;
  body: MessageBody;
  at: string;
  deviceIds?: readonly string[];
}

/**
 * Messages a group-scoped reader whose devices `where` selects may see: about at least one device,
 * and about none outside the scope. A message about no device is the whole fleet's.
 */
function onlyAbout(where: DeviceWhere) {
  return (eb: ExpressionBuilder<Database, 'notification_messages'>) => {
    const about = () =>
      eb
        .selectFrom('notification_message_devices as nmd')
        .select('nmd.device_id')
        .whereRef('nmd.message_id', '=', 'notification_messages.id');
    return eb.and([
      eb.exists(about()),
      eb.not(eb.exists(about().where('nmd.device_id', 'not in', deviceIdsWhere(where)))),
    ]);
  };
}

/** Intents (alert changes waiting for their channel's next message) and the outbox of messages. */
export function createOutboxStore(db: Db): OutboxStore {
  async function insertMessage(trx: Db, m: NewMessage) {
    await lockKeys(trx, [`notification_messages:${m.channelId}`]);
    const r = await trx
      .selectFrom('notification_messages')
      .select((e) => e.fn.max('seq').as('s'))
      .where('channel_id', '=', m.channelId)
      .executeTakeFirst();
    const seq = Number(r?.s ?? 0) + 1;
    await trx
      .insertInto('notification_messages')
      .values({
        id: m.id,
        channel_id: m.channelId,
        seq,
        kind: m.kind,
        summary: m.summary.slice(0, 500),
        body_json: JSON.stringify(m.body),
        state: 'pending',
        attempts: 0,
        next_attempt_at: m.at,
        last_error: null,
        created_at: m.at,
        delivered_at: null,
      })
      .execute();
    const about = [...new Set(m.deviceIds ?? [])].map((device_id) => ({ message_id: m.id, device_id }));
    for (let k = 0; k < about.length; k += 500)
      await trx
        .insertInto('notification_message_devices')
        .values(about.slice(k, k + 500))
        .execute();
    return seq;
  }

  return {
    /** Called inside the alert transaction, so an alert change and its notice commit together. */
    async addIntents(trx: Db, intents: Array<{ channelId: string; payload: NotifiedAlert }>) {
      if (intents.length === 0) return;
      const rows = intents.map((i) => ({
        id: newId('int'),
        channel_id: i.channelId,
        created_at: i.payload.at,
        payload_json: JSON.stringify(i.payload),
        message_id: null,
      }));
      for (let k = 0; k < rows.length; k += 500)
        await trx
          .insertInto('notification_intents')
          .values(rows.slice(k, k + 500))
          .execute();
    },
    /** Channels with intents not yet in a message: the oldest one's time and how many. */
    async pendingIntentChannels() {
      const rows = await db
        .selectFrom('notification_intents')
        .select(['channel_id', (e) => e.fn.min('created_at').as('oldest'), (e) => e.fn.countAll().as('n')])
        .where('message_id', 'is', null)
        .groupBy('channel_id')
        .execute();
      return rows.map((r) => ({ channelId: r.channel_id, oldest: String(r.oldest), count: Number(r.n) }));
    },
    /** Folds up to `max` open intents of a channel into one new message, built by `build`. */
    async compose(
      channelId: string,
      max: number,
      at: string,
      build: (id: string, intents: NotifiedAlert[]) => { kind: string; summary: string; body: MessageBody },
    ) {
      return db.transaction().execute(async (trx) => {
        const rows = await trx
          .selectFrom('notification_intents')
          .select(['id', 'payload_json'])
          .where('message_id', 'is', null)
          .where('channel_id', '=', channelId)
          .orderBy('created_at')
          .orderBy('id')
          .limit(max)
          .execute();
        if (rows.length === 0) return null;
        const id = newId('msg');
        const items = rows.map((r) => JSON.parse(r.payload_json) as NotifiedAlert);
        const built = build(id, items);
        await insertMessage(trx, { id, channelId, at, ...built, deviceIds: items.map((i) => i.device.id) });
        for (let k = 0; k < rows.length; k += 500) {
          await trx
            .updateTable('notification_intents')
            .set({ message_id: id })
            .where(
              'id',
              'in',
              rows.slice(k, k + 500).map((r) => r.id),
            )
            .execute();
        }
        return id;
      });
    },
    /** A message that is not made of intents (a report, a test). */
    enqueue: (m: NewMessage) => db.transaction().execute((trx) => insertMessage(trx, m)),
    async lastMessageAt(channelId: string) {
      const r = await db
        .selectFrom('notification_messages')
        .select((e) => e.fn.max('created_at').as('m'))
        .where('channel_id', '=', channelId)
        .where('kind', '=', 'alerts')
        .executeTakeFirst();
      return r?.m ? String(r.m) : null;
    },
    /** Channels whose first pending message is due; delivery is strictly in seq order per channel. */
    async dueChannels(nowIso: string) {
      const heads = await db
        .selectFrom('notification_messages')
        .select(['channel_id', (e) => e.fn.min('seq').as('seq')])
        .where('state', '=', 'pending')
        .groupBy('channel_id')
        .execute();
      if (heads.length === 0) return [];
      const due: string[] = [];
      for (const h of heads) {
        const m = await db
          .selectFrom('notification_messages')
          .select('next_attempt_at')
          .where('channel_id', '=', h.channel_id)
          .where('seq', '=', Number(h.seq))
          .executeTakeFirst();
        if (m && (!m.next_attempt_at || m.next_attempt_at <= nowIso)) due.push(h.channel_id);
      }
      return due;
    },
    async head(channelId: string) {
      const r = await db
        .selectFrom('notification_messages')
        .selectAll()
        .where('channel_id', '=', channelId)
        .where('state', '=', 'pending')
        .orderBy('seq')
        .limit(1)
        .executeTakeFirst();
      return r ? toMessage(r) : null;
    },
    async markDelivered(id: string, at: string, attempts: number) {
      await db
        .updateTable('notification_messages')
        .set({ state: 'delivered', delivered_at: at, attempts, next_attempt_at: null, last_error: null })
        .where('id', '=', id)
        .execute();
    },
    async markFailed(id: string, attempts: number, error: string, nextAttemptAt: string | null) {
      await db
        .updateTable('notification_messages')
        .set({
          attempts,
          last_error: error.slice(0, 500),
          next_attempt_at: nextAttemptAt,
          ...(nextAttemptAt ? {} : { state: 'dead' }),
        })
        .where('id', '=', id)
        .execute();
    },
    /** One message; with `devices`, only if a reader confined to those devices may see it. */
    async get(id: string, devices: DeviceWhere | null = null) {
      let q = db.selectFrom('notification_messages').selectAll().where('id', '=', id);
      if (devices) q = q.where(onlyAbout(devices));
      const r = await q.executeTakeFirst();
      return r ? toMessage(r) : null;
    },
    /** Newest first; with `devices`, only what a reader confined to those devices may see. */
    async list(q: { channelId?: string; state?: string; limit: number; devices?: DeviceWhere | null }) {
      let s = db
        .selectFrom('notification_messages')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('seq', 'desc')
        .limit(q.limit);
      if (q.channelId) s = s.where('channel_id', '=', q.channelId);
      if (q.state) s = s.where('state', '=', q.state);
      if (q.devices) s = s.where(onlyAbout(q.devices));
      return (await s.execute()).map(toMessage);
    },
    /**
     * Bounds a channel's queue of `kind` messages: the oldest pending ones past `keep` become dead
     * letters with the reason. Returns the bodies of those dropped, oldest first.
     */
    async dropOldestPending(channelId: string, kind: string, keep: number, reason: string) {
      return db.transaction().execute(async (trx) => {
        await lockKeys(trx, [`notification_messages:${channelId}`]);
        const pending = await trx
          .selectFrom('notification_messages')
          .select(['id', 'body_json'])
          .where('channel_id', '=', channelId)
          .where('kind', '=', kind)
          .where('state', '=', 'pending')
          .orderBy('seq', 'desc')
          .offset(keep)
          .limit(1000)
          .execute();
        if (pending.length === 0) return [];
        await trx
          .updateTable('notification_messages')
          .set({ state: 'dead', next_attempt_at: null, last_error: reason })
          .where(
            'id',
            'in',
            pending.map((m) => m.id),
          )
          .execute();
        return pending.reverse().map((m) => (JSON.parse(m.body_json) as MessageBody).json);
      });
    },
    /** A dead letter goes back to the end of its channel's queue with fresh attempts. */
    async requeue(id: string, at: string) {
      return db.transaction().execute(async (trx) => {
        const m = await trx
          .selectFrom('notification_messages')
          .selectAll()
          .where('id', '=', id)
          .where('state', '=', 'dead')
          .executeTakeFirst();
        if (!m) return false;
        await lockKeys(trx, [`notification_messages:${m.channel_id}`]);
        const r = await trx
          .selectFrom('notification_messages')
          .select((e) => e.fn.max('seq').as('s'))
          .where('channel_id', '=', m.channel_id)
          .executeTakeFirst();
        await trx
          .updateTable('notification_messages')
          .set({ state: 'pending', seq: Number(r?.s ?? 0) + 1, attempts: 0, next_attempt_at: at, last_error: null })
          .where('id', '=', id)
          .execute();
        return true;
      });
    },
    /** A deleted channel's waiting intents go; its queued messages become dead letters with the reason. */
    async dropChannel(channelId: string) {
      await db
        .deleteFrom('notification_intents')
        .where('channel_id', '=', channelId)
        .where('message_id', 'is', null)
        .execute();
      await db
        .updateTable('notification_messages')
        .set({ state: 'dead', next_attempt_at: null, last_error: 'the channel was deleted' })
        .where('channel_id', '=', channelId)
        .where('state', '=', 'pending')
        .execute();
    },
    async deleteOlderThan(iso: string) {
      await db
        .deleteFrom('notification_intents')
        .where('created_at', '<', iso)
        .where('message_id', 'is not', null)
        .execute();
      const gone = db
        .selectFrom('notification_messages')
        .select('id')
        .where('created_at', '<', iso)
        .where('state', '!=', 'pending');
      await db.deleteFrom('notification_message_devices').where('message_id', 'in', gone).execute();
      const [r] = await db
        .deleteFrom('notification_messages')
        .where('created_at', '<', iso)
        .where('state', '!=', 'pending')
        .execute();
      return Number(r?.numDeletedRows ?? 0);
    },
  };
}
