import type { AuditComponent, AuditRecord, AuditVerifyResult } from '@outpost/protocol';
import { AuditChainVerifier, GENESIS_HASH, auditRecordHash } from '@outpost/protocol/node';
import { sql, type SqlBool } from 'kysely';
import type { Db } from '../../storage/database.js';
import { dialectOf, jsonTextValues, lockKeys } from '../../storage/sql-dialect.js';
import type { Clock } from '../../platform/clock.js';
import type { AuditEntry, AuditQuery } from './audit.types.js';
import type { AuditCheckpoints } from './audit-checkpoints.js';
import { createAuditVolumeGuard, type AuditVolumeGuard } from './audit-volume.js';

export { GENESIS_HASH };
// Detail keys that must never be stored, whatever a caller passes.
const SECRET_KEY = /pass(word)?|secret|token|private|credential/i;
/** The advisory lock every replica's audit append takes on PostgreSQL. */
const AUDIT_APPEND_LOCK = 'outpost-audit-append';

export interface AuditLog {
  record(entry: AuditEntry): Promise<AuditRecord>;
  /**
   * A record whose number an outsider controls (a refused request): written while its actor is
   * under the volume bound, otherwise counted into a summarising record (`flushSummaries`).
   */
  recordBounded(entry: AuditEntry): Promise<void>;
  /** Writes one summarising record per actor whose bounded records were left out. */
  flushSummaries(): Promise<void>;
  list(query: AuditQuery): Promise<AuditRecord[]>;
  /** Records after `seq` in chain order, at most `limit` (the SIEM export reads the log this way). */
  readAfter(seq: number, limit: number): Promise<AuditRecord[]>;
  /** The sequence number of the newest record, 0 for an empty log. */
  lastSeq(): Promise<number>;
  /** The chain against itself and against every signed checkpoint of its head. */
  verify(): Promise<AuditVerifyResult>;
}

type Body = Omit<AuditRecord, 'hash'>;

export const hashRecord: (body: Body) => string = auditRecordHash;

function scrub(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(details)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : v;
  return out;
}

/**
 * Append-only, hash-chained audit log. Appends are serialized in-process so each record
 * names its predecessor's hash; editing or deleting any row breaks `verify()` at that row.
 * On PostgreSQL several hub replicas append to one chain: each append reads the head and writes
 * its record inside one transaction holding an advisory lock, so two writers never fork it.
 */
