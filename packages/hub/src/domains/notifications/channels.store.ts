import type { ChannelKind, NotificationChannel } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import type { NotificationChannelsTable } from './notifications.tables.js';

/** A channel as the hub keeps it: the public shape plus the encrypted secret. */
export type StoredChannel = NotificationChannel & { secretEnc: string | null; createdBy: string };

function toChannel(r: NotificationChannelsTable): StoredChannel {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as ChannelKind,
    config: JSON.parse(r.config_json) as Record<string, unknown>,
    digest: { waitS: r.digest_wait_s, intervalS: r.digest_interval_s },
    retry: { baseMs: r.retry_base_ms, capMs: r.retry_cap_ms, maxAttempts: r.retry_max_attempts },
    enabled: r.enabled === 1,
    hasSecret: r.secret_enc !== null,
    createdAt: r.created_at,
    secretEnc: r.secret_enc,
    createdBy: r.created_by,
  };
}

function toRow(c: StoredChannel): NotificationChannelsTable {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    config_json: JSON.stringify(c.config),
    secret_enc: c.secretEnc,
    digest_wait_s: c.digest.waitS,
    digest_interval_s: c.digest.intervalS,
    retry_base_ms: c.retry.baseMs,
    retry_cap_ms: c.retry.capMs,
    retry_max_attempts: c.retry.maxAttempts,
    enabled: c.enabled ? 1 : 0,
    created_by: c.createdBy,
    created_at: c.createdAt,
  };
}

export interface ChannelsStore {
  insert: (c: StoredChannel) => Promise<undefined>;
  update: (c: StoredChannel) => Promise<undefined>;
  remove(id: string): Promise<boolean>;
  get(id: string): Promise<StoredChannel | null>;
  byName(name: string): Promise<StoredChannel | null>;
  list: () => Promise<StoredChannel[]>;
}

export function createChannelsStore(db: Db): ChannelsStore {
  return {
    insert: async (c: StoredChannel) => void (await db.insertInto('notification_channels').values(toRow(c)).execute()),
    update: async (c: StoredChannel) =>
      void (await db.updateTable('notification_channels').set(toRow(c)).where('id', '=', c.id).execute()),
    async remove(id: string) {
      const [r] = await db.deleteFrom('notification_channels').where('id', '=', id).execute();
      return Number(r?.numDeletedRows ?? 0) > 0;
    },
    async get(id: string) {
      const r = await db.selectFrom('notification_channels').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toChannel(r) : null;
    },
    async byName(name: string) {
      const r = await db.selectFrom('notification_channels').selectAll().where('name', '=', name).executeTakeFirst();
      return r ? toChannel(r) : null;
    },
    list: async () =>
      (await db.selectFrom('notification_channels').selectAll().orderBy('name').execute()).map(toChannel),
  };
}
