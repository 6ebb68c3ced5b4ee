/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';

/**
 * The devices each notification message is about (notifications.tables.ts): a group-scoped reader
 * sees a message only when every device it is about lies in its scope.
 */
export async function messageDevicesMigration(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notification_message_devices')
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_message_devices_pk', ['message_id', 'device_id'])
    .execute();
  await db.schema
    .createIndex('notification_message_devices_device')
    .on('notification_message_devices')
    .columns(['device_id'])
    .execute();
}
