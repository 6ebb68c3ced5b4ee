import { sql, type SqlBool } from 'kysely';
import { deleteTimeSeriesBefore } from '../../storage/time-partitions.js';
import type { DeviceEventRecord } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import { jsonTextValues } from '../../storage/sql-dialect.js';
import type { DeviceWhere } from './devices.types.js';
import { deviceIdsWhere } from './device-facts.reads.js';

// The devices domain's read models of what devices reported over time: presence changes, device
// events and raw health samples. Other domains ask these questions instead of reading the tables;
// each answer is one grouped or bounded query.

/** An event type (`guard.blocked`) or a family of them (`guard.*`). */
export type EventTypePattern = string;

export interface DeviceEventQuery {
  /** Exact types and `x.*` families; an event matching any of them is listed. */
  types: EventTypePattern[];
  deviceId?: string;
  /** Only events of these devices (a group-scoped reader's). */
  deviceIn?: readonly string[];
  sinceIso?: string;
  untilIso?: string;
  limit: number;
}

export interface DeviceHistory {
  /** Per device, how many times it went offline since `sinceIso`. */
  offlineCountsSince(sinceIso: string): Promise<Map<string, number>>;
  /** Presence changes in [from, to) of the devices a filter selects (null: all), per device, oldest first. */
  presenceChangesBetween(
    fromIso: string,
    toIso: string,
    where: DeviceWhere | null,
  ): Promise<Array<{ device_id: string; state: string; at: string }>>;
  /** Each device's presence at `iso` (its last change before it), of the devices a filter selects. */
  presenceAt(iso: string, where: DeviceWhere | null): Promise<Map<string, string>>;
  /** Presence changes since `sinceIso`, per hour (ISO text up to the hour: `2025-01-31T14`). */
  presenceChangesPerHour(
    sinceIso: string,
    where?: DeviceWhere | null,
  ): Promise<Array<{ hour: string; state: string; n: number }>>;
  /** Per device and event type, events of the given types since `sinceIso`. */
  eventCountsSince(types: EventTypePattern[], sinceIso: string): Promise<Map<string, Record<string, number>>>;
  /** One device's events of one type since `sinceIso`, counted per hour (ISO text up to the hour), oldest first. */
  eventsPerHour(deviceId: string, type: string, sinceIso: string): Promise<Array<{ hour: string; n: number }>>;
  /** Events matching a query, newest first. */
  events(q: DeviceEventQuery): Promise<DeviceEventRecord[]>;
  /** A device's newest event of one type. */
  lastEvent(deviceId: string, type: string): Promise<DeviceEventRecord | null>;
  /** Raw health reports in [from, to), by device then time, after a key (a page of `limit`). */
  healthSamplesBetween(
    fromIso: string,
    toIso: string,
    afterKey: { deviceId: string; ts: string } | null,
    limit: number,
  ): Promise<Array<{ deviceId: string; ts: string; data: string }>>;
  /** One device's raw health reports in [from, to), oldest first (bounded). */
  healthSamplesOf(
    deviceId: string,
    fromIso: string,
    toIso: string,
    limit: number,
  ): Promise<Array<{ ts: string; data_json: string }>>;
  /** Drops raw health reports older than `iso` (they are rolled up hourly first). */
  deleteHealthSamplesBefore(iso: string): Promise<number>;
  /** Device events whose time is before `iso` (retention); on PostgreSQL whole days are dropped. */
  deleteEventsBefore(iso: string): Promise<number>;
}

/** `device_id` among `ids`, however many: they travel as one JSON array. */
function deviceIn(db: Db, ids: readonly string[]) {
  return sql<SqlBool>`device_id IN (${jsonTextValues(db, ids)})`;
}

