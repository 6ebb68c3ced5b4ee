import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { connectPostgres } from '../../storage/postgres.js';
import { postgresMissing, startTestPostgres, type TestPostgresCluster } from '../../storage/test-postgres.js';
import { postgresSuiteDatabase } from '../../storage/test-postgres-database.js';
import { systemClock } from '../../platform/clock.js';
import { createLogger } from '../../platform/logger.js';
import type { Db } from '../../storage/database.js';
import { createAuditLog } from './audit.log.js';
import { createAuditCheckpoints } from './audit-checkpoints.js';

describe('one audit chain written by two hub replicas on PostgreSQL', { skip: postgresMissing() }, () => {
  let cluster: TestPostgresCluster;
  let first: Db;
  let second: Db | undefined;
  let dir = '';
  before(async () => {
    cluster = await startTestPostgres();
    first = (await postgresSuiteDatabase(cluster, 'audit_replicas')()).db;
    // The second replica: its own connection pool on the same database.
    second = connectPostgres(cluster.url('audit_replicas'), 4);
    dir = mkdtempSync(join(tmpdir(), 'outpost-audit-replicas-'));
  });
  after(async () => {
    await second?.destroy();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps one unbroken chain when both append at the same moment', async () => {
    const kek = randomBytes(32);
    const logger = createLogger('silent');
    // Both replicas sign checkpoints with the shared key (a copied data directory), each its own head file.
    const replica = (db: Db, name: string) => {
      const checkpoints = createAuditCheckpoints({ db, clock: systemClock, logger, dataDir: join(dir, name), kek });
      return createAuditLog({
        db,
        clock: systemClock,
        checkpoints,
        component: { host: name, software: 'hub', version: '0' },
      });
    };
    const a = replica(first, 'a');
    await a.verify();
    cpSync(join(dir, 'a'), join(dir, 'b'), { recursive: true });
    const b = replica(second!, 'b');
    const perReplica = 300;
    const writes = (log: typeof a, name: string) =>
      Array.from({ length: perReplica }, (_, i) =>
        log.record({ actor: { type: 'user', id: name }, action: 'test.append', target: `n:${i}` }),
      );
    const written = await Promise.all([...writes(a, 'a'), ...writes(b, 'b')]);
    const seqs = written.map((r) => r.seq).sort((x, y) => x - y);
    assert.deepEqual(
      seqs,
      Array.from({ length: 2 * perReplica }, (_, i) => i + 1),
    );
    for (const log of [a, b]) {
      const v = await log.verify();
      assert.equal(v.ok, true, JSON.stringify(v));
      assert.equal(v.records, 2 * perReplica);
    }
    // Each replica's records are in the chain, in the order it wrote them.
    const byA = (await a.readAfter(0, 1000)).filter((r) => r.actor === 'a').map((r) => Number(r.target!.slice(2)));
    assert.deepEqual(
      byA,
      [...byA].sort((x, y) => x - y),
    );
    assert.equal(byA.length, perReplica);
  });
});
