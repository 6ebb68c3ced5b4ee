import { sql } from 'kysely';
import { deleteTimeSeriesBefore } from '../../storage/time-partitions.js';
import type { DataPointDefinition, DataQuality, DataType } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import { largerOf, lockKeys, smallerOf, jsonTextValues } from '../../storage/sql-dialect.js';
import { foldBatch } from './rollup.js';
import type { StreamPointsTable, StreamValuesTable } from './streams.tables.js';
import type { RollupRow, RollupTier, StreamDefinition, StreamValue } from './streams.types.js';

/** One `data` batch as the hub files it. */
export interface BatchWrite {
  deviceId: string;
  seq: number;
  receivedAt: number;
  defs: DataPointDefinition[];
  values: StreamValue[];
  /** Points a device may have; values and definitions of points past it are not filed. */
  maxPoints: number;
}

export type BatchOutcome = { filed: false } | { filed: true; values: StreamValue[]; refusedPoints: string[] };

/** A point with its definition and its latest value (none before the first value). */
export interface PointState extends StreamDefinition {
  latest: StreamValue | null;
}

export interface StreamsStore {
  /** Files a batch in one transaction; `filed: false` when this (device, seq) was filed already. */
  fileBatch(b: BatchWrite): Promise<BatchOutcome>;
  /**
   * Files several batches in one transaction, in the given order, as if filed one after another:
   * one outcome per batch (a repeated (device, seq), even within the group, is `filed: false`).
   */
  fileBatches(bs: readonly BatchWrite[]): Promise<BatchOutcome[]>;
  points(deviceId: string): Promise<PointState[]>;
  point(deviceId: string, point: string): Promise<PointState | undefined>;
  definitions(deviceId?: string): Promise<StreamDefinition[]>;
  /** The latest value of `point` on each device that has it (of `deviceIds` when given). */
  latestOfPoint(point: string, deviceIds?: readonly string[]): Promise<StreamValue[]>;
  raw(q: { deviceId: string; point: string; from: number; to: number; limit: number }): Promise<StreamValue[]>;
  /** Per device (of `deviceIds`), the first and last readable numeric value of `point` in [from, to]. */
  firstLastOf(
    point: string,
    deviceIds: readonly string[],
    from: number,
    to: number,
  ): Promise<Map<string, { first: { ts: number; v: number }; last: { ts: number; v: number } }>>;
  rollups(q: { deviceId: string; point: string; from: number; to: number; tier: RollupTier }): Promise<RollupRow[]>;
  /** Sets the hub's write switch of a point; false when the point does not exist. */
  setWritesEnabled(deviceId: string, point: string, on: boolean): Promise<boolean>;
  deleteRawBefore(ts: number): Promise<number>;
  deleteRollupsBefore(tier: RollupTier, ts: number): Promise<number>;
  deleteBatchesBefore(receivedAt: number): Promise<number>;
}

// Rows per INSERT: well under both engines' parameter limits.
const CHUNK = 400;

