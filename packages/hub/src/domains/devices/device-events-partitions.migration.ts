/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type */
import type { Kysely } from 'kysely';
import { convertToTimePartitions } from '../../storage/time-partitions.js';

/**
 * PostgreSQL: device events partitioned by day of their time, as the samples are (migration 035),
 * their primary key now (device_id, seq, ts); retention drops whole days. SQLite: nothing changes.
 */
export async function deviceEventsPartitions(db: Kysely<any>): Promise<void> {
  // eslint-disable-next-line no-restricted-syntax -- a migration runs once, before the hub's clock exists
  await convertToTimePartitions(db, Date.now(), ['device_events']);
}
