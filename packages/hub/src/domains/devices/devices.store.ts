import { sql, type Kysely, type Transaction } from 'kysely';
import {
  ErrorCode,
  type Device,
  type DeviceEventRecord,
  type DeviceHealthSample,
  type Page,
  type Presence,
} from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import type { DevicesTable } from './devices.tables.js';
import { HubError } from '../../platform/errors.js';
import { addNewDeviceTo, memberPathsOf } from '../groups/index.js';
import { versionKey } from '@outpost/protocol';
import { dialectOf } from '../../storage/sql-dialect.js';
import { markStaleOffline, reassertOnline, writePresence } from './presence.writes.js';
import type { IngestBatch, ListQuery, NewDevice, DeviceWhere, SortField } from './devices.types.js';

const SORT_COLUMNS: Record<SortField, { col: keyof DevicesTable; nullable: boolean }> = {
  name: { col: 'name', nullable: false },
  id: { col: 'id', nullable: false },
  model: { col: 'model', nullable: true },
  firmware: { col: 'firmware_key', nullable: true },
  presence: { col: 'presence', nullable: false },
  last_seen: { col: 'last_seen_at', nullable: true },
  enrolled_at: { col: 'enrolled_at', nullable: false },
};

// Conditions counted by one statement of `countEach`: each is a result column with its own parameters.
const COUNT_EACH_CHUNK = 200;

export interface DevicesStore {
  insert(d: NewDevice): Promise<void>;
  exists(id: string): Promise<boolean>;
  /** Enrolled and not decommissioned: one indexed lookup, on the connection hot path. */
  isActive(id: string): Promise<boolean>;
  get(id: string): Promise<Device | null>;
  /** The capabilities of the device's last hello; null before its first. */
  helloCapabilities(id: string): Promise<string[] | null>;
  /** The health interval the device announced in its last hello; null for an unknown device. */
  healthIntervalS(id: string): Promise<number | null>;
  list(q: ListQuery): Promise<Page<Device>>;
  ids(where: DeviceWhere | null, limit: number): Promise<string[]>;
  /** Those of `ids` the condition selects. */
  idsWithin(where: DeviceWhere | null, ids: string[]): Promise<string[]>;
  count(where: DeviceWhere | null): Promise<number>;
  /** For each condition, how many devices it selects among those `within` chooses: one query per 200 conditions. */
  countEach(wheres: readonly DeviceWhere[], within: DeviceWhere | null): Promise<number[]>;
  update(id: string, patch: { name?: string; location?: string | null }): Promise<void>;
  setTags(ids: string[], set: Record<string, string>, remove: string[]): Promise<void>;
  markDecommissioned(id: string): Promise<void>;
  setCertificate(id: string, serial: string, expiresAt: string): Promise<void>;
  /** Writes a batch in one transaction; names the devices whose hello changed an attribute filters can select on. */
  writeBatch(b: IngestBatch): Promise<{ attributesChanged: string[] }>;
  findStale(nowIso: string, limit: number): Promise<string[]>;
  /** Marks offline the online devices still stale at `nowIso` (up to `limit`) and names those it marked. */
  markStaleOffline(nowIso: string, limit: number): Promise<string[]>;
  events(deviceId: string, limit: number, beforeSeq?: number, type?: string): Promise<DeviceEventRecord[]>;
  lastEventSeq(deviceId: string): Promise<number>;
  presenceHistory(deviceId: string, sinceIso: string): Promise<Array<{ state: string; at: string }>>;
  presenceBefore(deviceId: string, iso: string): Promise<string | null>;
  healthSamples(deviceId: string, sinceIso: string, limit: number): Promise<DeviceHealthSample[]>;
}

type Cursor = { v: string | null; id: string };

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.id === 'string' && (typeof c.v === 'string' || c.v === null)) return c;
  } catch {
    // fall through
  }
  throw new HubError(ErrorCode.CursorInvalid, 'the cursor is not one this hub issued');
}