function chunks<T>(xs: readonly T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

type Kind = 'number' | 'boolean' | 'string' | 'null';

function encode(v: StreamValue['value']): { kind: Kind; num: number | null; text: string | null } {
  if (v === null) return { kind: 'null', num: null, text: null };
  if (typeof v === 'number') return { kind: 'number', num: v, text: null };
  if (typeof v === 'boolean') return { kind: 'boolean', num: v ? 1 : 0, text: null };
  return { kind: 'string', num: null, text: v };
}

function decode(kind: string | null, num: number | string | null, text: string | null): StreamValue['value'] {
  if (kind === 'number') return Number(num);
  if (kind === 'boolean') return Number(num) === 1;
  if (kind === 'string') return text;
  return null;
}

const typeOf = (v: StreamValue['value']): DataType =>
  typeof v === 'boolean' ? 'boolean' : typeof v === 'string' ? 'string' : 'number';

function toValue(r: StreamValuesTable): StreamValue {
  return {
    deviceId: r.device_id,
    point: r.point,
    value: decode(r.kind, r.num, r.text),
    quality: r.quality as DataQuality,
    ...(r.reason ? { reason: r.reason } : {}),
    sourceTs: Number(r.ts),
    receivedAt: Number(r.received_at),
  };
}

function toDefinition(r: StreamPointsTable): StreamDefinition {
  return {
    deviceId: r.device_id,
    point: r.point,
    type: r.type as DataType,
    ...(r.unit ? { unit: r.unit } : {}),
    ...(r.description ? { description: r.description } : {}),
    ...(r.source ? { source: r.source } : {}),
    writable: Number(r.writable) === 1,
    writesEnabled: Number(r.writes_enabled) === 1,
  };
}

function toPoint(r: StreamPointsTable): PointState {
  const latest: StreamValue | null =
    r.latest_ts === null || r.latest_kind === null
      ? null
      : {
          deviceId: r.device_id,
          point: r.point,
          value: decode(r.latest_kind, r.latest_num, r.latest_text),
          quality: (r.latest_quality ?? 'good') as DataQuality,
          ...(r.latest_reason ? { reason: r.latest_reason } : {}),
          sourceTs: Number(r.latest_ts),
          receivedAt: Number(r.latest_received_at),
        };
  return { ...toDefinition(r), latest };
}

/** Files one batch inside the caller's transaction (which holds the device's lock). */
async function fileIn(trx: Db, b: BatchWrite): Promise<BatchOutcome> {
  const seen = await trx
    .selectFrom('stream_batches')
    .select('seq')
    .where('device_id', '=', b.deviceId)
    .where('seq', '=', b.seq)
    .executeTakeFirst();
  if (seen) return { filed: false };
  await trx
    .insertInto('stream_batches')
    .values({ device_id: b.deviceId, seq: b.seq, received_at: b.receivedAt })
    .execute();

  // Points: known ones, and new ones up to the device's limit.
  const known = new Set(
    (await trx.selectFrom('stream_points').select('point').where('device_id', '=', b.deviceId).execute()).map(
      (r) => r.point,
    ),
  );
  const refused = new Set<string>();
  const admit = (p: string) => {
    if (known.has(p)) return true;
    if (refused.has(p) || known.size >= b.maxPoints) return (refused.add(p), false);
    known.add(p);
    return true;
  };
  const defs = b.defs.filter((d) => admit(d.p));
  const values = b.values.filter((v) => admit(v.point));

  for (const part of chunks(defs)) {
    await trx
      .insertInto('stream_points')
      .values(
        part.map((d) => ({
          device_id: b.deviceId,
          point: d.p,
          type: d.type,
          unit: d.unit ?? null,
          description: d.description ?? null,
          source: d.source ?? null,
          writable: d.writable ? 1 : 0,
          writes_enabled: 0,
          created_at: b.receivedAt,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['device_id', 'point']).doUpdateSet((eb) => ({
          type: eb.ref('excluded.type'),
          unit: eb.ref('excluded.unit'),
          description: eb.ref('excluded.description'),
          source: eb.ref('excluded.source'),
          writable: eb.ref('excluded.writable'),
          // A point the agent no longer declares writable is not writable from the hub either.
          writes_enabled: sql<number>`CASE WHEN excluded.writable = 1 THEN stream_points.writes_enabled ELSE 0 END`,
        })),
      )
      .execute();
  }

  // The newest value per point becomes its latest, unless a newer one is stored (a replayed backlog is older).
  const newest = new Map<string, StreamValue>();
  for (const v of values) {
    const n = newest.get(v.point);
    if (!n || v.sourceTs >= n.sourceTs) newest.set(v.point, v);
  }
  for (const part of chunks([...newest.values()])) {
    await trx
      .insertInto('stream_points')
      .values(
        part.map((v) => {
          const e = encode(v.value);
          return {
            device_id: b.deviceId,
            point: v.point,
            type: typeOf(v.value),
            writable: 0,
            writes_enabled: 0,
            created_at: b.receivedAt,
            latest_kind: e.kind,
            latest_num: e.num,
            latest_text: e.text,
            latest_quality: v.quality,
            latest_reason: v.reason ?? null,
            latest_ts: v.sourceTs,
            latest_received_at: v.receivedAt,
          };
        }),
      )
      .onConflict((oc) =>
        oc
          .columns(['device_id', 'point'])
          .doUpdateSet((eb) => ({
            latest_kind: eb.ref('excluded.latest_kind'),
            latest_num: eb.ref('excluded.latest_num'),
            latest_text: eb.ref('excluded.latest_text'),
            latest_quality: eb.ref('excluded.latest_quality'),
            latest_reason: eb.ref('excluded.latest_reason'),
            latest_ts: eb.ref('excluded.latest_ts'),
            latest_received_at: eb.ref('excluded.latest_received_at'),
          }))
          .where(sql<boolean>`stream_points.latest_ts IS NULL OR stream_points.latest_ts <= excluded.latest_ts`),
      )
      .execute();
  }

  for (const part of chunks(values)) {
    await trx
      .insertInto('stream_values')
      .values(
        part.map((v) => {
          const e = encode(v.value);
          return {
            device_id: b.deviceId,
            point: v.point,
            ts: v.sourceTs,
            received_at: v.receivedAt,
            kind: e.kind,
            num: e.num,
            text: e.text,
            quality: v.quality,
            reason: v.reason ?? null,
          };
        }),
      )
      .execute();
  }

  const cur = (c: string) => sql.ref(`stream_rollups.${c}`);
  const exc = (c: string) => sql.ref(`excluded.${c}`);
  for (const part of chunks(foldBatch(values))) {
    await trx
      .insertInto('stream_rollups')
      .values(
        part.map((r) => ({
          device_id: b.deviceId,
          point: r.point,
          tier: r.tier,
          ts: r.ts,
          v_min: r.min,
          v_max: r.max,
          v_sum: r.sum,
          n: r.count,
          v_first: r.first,
          first_ts: r.firstTs,
          v_last: r.last,
          last_ts: r.lastTs,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['device_id', 'point', 'tier', 'ts']).doUpdateSet({
          v_min: smallerOf(trx, cur('v_min'), exc('v_min')),
          v_max: largerOf(trx, cur('v_max'), exc('v_max')),
          v_sum: sql<number>`stream_rollups.v_sum + excluded.v_sum`,
          n: sql<number>`stream_rollups.n + excluded.n`,
          v_first: sql<number>`CASE WHEN excluded.first_ts < stream_rollups.first_ts THEN excluded.v_first ELSE stream_rollups.v_first END`,
          first_ts: smallerOf(trx, cur('first_ts'), exc('first_ts')),
          v_last: sql<number>`CASE WHEN excluded.last_ts >= stream_rollups.last_ts THEN excluded.v_last ELSE stream_rollups.v_last END`,
          last_ts: largerOf(trx, cur('last_ts'), exc('last_ts')),
        }),
      )
      .execute();
  }
  return { filed: true, values, refusedPoints: [...refused] };
}

export function createStreamsStore(db: Db): StreamsStore {
  async function fileBatches(bs: readonly BatchWrite[]): Promise<BatchOutcome[]> {
    if (bs.length === 0) return [];
    return db.transaction().execute(async (trx) => {
      await lockKeys(
        trx,
        bs.map((b) => `streams:${b.deviceId}`),
      );
      const out: BatchOutcome[] = [];
      for (const b of bs) out.push(await fileIn(trx, b));
      return out;
    });
  }
  return {
    fileBatches,
    async fileBatch(b) {
      return (await fileBatches([b]))[0]!;
    },

    async points(deviceId) {
      const rows = await db
        .selectFrom('stream_points')
        .selectAll()
        .where('device_id', '=', deviceId)
        .orderBy('point')
        .execute();
      return rows.map(toPoint);
    },

    async point(deviceId, point) {
      const r = await db
        .selectFrom('stream_points')
        .selectAll()
        .where('device_id', '=', deviceId)
        .where('point', '=', point)
        .executeTakeFirst();
      return r && toPoint(r);
    },

    async definitions(deviceId) {
      let q = db.selectFrom('stream_points').selectAll().orderBy('device_id').orderBy('point');
      if (deviceId !== undefined) q = q.where('device_id', '=', deviceId);
      return (await q.execute()).map(toDefinition);
    },

    async latestOfPoint(point, deviceIds) {
      let q = db.selectFrom('stream_points').selectAll().where('point', '=', point).where('latest_ts', 'is not', null);
      if (deviceIds) q = q.where(sql<boolean>`device_id IN (${jsonTextValues(db, deviceIds)})`);
      return (await q.orderBy('device_id').execute()).flatMap((r) => toPoint(r).latest ?? []);
    },

    async raw(q) {
      const rows = await db
        .selectFrom('stream_values')
        .selectAll()
        .where('device_id', '=', q.deviceId)
        .where('point', '=', q.point)
        .where('ts', '>=', q.from)
        .where('ts', '<', q.to)
        .orderBy('ts')
        .limit(q.limit)
        .execute();
      return rows.map(toValue);
    },

    async firstLastOf(point, deviceIds, from, to) {
      const readable = sql<boolean>`point = ${point} AND ts >= ${from} AND ts <= ${to} AND kind IN ('number', 'boolean') AND quality <> 'bad' AND device_id IN (${jsonTextValues(db, deviceIds)})`;
      const { rows } = await sql<{ device_id: string; ts: number | string; num: number | string; a: number | string }>`
        SELECT v.device_id, v.ts, v.num, m.a FROM stream_values v
        JOIN (SELECT device_id, MIN(ts) AS a, MAX(ts) AS b FROM stream_values WHERE ${readable} GROUP BY device_id) m
          ON v.device_id = m.device_id AND (v.ts = m.a OR v.ts = m.b)
        WHERE v.point = ${point} AND v.kind IN ('number', 'boolean') AND v.quality <> 'bad'
        ORDER BY v.device_id, v.ts`.execute(db);
      const out = new Map<string, { first: { ts: number; v: number }; last: { ts: number; v: number } }>();
      for (const r of rows) {
        const x = { ts: Number(r.ts), v: Number(r.num) };
        const cur = out.get(r.device_id);
        if (!cur) out.set(r.device_id, { first: x, last: x });
        else if (x.ts >= cur.last.ts) cur.last = x;
      }
      return out;
    },

    async rollups(q) {
      const rows = await db
        .selectFrom('stream_rollups')
        .selectAll()
        .where('device_id', '=', q.deviceId)
        .where('point', '=', q.point)
        .where('tier', '=', q.tier)
        .where('ts', '>=', q.from)
        .where('ts', '<', q.to)
        .orderBy('ts')
        .execute();
      return rows.map((r) => ({
        ts: Number(r.ts),
        min: Number(r.v_min),
        max: Number(r.v_max),
        mean: Number(r.v_sum) / Number(r.n),
        count: Number(r.n),
        first: Number(r.v_first),
        last: Number(r.v_last),
      }));
    },

    async setWritesEnabled(deviceId, point, on) {
      const r = await db
        .updateTable('stream_points')
        .set({ writes_enabled: on ? 1 : 0 })
        .where('device_id', '=', deviceId)
        .where('point', '=', point)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async deleteRawBefore(ts) {
      // PostgreSQL drops whole day partitions (storage/time-partitions.ts).
      return deleteTimeSeriesBefore(db, 'stream_values', ts);
    },

    async deleteRollupsBefore(tier, ts) {
      const r = await db.deleteFrom('stream_rollups').where('tier', '=', tier).where('ts', '<', ts).executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    async deleteBatchesBefore(receivedAt) {
      const r = await db.deleteFrom('stream_batches').where('received_at', '<', receivedAt).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
