import type { AccessSession, AccessState } from '@outpost/protocol';
import { sql, type SqlBool } from 'kysely';
import type { Db } from '../../storage/database.js';
import { jsonTextValues } from '../../storage/sql-dialect.js';
import type { AccessSessionsTable } from './access.tables.js';

export type SessionRow = AccessSessionsTable;
export type SessionPatch = Partial<
  Omit<
    AccessSessionsTable,
    'id' | 'device_id' | 'target' | 'policy_id' | 'requested_by' | 'requested_by_user' | 'requested_at'
  >
>;

export interface SessionQuery {
  deviceId?: string;
  /** Only sessions to these devices (a group-scoped reader's). */
  deviceIn?: readonly string[];
  states?: AccessState[];
  requestedByUser?: string;
  before?: string;
  limit: number;
}

export interface AccessSessionsStore {
  insert(r: SessionRow): Promise<void>;
  get(id: string): Promise<SessionRow | null>;
  list(q: SessionQuery): Promise<SessionRow[]>;
  /** Moves a session on only from one of `from`; false when it had moved on already. */
  transition(id: string, from: AccessState[], patch: SessionPatch): Promise<boolean>;
  /** Spends a leg's token: true once, for the matching hash, while the session is approved. */
  spendToken(id: string, leg: 'operator' | 'device', hash: string, at: string): Promise<boolean>;
  countLive(deviceId: string, policyId: string): Promise<number>;
  /** Sessions not yet ended whose current deadline has passed. */
  due(nowIso: string, limit: number): Promise<SessionRow[]>;
  recordingsEndedBefore(iso: string, limit: number): Promise<Array<{ id: string; path: string }>>;
  setting(key: string): Promise<string | null>;
  putSetting(key: string, value: string, by: string, at: string): Promise<void>;
}

export const LIVE_STATES: AccessState[] = ['requested', 'approved', 'active'];

export function toSession(r: SessionRow): AccessSession {
  return {
    id: r.id,
    deviceId: r.device_id,
    target: r.target,
    policyId: r.policy_id,
    state: r.state as AccessState,
    reason: r.reason,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    durationS: r.duration_s,
    approvedBy: r.approved_by,
    approvedAt: r.approved_at,
    openedAt: r.opened_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    expiresAt: r.expires_at,
    closeReason: r.close_reason,
    bytesToDevice: Number(r.bytes_to_device),
    bytesFromDevice: Number(r.bytes_from_device),
    streams: r.streams,
    recording: r.recording_kind
      ? {
          kind: r.recording_kind as 'asciicast' | 'pcap',
          sha256: r.recording_sha256,
          bytes: Number(r.recording_bytes),
          deletedAt: r.recording_deleted_at,
        }
      : null,
  };
}

export function createAccessSessionsStore(db: Db): AccessSessionsStore {
  return {
    async insert(r) {
      await db.insertInto('access_sessions').values(r).execute();
    },
    async get(id) {
      return (await db.selectFrom('access_sessions').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },
    async list(q) {
      let query = db
        .selectFrom('access_sessions')
        .selectAll()
        .orderBy('requested_at', 'desc')
        .orderBy('id', 'desc')
        .limit(q.limit);
      if (q.deviceId) query = query.where('device_id', '=', q.deviceId);
      if (q.deviceIn) query = query.where(sql<SqlBool>`device_id IN (${jsonTextValues(db, q.deviceIn)})`);
      if (q.states?.length) query = query.where('state', 'in', q.states);
      if (q.requestedByUser) query = query.where('requested_by_user', '=', q.requestedByUser);
      if (q.before) query = query.where('requested_at', '<', q.before);
      return query.execute();
    },
    async transition(id, from, patch) {
      const r = await db
        .updateTable('access_sessions')
        .set(patch)
        .where('id', '=', id)
        .where('state', 'in', from)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async spendToken(id, leg, hash, at) {
      const [hashCol, usedCol] =
        leg === 'operator'
          ? (['operator_token_hash', 'operator_token_used_at'] as const)
          : (['device_token_hash', 'device_token_used_at'] as const);
      // One conditional UPDATE: of two racing connections with the same token, one wins.
      const r = await db
        .updateTable('access_sessions')
        .set({ [usedCol]: at })
        .where('id', '=', id)
        .where(hashCol, '=', hash)
        .where(usedCol, 'is', null)
        .where('state', '=', 'approved')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async countLive(deviceId, policyId) {
      const r = await db
        .selectFrom('access_sessions')
        .select((e) => e.fn.countAll().as('n'))
        .where('device_id', '=', deviceId)
        .where('policy_id', '=', policyId)
        .where('state', 'in', ['approved', 'active'])
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async due(nowIso, limit) {
      return db
        .selectFrom('access_sessions')
        .selectAll()
        .where('state', 'in', LIVE_STATES)
        .where('deadline', '<=', nowIso)
        .orderBy('deadline')
        .limit(limit)
        .execute();
    },
    async recordingsEndedBefore(iso, limit) {
      const rows = await db
        .selectFrom('access_sessions')
        .select(['id', 'recording_path'])
        .where('ended_at', '<', iso)
        .where('recording_path', 'is not', null)
        .where('recording_deleted_at', 'is', null)
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: r.id, path: r.recording_path! }));
    },
    async setting(key) {
      return (
        (await db.selectFrom('access_settings').select('value').where('key', '=', key).executeTakeFirst())?.value ??
        null
      );
    },
    async putSetting(key, value, by, at) {
      await db
        .insertInto('access_settings')
        .values({ key, value, updated_by: by, updated_at: at })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_by: by, updated_at: at }))
        .execute();
    },
  };
}
