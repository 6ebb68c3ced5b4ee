import { sql, type SqlBool } from 'kysely';
import type {
  GuardGrantRecord,
  GuardPolicyInput,
  GuardPolicyRecord,
  GuardPolicyScope,
  WriteGrant,
} from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import { jsonTextValues } from '../../storage/sql-dialect.js';
import type { GuardGrantsTable, GuardPoliciesTable } from './guard.tables.js';

export interface GuardEventQuery {
  deviceId?: string;
  /** Only events of these devices (a group-scoped reader's). */
  deviceIn?: readonly string[];
  /** Exact type (`guard.blocked`) or, when absent, every `guard.*` type. */
  type?: string;
  sinceIso?: string;
  untilIso?: string;
  limit: number;
}

export interface StoredDocument {
  version: number;
  hash: string;
  json: string;
  publishedAt: string;
}

export interface GuardStore {
  latestPolicies(scope: GuardPolicyScope, targets: string[]): Promise<Map<string, GuardPolicyRecord>>;
  policyHistory(scope: GuardPolicyScope, target: string, limit: number): Promise<GuardPolicyRecord[]>;
  /** The latest revision of every device and group policy still in force (removals left out). */
  currentPolicies(q: { scope?: GuardPolicyScope; limit: number }): Promise<GuardPolicyRecord[]>;
  /** Inserts a revision with the next hub-wide version; returns it. */
  insertPolicy(r: Omit<GuardPolicyRecord, 'version'>): Promise<GuardPolicyRecord>;
  hasAnyPolicyOrGrant(): Promise<boolean>;
  insertGrant(g: WriteGrant, createdAt: string): Promise<void>;
  grant(id: string, nowIso: string): Promise<GuardGrantRecord | null>;
  grants(
    q: { deviceId?: string; deviceIn?: readonly string[]; liveAtIso?: string; limit: number },
    nowIso: string,
  ): Promise<GuardGrantRecord[]>;
  revokeGrant(id: string, by: string, reason: string, atIso: string): Promise<boolean>;
  key(id: string): Promise<{ publicPem: string; privateEnc: string } | null>;
  /** Inserts the key unless one with that id exists (another hub replica won the race). */
  insertKey(id: string, publicPem: string, privateEnc: string, atIso: string): Promise<void>;
  document(deviceId: string): Promise<StoredDocument | null>;
  /** Stored documents of many devices (ids in chunks). */
  documents(deviceIds: string[]): Promise<Map<string, StoredDocument>>;
  /** The latest revision of each group policy, where it sets a policy (not a removal). */
  groupPoliciesInForce(): Promise<GuardPolicyRecord[]>;
  /** Grants neither revoked nor expired at `nowIso`, per device. */
  liveGrantsOf(deviceIds: string[], nowIso: string): Promise<Map<string, GuardGrantRecord[]>>;
  saveDocument(deviceId: string, d: StoredDocument): Promise<void>;
}

/** `device_id` among `ids`, however many: they travel as one JSON array. */
function deviceIn(db: Db, ids: readonly string[]) {
  return sql<SqlBool>`device_id IN (${jsonTextValues(db, ids)})`;
}

function parse<T>(s: string | null): T | null {
  if (s == null) return null;
  try {
    return JSON.parse(s) as T;
  } catch {
    return null;
  }
}

const toPolicy = (r: GuardPoliciesTable): GuardPolicyRecord => ({
  scope: r.scope as GuardPolicyScope,
  target: r.target,
  version: Number(r.version),
  policy: parse<GuardPolicyInput>(r.policy_json),
  createdBy: r.created_by,
  createdAt: r.created_at,
});

function toGrant(r: GuardGrantsTable, nowIso: string): GuardGrantRecord {
  const state = r.revoked_at ? 'revoked' : r.expires_at <= nowIso ? 'expired' : 'active';
  return {
    id: r.id,
    deviceId: r.device_id,
    unit: r.unit,
    table: r.register_table as WriteGrant['table'],
    start: r.start_addr,
    end: r.end_addr,
    notBefore: Date.parse(r.not_before),
    expiresAt: Date.parse(r.expires_at),
    reason: r.reason,
    grantedBy: r.granted_by,
    ...(r.sets_state !== null && r.ticket !== null ? { setsState: r.sets_state, ticket: r.ticket } : {}),
    signature: r.signature,
    state,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    revokedBy: r.revoked_by,
    revokeReason: r.revoke_reason,
  };
}

