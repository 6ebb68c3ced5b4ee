import { sql } from 'kysely';
import type { Db } from '../../storage/database.js';

/** One point's latest value as the `data.*` filters see it. */
export interface DataLatestEntry {
  point: string;
  value: number | boolean | string | null;
  quality: string;
  /** Source time, ms since the epoch. */
  ts: number;
}

/** What the streams domain writes for the filter language: each device's latest value per point. */
export interface DataLatestIndex {
  /** Keeps each entry unless a newer value of that point is already held. One entry per point. */
  put(deviceId: string, entries: DataLatestEntry[]): Promise<void>;
}

function encode(v: DataLatestEntry['value']) {
  if (v === null) return { kind: 'null', num: null, text: null };
  if (typeof v === 'number') return { kind: 'number', num: v, text: null };
  if (typeof v === 'boolean') return { kind: 'boolean', num: v ? 1 : 0, text: null };
  return { kind: 'string', num: null, text: v };
}

export function createDataLatestIndex(db: Db): DataLatestIndex {
  return {
    async put(deviceId, entries) {
      for (let i = 0; i < entries.length; i += 400) {
        const part = entries.slice(i, i + 400);
        await db
          .insertInto('device_data_latest')
          .values(
            part.map((e) => ({
              device_id: deviceId,
              point: e.point,
              quality: e.quality,
              ts: e.ts,
              ...encode(e.value),
            })),
          )
          .onConflict((oc) =>
            oc
              .columns(['device_id', 'point'])
              .doUpdateSet((eb) => ({
                kind: eb.ref('excluded.kind'),
                num: eb.ref('excluded.num'),
                text: eb.ref('excluded.text'),
                quality: eb.ref('excluded.quality'),
                ts: eb.ref('excluded.ts'),
              }))
              .where(sql<boolean>`device_data_latest.ts <= excluded.ts`),
          )
          .execute();
      }
    },
  };
}