function parseJson(s: string | null): Record<string, unknown> | null {
  if (!s) return null;
  try {
    return JSON.parse(s) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export function createDevicesStore(db: Db): DevicesStore {
  async function hydrate(rows: DevicesTable[]): Promise<Device[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [tags, groups] = await Promise.all([
      db.selectFrom('device_tags').select(['device_id', 'key', 'value']).where('device_id', 'in', ids).execute(),
      memberPathsOf(db, ids),
    ]);
    const tagMap = new Map<string, Record<string, string>>();
    for (const t of tags) (tagMap.get(t.device_id) ?? tagMap.set(t.device_id, {}).get(t.device_id)!)[t.key] = t.value;
    return rows.map((r) => toDevice(r, tagMap.get(r.id) ?? {}, [...(groups.get(r.id) ?? [])].sort()));
  }

  return {
    async insert(d) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('devices')
          .values({
            id: d.id,
            name: d.name,
            serial: d.serial,
            model: d.model,
            enrolled_at: d.enrolledAt,
            cert_serial: d.certSerial,
            cert_expires_at: d.certExpiresAt,
            presence: 'never_seen',
            decommissioned: 0,
            health_interval_s: 30,
          })
          .execute();
        await writeTags(trx, [d.id], d.tags, []);
        if (d.staticGroupId) await addNewDeviceTo(trx, d.staticGroupId, d.id);
      });
    },
    async exists(id) {
      return !!(await db.selectFrom('devices').select('id').where('id', '=', id).executeTakeFirst());
    },
    async healthIntervalS(id) {
      const r = await db.selectFrom('devices').select('health_interval_s').where('id', '=', id).executeTakeFirst();
      return r ? Number(r.health_interval_s) : null;
    },
    async isActive(id) {
      const r = await db.selectFrom('devices').select('decommissioned').where('id', '=', id).executeTakeFirst();
      return r !== undefined && r.decommissioned === 0;
    },
    async helloCapabilities(id) {
      const row = await db.selectFrom('devices').select('hello_json').where('id', '=', id).executeTakeFirst();
      if (!row?.hello_json) return null;
      const caps = (JSON.parse(row.hello_json) as { capabilities?: unknown }).capabilities;
      return Array.isArray(caps) ? caps.filter((c): c is string => typeof c === 'string') : null;
    },
    async get(id) {
      const row = await db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? (await hydrate([row]))[0] : null;
    },
    async list(q) {
      const { col, nullable } = SORT_COLUMNS[q.sort];
      const key = nullable ? sql<string>`coalesce(${sql.ref(col)}, '')` : sql<string>`${sql.ref(col)}`;
      let query = db.selectFrom('devices').selectAll();
      if (q.where) query = query.where(q.where);
      if (q.cursor) {
        const c = decodeCursor(q.cursor);
        const v = c.v ?? '';
        query =
          q.order === 'asc'
            ? query.where(sql<boolean>`(${key} > ${v} or (${key} = ${v} and id > ${c.id}))`)
            : query.where(sql<boolean>`(${key} < ${v} or (${key} = ${v} and id < ${c.id}))`);
      }
      const rows = await query
        .orderBy(key, q.order)
        .orderBy('id', q.order)
        .limit(q.limit + 1)
        .execute();
      const more = rows.length > q.limit;
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      const nextCursor = more && last ? encodeCursor({ v: (last[col] as string | null) ?? '', id: last.id }) : null;
      const items = await hydrate(page);
      return q.withTotal ? { items, nextCursor, total: await this.count(q.where) } : { items, nextCursor };
    },
    async ids(where, limit) {
      let query = db.selectFrom('devices').select('id').orderBy('id').limit(limit);
      if (where) query = query.where(where);
      return (await query.execute()).map((r) => r.id);
    },
    async idsWithin(where, ids) {
      const out: string[] = [];
      for (let i = 0; i < ids.length; i += 500) {
        let query = db
          .selectFrom('devices')
          .select('id')
          .where('id', 'in', ids.slice(i, i + 500));
        if (where) query = query.where(where);
        for (const r of await query.execute()) out.push(r.id);
      }
      return out;
    },
    async count(where) {
      let query = db.selectFrom('devices').select((e) => e.fn.countAll().as('n'));
      if (where) query = query.where(where);
      return Number((await query.executeTakeFirstOrThrow()).n);
    },
    async countEach(wheres, within) {
      const out: number[] = [];
      for (let i = 0; i < wheres.length; i += COUNT_EACH_CHUNK) {
        const chunk = wheres.slice(i, i + COUNT_EACH_CHUNK);
        let query = db
          .selectFrom('devices')
          .select(chunk.map((w, j) => sql<number>`count(*) filter (where ${w})`.as(`c${j}`)));
        if (within) query = query.where(within);
        const row: Record<string, unknown> = await query.executeTakeFirstOrThrow();
        chunk.forEach((_, j) => out.push(Number(row[`c${j}`] ?? 0)));
      }
      return out;
    },
    async update(id, patch) {
      if (Object.keys(patch).length === 0) return;
      await db.updateTable('devices').set(patch).where('id', '=', id).execute();
    },
    async setTags(ids, set, remove) {
      await db.transaction().execute((trx) => writeTags(trx, ids, set, remove));
    },
    async markDecommissioned(id) {
      await db.updateTable('devices').set({ decommissioned: 1 }).where('id', '=', id).execute();
    },
    async setCertificate(id, serial, expiresAt) {
      await db
        .updateTable('devices')
        .set({ cert_serial: serial, cert_expires_at: expiresAt })
        .where('id', '=', id)
        .execute();
    },
    writeBatch: (b) => db.transaction().execute((trx) => writeBatch(trx, b)),
    async findStale(nowIso, limit) {
      const rows = await db
        .selectFrom('devices')
        .select('id')
        .where('presence', '=', 'online')
        .where('stale_at', '<', nowIso)
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
    markStaleOffline: (nowIso, limit) => markStaleOffline(db, nowIso, limit),
    async events(deviceId, limit, beforeSeq, type) {
      let q = db
        .selectFrom('device_events')
        .selectAll()
        .where('device_id', '=', deviceId)
        .orderBy('seq', 'desc')
        .limit(limit);
      if (beforeSeq !== undefined) q = q.where('seq', '<', beforeSeq);
      if (type !== undefined) q = q.where('type', '=', type);
      return (await q.execute()).map((r) => ({
        deviceId: r.device_id,
        seq: Number(r.seq),
        ts: r.ts,
        receivedAt: r.received_at,
        type: r.type,
        severity: r.severity,
        data: parseJson(r.data_json) ?? {},
      }));
    },
    async lastEventSeq(deviceId) {
      const r = await db
        .selectFrom('device_events')
        .select((e) => e.fn.max('seq').as('m'))
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      return Number(r?.m ?? 0);
    },
    async presenceHistory(deviceId, sinceIso) {
      return db
        .selectFrom('presence_changes')
        .select(['state', 'at'])
        .where('device_id', '=', deviceId)
        .where('at', '>=', sinceIso)
        .orderBy('at')
        .execute();
    },
    async presenceBefore(deviceId, iso) {
      const r = await db
        .selectFrom('presence_changes')
        .select('state')
        .where('device_id', '=', deviceId)
        .where('at', '<', iso)
        .orderBy('at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r?.state ?? null;
    },
    async healthSamples(deviceId, sinceIso, limit) {
      const rows = await db
        .selectFrom('health_samples')
        .select(['ts', 'data_json'])
        .where('device_id', '=', deviceId)
        .where('ts', '>=', sinceIso)
        .orderBy('ts', 'desc')
        .limit(limit)
        .execute();
      return rows.reverse().map((r) => ({ ts: r.ts, data: parseJson(r.data_json) }));
    },
  };
}

async function writeTags(
  trx: Transaction<Database> | Kysely<Database>,
  ids: string[],
  set: Record<string, string>,
  remove: string[],
) {
  for (const id of ids) {
    if (remove.length)
      await trx.deleteFrom('device_tags').where('device_id', '=', id).where('key', 'in', remove).execute();
    const entries = Object.entries(set);
    if (entries.length === 0) continue;
    await trx
      .insertInto('device_tags')
      .values(entries.map(([key, value]) => ({ device_id: id, key, value })))
      .onConflict((oc) => oc.columns(['device_id', 'key']).doUpdateSet({ value: (eb) => eb.ref('excluded.value') }))
      .execute();
  }
}

/**
 * Locks the device rows a batch updates, in one order (by id), before updating any: hub replicas
 * sharing PostgreSQL each write batches touching the same devices (every replica records
 * presence), and rows locked in message order by two transactions deadlock. `NO KEY UPDATE` is
 * the lock an UPDATE takes anyway; inserts referencing the row are not blocked by it. SQLite runs
 * one transaction at a time.
 */
async function lockDeviceRows(trx: Transaction<Database>, b: IngestBatch): Promise<void> {
  if (dialectOf(trx) !== 'postgres') return;
  const ids = [
    ...new Set([
      ...b.hello.map((h) => h.deviceId),
      ...b.presence.map((p) => p.deviceId),
      ...b.health.map((h) => h.deviceId),
      ...b.seen.keys(),
    ]),
  ].sort();
  for (let i = 0; i < ids.length; i += 500)
    await trx
      .selectFrom('devices')
      .select('id')
      .where('id', 'in', ids.slice(i, i + 500))
      .orderBy('id')
      .forNoKeyUpdate()
      .execute();
}

// Attributes a hello reports that filters (and so dynamic groups) can select on.
const HELLO_ATTRIBUTES = ['model', 'serial', 'firmware', 'agent_version'] as const;

async function writeBatch(trx: Transaction<Database>, b: IngestBatch): Promise<{ attributesChanged: string[] }> {
  const attributesChanged = new Set<string>();
  await lockDeviceRows(trx, b);
  const helloIds = [...new Set(b.hello.map((h) => h.deviceId))];
  const before = new Map<string, Pick<DevicesTable, (typeof HELLO_ATTRIBUTES)[number]>>();
  for (let i = 0; i < helloIds.length; i += 500) {
    for (const r of await trx
      .selectFrom('devices')
      .select(['id', ...HELLO_ATTRIBUTES])
      .where('id', 'in', helloIds.slice(i, i + 500))
      .execute())
      before.set(r.id, r);
  }
  for (const h of b.hello) {
    const now = {
      model: h.hello.model,
      serial: h.hello.serial ?? null,
      firmware: h.hello.firmware,
      agent_version: h.hello.agentVersion,
    };
    const was = before.get(h.deviceId);
    if (was && HELLO_ATTRIBUTES.some((k) => was[k] !== now[k])) attributesChanged.add(h.deviceId);
    before.set(h.deviceId, now);
    await trx
      .updateTable('devices')
      .set({
        model: h.hello.model,
        serial: h.hello.serial ?? null,
        firmware: h.hello.firmware,
        firmware_key: versionKey(h.hello.firmware),
        agent_version: h.hello.agentVersion,
        agent_version_key: versionKey(h.hello.agentVersion),
        hello_json: JSON.stringify(h.hello),
        health_interval_s: h.hello.healthIntervalS,
      })
      .where('id', '=', h.deviceId)
      .execute();
  }
  await writePresence(trx, b);
  // One UPDATE per device per batch: its latest health and when it was last seen. Every health
  // message still becomes a sample, inserted many rows at a time.
  const latest = new Map<string, { json: string; at: string }>();
  const samples = b.health.map((h) => {
    const json = JSON.stringify(h.health);
    latest.set(h.deviceId, { json, at: h.at });
    return { device_id: h.deviceId, ts: h.at, data_json: json };
  });
  for (let i = 0; i < samples.length; i += 200)
    await trx
      .insertInto('health_samples')
      .values(samples.slice(i, i + 200))
      .execute();
  for (const [id, s] of b.seen) {
    const h = latest.get(id);
    // The address the hub saw the connection come from; a device's own report stays in hello_json.
    await trx
      .updateTable('devices')
      .set({
        last_seen_at: s.at,
        stale_at: s.staleAt,
        ...(s.ip ? { ip: s.ip } : {}),
        ...(h ? { health_json: h.json, health_at: h.at } : {}),
      })
      .where('id', '=', id)
      .execute();
    latest.delete(id);
  }
  for (const [id, h] of latest)
    await trx.updateTable('devices').set({ health_json: h.json, health_at: h.at }).where('id', '=', id).execute();
  await reassertOnline(trx, b);
  if (b.events.length) {
    await trx
      .insertInto('device_events')
      .values(
        b.events.map((e) => ({
          device_id: e.deviceId,
          seq: e.event.seq,
          ts: new Date(e.event.ts).toISOString(),
          received_at: e.receivedAt,
          type: e.event.type,
          severity: e.event.severity,
          data_json: JSON.stringify(e.event.data ?? {}),
        })),
      )
      // A redelivered batch after a lost PUBACK carries the same seqs and times: keep the first
      // copy. The key is (device_id, seq) on SQLite, (device_id, seq, ts) on PostgreSQL, where the
      // table is partitioned by ts (storage/time-partitions.ts).
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return { attributesChanged: [...attributesChanged] };
}

function toDevice(r: DevicesTable, tags: Record<string, string>, groups: string[]): Device {
  return {
    id: r.id,
    name: r.name,
    serial: r.serial,
    model: r.model,
    firmware: r.firmware,
    agentVersion: r.agent_version,
    location: r.location,
    ip: r.ip,
    tags,
    groups,
    presence: r.presence as Presence,
    presenceChangedAt: r.presence_changed_at,
    lastSeenAt: r.last_seen_at,
    enrolledAt: r.enrolled_at,
    certSerial: r.cert_serial,
    certExpiresAt: r.cert_expires_at,
    decommissioned: r.decommissioned === 1,
    health: parseJson(r.health_json),
  };
}