export function createAuditLog({
  db,
  clock,
  checkpoints,
  volume,
  component,
}: {
  db: Db;
  clock: Clock;
  /** This hub: host and software, written into every record (older records have none). */
  component?: AuditComponent;
  /** Signed heads; the hub always has them, a store test may check the chain alone. */
  checkpoints?: AuditCheckpoints;
  volume?: AuditVolumeGuard;
}): AuditLog {
  const guard = volume ?? createAuditVolumeGuard({ clock, perMinute: 20, maxActors: 10_000 });
  let tail: Promise<unknown> = Promise.resolve();
  let last: { seq: number; hash: string } | null = null;
  // SQLite: one hub owns the database, so the head is kept in memory. PostgreSQL: another replica
  // may have appended since, so the head is read under the lock on every append.
  const shared = dialectOf(db) === 'postgres';

  async function loadLast(from: Db = db): Promise<{ seq: number; hash: string }> {
    const row = await from
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  function recordAfter(prev: { seq: number; hash: string }, entry: AuditEntry): AuditRecord {
    const body: Body = {
      seq: prev.seq + 1,
      ts: clock.now().toISOString(),
      actorType: entry.actor.type,
      actor: entry.actor.id,
      action: entry.action,
      target: entry.target ?? null,
      outcome: entry.outcome ?? 'ok',
      sourceIp: entry.actor.sourceIp ?? null,
      details: scrub(entry.details ?? {}),
      ...(component ? { component } : {}),
      prevHash: prev.hash,
    };
    return { ...body, hash: hashRecord(body) };
  }

  async function append(entry: AuditEntry): Promise<AuditRecord> {
    let record: AuditRecord;
    if (shared) {
      record = await db.transaction().execute(async (trx) => {
        await lockKeys(trx, [AUDIT_APPEND_LOCK]);
        const r = recordAfter(await loadLast(trx), entry);
        await trx.insertInto('audit_log').values(toRow(r)).execute();
        return r;
      });
    } else {
      last ??= await loadLast();
      record = recordAfter(last, entry);
      await db.insertInto('audit_log').values(toRow(record)).execute();
      last = { seq: record.seq, hash: record.hash };
    }
    checkpoints?.appended(record.seq);
    return record;
  }

  function record(entry: AuditEntry): Promise<AuditRecord> {
    const next = tail.then(() => append(entry));
    // A failed append must not wedge the queue; reload the tail from the database next time.
    tail = next.catch(() => {
      last = null;
    });
    return next;
  }

  return {
    record,
    async recordBounded(entry) {
      if (guard.admit(entry)) await record(entry);
    },
    async flushSummaries() {
      for (const summary of guard.drain()) await record(summary);
    },
    async list(q) {
      let query = db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(q.limit);
      if (q.action) query = query.where('action', '=', q.action);
      if (q.actor) query = query.where('actor', '=', q.actor);
      if (q.target) query = query.where('target', '=', q.target);
      if (q.afterSeq !== undefined) query = query.where('seq', '<', q.afterSeq);
      if (q.within) {
        // One parameter however many devices: the ids travel as one JSON array.
        const ids = jsonTextValues(db, q.within.deviceIds);
        const own = q.within.username;
        query = query.where(
          sql<SqlBool>`(target IN (SELECT 'device:' || value FROM (${ids}) AS within_ids) OR actor = ${own} OR substr(actor, 1, ${own.length + 7}) = ${`${own}/token:`})`,
        );
      }
      return (await query.execute()).map(fromRow);
    },
    async readAfter(seq, limit) {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', '>', seq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },
    lastSeq: async () => (await loadLast()).seq,
    verify: () => verifyChain(db, checkpoints),
  };
}

async function verifyChain(db: Db, checkpoints: AuditCheckpoints | undefined): Promise<AuditVerifyResult> {
  let head;
  try {
    head = await checkpoints?.headFile();
  } catch (err) {
    return { ok: false, records: 0, firstBrokenSeq: 1, reason: (err as Error).message };
  }
  const verifier = new AuditChainVerifier((await checkpoints?.publicKeyPem()) ?? null);
  if (head) verifier.addCheckpoints([head]);
  const PAGE = 2000;
  let from = 1;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', from)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    // The checkpoints of this page's records (and, after the last page, any beyond the last record).
    const to = rows.length < PAGE ? Number.MAX_SAFE_INTEGER : Number(rows[rows.length - 1].seq);
    if (checkpoints && !verifier.addCheckpoints(await checkpoints.range(from, to))) break;
    let stopped = false;
    for (const row of rows) if (!verifier.add(fromRow(row))) stopped = true;
    if (stopped || rows.length < PAGE) break;
    from = to + 1;
  }
  return verifier.finish();
}

type Row = {
  seq: number;
  ts: string;
  actor_type: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  source_ip: string | null;
  details_json: string;
  component_json: string | null;
  prev_hash: string;
  hash: string;
};

function toRow(r: AuditRecord): Row {
  return {
    seq: r.seq,
    ts: r.ts,
    actor_type: r.actorType,
    actor: r.actor,
    action: r.action,
    target: r.target,
    outcome: r.outcome,
    source_ip: r.sourceIp,
    details_json: JSON.stringify(r.details),
    component_json: r.component ? JSON.stringify(r.component) : null,
    prev_hash: r.prevHash,
    hash: r.hash,
  };
}

function fromRow(r: Row): AuditRecord {
  let details: Record<string, unknown>;
  try {
    details = JSON.parse(r.details_json) as Record<string, unknown>;
  } catch {
    details = { unreadable: r.details_json };
  }
  return {
    seq: Number(r.seq),
    ts: r.ts,
    actorType: r.actor_type,
    actor: r.actor,
    action: r.action,
    target: r.target,
    outcome: r.outcome as AuditRecord['outcome'],
    sourceIp: r.source_ip,
    details,
    ...componentOf(r.component_json),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

// A record without a component (older than migration 019) is returned, and hashed, without one.
function componentOf(json: string | null): { component?: AuditComponent } {
  if (!json) return {};
  try {
    return { component: JSON.parse(json) as AuditComponent };
  } catch {
    return { component: { host: json, software: '', version: '' } };
  }
}