function parseObject(s: string | null): Record<string, unknown> | null {
  if (!s) return null;
  try {
    return JSON.parse(s) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function toEvent(r: {
  device_id: string;
  seq: number;
  ts: string;
  received_at: string;
  type: string;
  severity: string;
  data_json: string;
}): DeviceEventRecord {
  return {
    deviceId: r.device_id,
    seq: Number(r.seq),
    ts: r.ts,
    receivedAt: r.received_at,
    type: r.type,
    severity: r.severity,
    data: parseObject(r.data_json) ?? {},
  };
}

export function createDeviceHistory(db: Db): DeviceHistory {
  // A family `guard.*` is the range ['guard.', 'guard/'): '/' sorts right after '.', and the
  // (device, type, ts) and (type, ts) indexes serve a plain range.
  const typeIn = (types: EventTypePattern[]) => {
    const exact = types.filter((t) => !t.endsWith('.*'));
    const families = types.filter((t) => t.endsWith('.*')).map((t) => t.slice(0, -2));
    return { exact, families };
  };
  return {
    async offlineCountsSince(sinceIso) {
      const rows = await db
        .selectFrom('presence_changes')
        .select(['device_id', (e) => e.fn.countAll().as('n')])
        .where('state', '=', 'offline')
        .where('at', '>=', sinceIso)
        .groupBy('device_id')
        .execute();
      return new Map(rows.map((r) => [r.device_id, Number(r.n)]));
    },
    async presenceChangesBetween(fromIso, toIso, where) {
      let q = db
        .selectFrom('presence_changes')
        .select(['device_id', 'state', 'at'])
        .where('at', '>=', fromIso)
        .where('at', '<', toIso)
        .orderBy('device_id')
        .orderBy('at');
      if (where) q = q.where('device_id', 'in', deviceIdsWhere(where));
      return q.execute();
    },
    async presenceAt(iso, where) {
      let latest = db
        .selectFrom('presence_changes')
        .select(['device_id', (e) => e.fn.max('at').as('m')])
        .where('at', '<', iso)
        .groupBy('device_id');
      if (where) latest = latest.where('device_id', 'in', deviceIdsWhere(where));
      const rows = await db
        .selectFrom('presence_changes as p')
        .innerJoin(latest.as('l'), (j) => j.onRef('l.device_id', '=', 'p.device_id').onRef('l.m', '=', 'p.at'))
        .select(['p.device_id', 'p.state'])
        .execute();
      return new Map(rows.map((r) => [r.device_id, r.state]));
    },
    async presenceChangesPerHour(sinceIso, where = null) {
      let q = db
        .selectFrom('presence_changes')
        .select((e) => [
          e.fn<string>('substr', ['at', e.val(1), e.val(13)]).as('hour'),
          'state',
          e.fn.countAll().as('n'),
        ])
        .where('at', '>=', sinceIso);
      if (where) q = q.where('device_id', 'in', deviceIdsWhere(where));
      const rows = await q.groupBy(['hour', 'state']).execute();
      return rows.map((r) => ({ hour: r.hour, state: r.state, n: Number(r.n) }));
    },
    async eventCountsSince(types, sinceIso) {
      const { exact, families } = typeIn(types);
      const rows = await db
        .selectFrom('device_events')
        .select(['device_id', 'type', (e) => e.fn.countAll().as('n')])
        .where('ts', '>=', sinceIso)
        .where((eb) =>
          eb.or([
            ...(exact.length ? [eb('type', 'in', exact)] : []),
            ...families.map((f) => eb.and([eb('type', '>=', `${f}.`), eb('type', '<', `${f}/`)])),
          ]),
        )
        .groupBy(['device_id', 'type'])
        .execute();
      const out = new Map<string, Record<string, number>>();
      for (const r of rows) (out.get(r.device_id) ?? out.set(r.device_id, {}).get(r.device_id)!)[r.type] = Number(r.n);
      return out;
    },
    async eventsPerHour(deviceId, type, sinceIso) {
      const rows = await db
        .selectFrom('device_events')
        .select((e) => [e.fn<string>('substr', ['ts', e.val(1), e.val(13)]).as('hour'), e.fn.countAll().as('n')])
        .where('device_id', '=', deviceId)
        .where('type', '=', type)
        .where('ts', '>=', sinceIso)
        .groupBy('hour')
        .orderBy('hour')
        .execute();
      return rows.map((r) => ({ hour: r.hour, n: Number(r.n) }));
    },
    async events(q) {
      const { exact, families } = typeIn(q.types);
      let sel = db.selectFrom('device_events').selectAll().orderBy('ts', 'desc').orderBy('seq', 'desc').limit(q.limit);
      // One exact type or one family, the common asks, stay plain conditions the indexes serve.
      if (exact.length === 1 && families.length === 0) sel = sel.where('type', '=', exact[0]);
      else if (exact.length === 0 && families.length === 1)
        sel = sel.where('type', '>=', `${families[0]}.`).where('type', '<', `${families[0]}/`);
      else
        sel = sel.where((eb) =>
          eb.or([
            ...(exact.length ? [eb('type', 'in', exact)] : []),
            ...families.map((f) => eb.and([eb('type', '>=', `${f}.`), eb('type', '<', `${f}/`)])),
          ]),
        );
      if (q.deviceId) sel = sel.where('device_id', '=', q.deviceId);
      if (q.deviceIn) sel = sel.where(deviceIn(db, q.deviceIn));
      if (q.sinceIso) sel = sel.where('ts', '>=', q.sinceIso);
      if (q.untilIso) sel = sel.where('ts', '<', q.untilIso);
      return (await sel.execute()).map(toEvent);
    },
    async lastEvent(deviceId, type) {
      const r = await db
        .selectFrom('device_events')
        .selectAll()
        .where('device_id', '=', deviceId)
        .where('type', '=', type)
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r ? toEvent(r) : null;
    },
    async healthSamplesBetween(fromIso, toIso, after, limit) {
      let q = db
        .selectFrom('health_samples')
        .select(['device_id', 'ts', 'data_json'])
        .where('ts', '>=', fromIso)
        .where('ts', '<', toIso)
        .orderBy('device_id')
        .orderBy('ts')
        .limit(limit);
      if (after)
        q = q.where((eb) =>
          eb.or([
            eb('device_id', '>', after.deviceId),
            eb.and([eb('device_id', '=', after.deviceId), eb('ts', '>', after.ts)]),
          ]),
        );
      return (await q.execute()).map((r) => ({ deviceId: r.device_id, ts: r.ts, data: r.data_json }));
    },
    async healthSamplesOf(deviceId, fromIso, toIso, limit) {
      return db
        .selectFrom('health_samples')
        .select(['ts', 'data_json'])
        .where('device_id', '=', deviceId)
        .where('ts', '>=', fromIso)
        .where('ts', '<', toIso)
        .orderBy('ts')
        .limit(limit)
        .execute();
    },
    async deleteHealthSamplesBefore(iso) {
      // PostgreSQL drops whole day partitions (storage/time-partitions.ts).
      return deleteTimeSeriesBefore(db, 'health_samples', Date.parse(iso));
    },
    async deleteEventsBefore(iso) {
      return deleteTimeSeriesBefore(db, 'device_events', Date.parse(iso));
    },
  };
}