export function createGuardStore(db: Db): GuardStore {
  return {
    async latestPolicies(scope, targets) {
      const out = new Map<string, GuardPolicyRecord>();
      if (targets.length === 0) return out;
      const rows = await db
        .selectFrom('guard_policies')
        .selectAll()
        .where('scope', '=', scope)
        .where('target', 'in', targets)
        .orderBy('version', 'desc')
        .execute();
      for (const r of rows) if (!out.has(r.target)) out.set(r.target, toPolicy(r));
      return out;
    },
    async policyHistory(scope, target, limit) {
      return (
        await db
          .selectFrom('guard_policies')
          .selectAll()
          .where('scope', '=', scope)
          .where('target', '=', target)
          .orderBy('version', 'desc')
          .limit(limit)
          .execute()
      ).map(toPolicy);
    },
    async currentPolicies(q) {
      const latest = db
        .selectFrom('guard_policies as g')
        .select((eb) => eb.fn.max('g.version').as('v'))
        .groupBy(['g.scope', 'g.target']);
      let sel = db
        .selectFrom('guard_policies')
        .selectAll()
        .where('version', 'in', latest)
        .where('policy_json', 'is not', null);
      if (q.scope) sel = sel.where('scope', '=', q.scope);
      return (await sel.orderBy('scope', 'desc').orderBy('target').limit(q.limit).execute()).map(toPolicy);
    },
    async insertPolicy(r) {
      // The version is hub-wide; a concurrent insert of the same number fails on the key and is retried.
      for (let attempt = 0; ; attempt++) {
        const max = await db
          .selectFrom('guard_policies')
          .select((eb) => eb.fn.max('version').as('v'))
          .executeTakeFirst();
        const version = Number(max?.v ?? 0) + 1;
        try {
          await db
            .insertInto('guard_policies')
            .values({
              version,
              scope: r.scope,
              target: r.target,
              policy_json: r.policy ? JSON.stringify(r.policy) : null,
              created_by: r.createdBy,
              created_at: r.createdAt,
            })
            .execute();
          return { ...r, version };
        } catch (err) {
          if (attempt >= 3) throw err;
        }
      }
    },
    async hasAnyPolicyOrGrant() {
      const p = await db.selectFrom('guard_policies').select('version').limit(1).executeTakeFirst();
      if (p) return true;
      return !!(await db.selectFrom('guard_grants').select('id').limit(1).executeTakeFirst());
    },
    async insertGrant(g, createdAt) {
      await db
        .insertInto('guard_grants')
        .values({
          id: g.id,
          device_id: g.deviceId,
          unit: g.unit,
          register_table: g.table,
          start_addr: g.start,
          end_addr: g.end,
          not_before: new Date(g.notBefore).toISOString(),
          expires_at: new Date(g.expiresAt).toISOString(),
          reason: g.reason,
          granted_by: g.grantedBy,
          signature: g.signature,
          sets_state: g.setsState ?? null,
          ticket: g.ticket ?? null,
          created_at: createdAt,
          revoked_at: null,
          revoked_by: null,
          revoke_reason: null,
        })
        .execute();
    },
    async grant(id, nowIso) {
      const r = await db.selectFrom('guard_grants').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toGrant(r, nowIso) : null;
    },
    async grants(q, nowIso) {
      let sel = db.selectFrom('guard_grants').selectAll().orderBy('created_at', 'desc').limit(q.limit);
      if (q.deviceId) sel = sel.where('device_id', '=', q.deviceId);
      if (q.deviceIn) sel = sel.where(deviceIn(db, q.deviceIn));
      if (q.liveAtIso) sel = sel.where('expires_at', '>', q.liveAtIso).where('revoked_at', 'is', null);
      return (await sel.execute()).map((r) => toGrant(r, nowIso));
    },
    async revokeGrant(id, by, reason, atIso) {
      const [r] = await db
        .updateTable('guard_grants')
        .set({ revoked_at: atIso, revoked_by: by, revoke_reason: reason })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      return Number(r?.numUpdatedRows ?? 0) === 1;
    },
    async key(id) {
      const r = await db.selectFrom('guard_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? { publicPem: r.public_pem, privateEnc: r.private_enc } : null;
    },
    async insertKey(id, publicPem, privateEnc, atIso) {
      await db
        .insertInto('guard_keys')
        .values({ id, public_pem: publicPem, private_enc: privateEnc, created_at: atIso })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    },
    async document(deviceId) {
      const r = await db.selectFrom('guard_documents').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
      return r ? { version: Number(r.version), hash: r.doc_hash, json: r.doc_json, publishedAt: r.published_at } : null;
    },
    async documents(deviceIds) {
      const out = new Map<string, StoredDocument>();
      for (let i = 0; i < deviceIds.length; i += 500) {
        const rows = await db
          .selectFrom('guard_documents')
          .selectAll()
          .where('device_id', 'in', deviceIds.slice(i, i + 500))
          .execute();
        for (const r of rows)
          out.set(r.device_id, {
            version: Number(r.version),
            hash: r.doc_hash,
            json: r.doc_json,
            publishedAt: r.published_at,
          });
      }
      return out;
    },
    async groupPoliciesInForce() {
      const latest = db
        .selectFrom('guard_policies as l')
        .select((eb) => eb.fn.max('l.version').as('v'))
        .where('l.scope', '=', 'group')
        .groupBy('l.target');
      const rows = await db
        .selectFrom('guard_policies')
        .selectAll()
        .where('version', 'in', latest)
        .where('policy_json', 'is not', null)
        .execute();
      return rows.map(toPolicy);
    },
    async liveGrantsOf(deviceIds, nowIso) {
      const out = new Map<string, GuardGrantRecord[]>();
      for (let i = 0; i < deviceIds.length; i += 500) {
        const rows = await db
          .selectFrom('guard_grants')
          .selectAll()
          .where('device_id', 'in', deviceIds.slice(i, i + 500))
          .where('expires_at', '>', nowIso)
          .where('revoked_at', 'is', null)
          .execute();
        for (const r of rows)
          (out.get(r.device_id) ?? out.set(r.device_id, []).get(r.device_id)!).push(toGrant(r, nowIso));
      }
      return out;
    },
    async saveDocument(deviceId, d) {
      const row = { version: d.version, doc_hash: d.hash, doc_json: d.json, published_at: d.publishedAt };
      await db
        .insertInto('guard_documents')
        .values({ device_id: deviceId, ...row })
        .onConflict((oc) => oc.column('device_id').doUpdateSet(row))
        .execute();
    },
  };
}
