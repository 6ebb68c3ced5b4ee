import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditCheckpoint } from '@outpost/protocol';
import { signAuditCheckpoint } from '@outpost/protocol/node';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { Db } from '../../storage/database.js';
import { writeAtomic } from '../../platform/atomic-write.js';
import { loadOrCreateCheckpointKey, type CheckpointKey } from './checkpoint-key.js';

/** Records between two checkpoints at most, whatever the interval: bounds what a rewrite can hide in. */
export const CHECKPOINT_EVERY_RECORDS = 256;

export interface AuditCheckpoints {
  /** Signs the chain head when it moved since the last checkpoint; returns the new one, if any. */
  checkpointNow(): Promise<AuditCheckpoint | null>;
  /** Told of every appended record: checkpoints after CHECKPOINT_EVERY_RECORDS of them. */
  appended(seq: number): void;
  /** Stored checkpoints with `fromSeq <= seq <= toSeq`, in order. */
  range(fromSeq: number, toSeq: number, limit?: number): Promise<AuditCheckpoint[]>;
  /** The sequence number of the newest stored checkpoint, 0 when there is none. */
  latestSeq(): Promise<number>;
  /** The latest checkpoint as kept in the head file beside the database; throws when unreadable. */
  headFile(): Promise<AuditCheckpoint | null>;
  publicKeyPem(): Promise<string>;
}

/**
 * Signed heads of the audit chain. Each is stored in the database and the latest also in
 * `<dataDir>/audit/head-checkpoint.json`, so cutting records and checkpoints from the database
 * still disagrees with the file; outside witnesses keep their own copies (`outpost audit
 * checkpoints --out`, the SIEM export). Signing is serialized: checkpoints only ever move forward.
 */
export function createAuditCheckpoints(d: {
  db: Db;
  clock: Clock;
  logger: Logger;
  dataDir: string;
  kek: Buffer;
}): AuditCheckpoints {
  const headFile = join(d.dataDir, 'audit', 'head-checkpoint.json');
  let key: Promise<CheckpointKey> | null = null;
  const signingKey = () => (key ??= loadOrCreateCheckpointKey(d.dataDir, d.kek));
  let lastSeq: number | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  // One checkpoint triggered by appends at a time; the job and shutdown queue theirs regardless.
  let signing = false;

  async function latestStored(): Promise<number> {
    const row = await d.db
      .selectFrom('audit_checkpoints')
      .select('seq')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? Number(row.seq) : 0;
  }

  /** The chain still holds the head signed last; otherwise signing now would vouch for a rewrite. */
  async function assertHeadFileHolds(): Promise<void> {
    const signed = await readHeadFile();
    if (!signed) return;
    const row = await d.db.selectFrom('audit_log').select('hash').where('seq', '=', signed.seq).executeTakeFirst();
    if (row?.hash !== signed.hash)
      throw new Error(
        `the audit chain no longer holds record ${signed.seq} as signed at ${signed.ts}: no checkpoint is signed until it is restored (outpost audit verify)`,
      );
  }

  async function readHeadFile(): Promise<AuditCheckpoint | null> {
    try {
      return JSON.parse(await readFile(headFile, 'utf8')) as AuditCheckpoint;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`the head checkpoint file ${headFile} is unreadable: ${(err as Error).message}`);
    }
  }

  async function sign(): Promise<AuditCheckpoint | null> {
    if (lastSeq === null) await assertHeadFileHolds();
    // Another replica on the same database may have signed a newer head meanwhile.
    lastSeq = Math.max(lastSeq ?? 0, await latestStored());
    const head = await d.db
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!head || Number(head.seq) <= lastSeq) return null;
    const cp = signAuditCheckpoint(
      { seq: Number(head.seq), hash: head.hash, ts: d.clock.now().toISOString() },
      (await signingKey()).privateKey,
    );
    await d.db
      .insertInto('audit_checkpoints')
      .values({ seq: cp.seq, hash: cp.hash, ts: cp.ts, key_id: cp.keyId, signature: cp.signature })
      // Two replicas signing the same head at once: the first one's row stands, both sign the same record.
      .onConflict((oc) => oc.column('seq').doNothing())
      .execute();
    await writeAtomic(headFile, JSON.stringify(cp) + '\n', 0o600);
    lastSeq = cp.seq;
    return cp;
  }

  function checkpointNow(): Promise<AuditCheckpoint | null> {
    const next = queue.then(sign);
    queue = next.catch((err: unknown) => {
      lastSeq = null;
      d.logger.error({ err }, 'audit checkpoint not signed');
    });
    return next;
  }

  async function range(fromSeq: number, toSeq: number, limit = Number.MAX_SAFE_INTEGER): Promise<AuditCheckpoint[]> {
    const rows = await d.db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .where('seq', '>=', fromSeq)
      .where('seq', '<=', toSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ seq: Number(r.seq), hash: r.hash, ts: r.ts, keyId: r.key_id, signature: r.signature }));
  }

  return {
    checkpointNow,
    appended(seq) {
      if (signing || (lastSeq !== null && seq - lastSeq < CHECKPOINT_EVERY_RECORDS)) return;
      signing = true;
      void checkpointNow()
        .catch(() => undefined)
        .finally(() => (signing = false));
    },
    range,
    latestSeq: latestStored,
    headFile: readHeadFile,
    publicKeyPem: async () => (await signingKey()).publicKeyPem,
  };
}
