// The audit log against someone who can write the hub's database: each way of rewriting history is
// applied to a copy of a real hub's data directory, and verification must name where it breaks.
// The last case also rewrites what the hub keeps beside the database; only checkpoints kept
// outside the hub (`outpost audit checkpoints --out`) still show it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import type { AuditCheckpoint, AuditComponent, AuditVerifyResult } from '@outpost/protocol';
import { auditRecordHash } from '@outpost/protocol/node';
import { ADMIN_PASSWORD, startTestHub, type TestHub } from './support/test-hub.js';
import { OUTPOST_MAIN } from '../../cli/test/outpost-command.js';
import { defaultKekPath } from '../src/index.js';

const exec = promisify(execFile);
const RECORDS = 40;

type Row = Record<string, unknown> & { seq: number; hash: string; prev_hash: string; details_json: string };

/** A copy of a data directory with its KEK, which lives beside it (pki/kek.ts). */
function copyDataDir(from: string, to: string) {
  cpSync(from, to, { recursive: true });
  cpSync(defaultKekPath(from), defaultKekPath(to));
}

/** Opens a copy's database as an attacker would, with nothing but SQL. */
function tamper(dir: string, fn: (db: BetterSqlite3.Database) => void) {
  const db = new BetterSqlite3(join(dir, 'outpost.db'));
  try {
    fn(db);
  } finally {
    db.close();
  }
}

/** Recomputes every hash from `fromSeq` on, so the chain links up again. */
function relink(db: BetterSqlite3.Database, fromSeq: number) {
  const rows = db.prepare('select * from audit_log where seq >= ? order by seq').all(fromSeq) as Row[];
  let prev = (db.prepare('select hash from audit_log where seq = ?').get(fromSeq - 1) as { hash: string }).hash;
  const update = db.prepare('update audit_log set prev_hash = ?, hash = ? where seq = ?');
  for (const r of rows) {
    const body = {
      seq: r.seq,
      ts: r.ts as string,
      actorType: r.actor_type as string,
      actor: r.actor as string,
      action: r.action as string,
      target: r.target as string | null,
      outcome: r.outcome as 'ok',
      sourceIp: r.source_ip as string | null,
      details: JSON.parse(r.details_json) as Record<string, unknown>,
      // Hashed with the record since migration 019, when the record has one.
      ...(r.component_json ? { component: JSON.parse(r.component_json as string) as AuditComponent } : {}),
      prevHash: prev,
    };
    const hash = auditRecordHash(body);
    update.run(prev, hash, r.seq);
    prev = hash;
  }
}

describe('audit anchoring', () => {
  const root = mkdtempSync(join(tmpdir(), 'outpost-audit-'));
  const pristine = join(root, 'pristine');
  const witness = join(root, 'witness.json');
  let headSeq = 0;
  let witnessSeq = 0;

  before(async () => {
    const t = await startTestHub({}, pristine);
    for (let i = 0; i < RECORDS; i++) await t.admin.tokens.create({ name: `record-${i}`, role: 'viewer' });
    await t.stop(); // signs the head on the way out
    const t2 = await startTestHub({}, pristine);
    const env = { ...process.env, OUTPOST_HOME: join(root, 'home') };
    const cli = (...args: string[]) => exec(process.execPath, [OUTPOST_MAIN, ...args], { env, timeout: 60_000 });
    const ca = join(pristine, 'pki', 'ca.crt');
    await cli('login', '--hub', t2.hub.httpUrl, '--ca-file', ca, '--username', 'admin', '--password', ADMIN_PASSWORD);
    await cli('audit', 'checkpoints', '--out', witness);
    await t2.stop();
    headSeq = (JSON.parse(readFileSync(join(pristine, 'audit', 'head-checkpoint.json'), 'utf8')) as AuditCheckpoint)
      .seq;
    const kept = JSON.parse(readFileSync(witness, 'utf8')) as { checkpoints: AuditCheckpoint[] };
    witnessSeq = kept.checkpoints[kept.checkpoints.length - 1].seq;
    assert.ok(witnessSeq > RECORDS && headSeq > witnessSeq, `${witnessSeq} ${headSeq}`);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  /** A copy of the data directory, tampered with, then verified by a hub started on it. */
  async function verifyAfter(name: string, fn: (db: BetterSqlite3.Database, dir: string) => void) {
    const dir = join(root, name);
    copyDataDir(pristine, dir);
    tamper(dir, (db) => fn(db, dir));
    const t: TestHub = await startTestHub({}, dir);
    try {
      return { result: (await t.admin.audit.verify()) as AuditVerifyResult, t, dir };
    } finally {
      await t.stop();
    }
  }

  it('finds the untouched chain intact, with its checkpoints', async () => {
    const { result } = await verifyAfter('untouched', () => undefined);
    assert.equal(result.ok, true);
    assert.ok(result.ok && result.checkpoints >= 2, JSON.stringify(result));
  });

  it('names a record edited in place', async () => {
    const { result } = await verifyAfter('edited', (db) =>
      db.prepare("update audit_log set actor = 'mallory' where seq = 12").run(),
    );
    assert.deepEqual(result.ok === false && [result.firstBrokenSeq, result.reason], [
      12,
      'record content does not match its hash',
    ]);
  });

  it('names a record deleted from the middle', async () => {
    const { result } = await verifyAfter('middle', (db) => db.prepare('delete from audit_log where seq = 9').run());
    assert.deepEqual(result.ok === false && [result.firstBrokenSeq, result.reason], [9, 'record 9 is missing']);
  });

  it('names the range cut from the end, even with its checkpoints deleted from the database', async () => {
    const { result } = await verifyAfter('truncated', (db) => {
      db.prepare('delete from audit_log where seq > ?').run(headSeq - 5);
      db.prepare('delete from audit_checkpoints where seq > ?').run(headSeq - 5);
    });
    // The restarted hub's own first records take the freed numbers; from there on nothing links to the signed head.
    assert.equal(result.ok, false);
    assert.ok(result.ok === false && result.firstBrokenSeq <= headSeq - 2, JSON.stringify(result));
    assert.match(
      result.ok === false ? result.reason : '',
      new RegExp(`missing: the head signed at .* is record ${headSeq}$`),
    );
  });

  it('names the range of a chain edited and re-hashed from there on', async () => {
    const { result } = await verifyAfter('rehashed', (db) => {
      db.prepare(`update audit_log set details_json = '{"name":"forged"}' where seq = 15`).run();
      relink(db, 15);
    });
    assert.equal(result.ok, false);
    assert.ok(result.ok === false && result.firstBrokenSeq <= 15, JSON.stringify(result));
    assert.match(result.ok === false ? result.reason : '', /rewritten: record \d+ differs from the head signed at/);
  });

  it('a hub whose chain disagrees with its signed head signs nothing more', async () => {
    const dir = join(root, 'no-laundering');
    copyDataDir(pristine, dir);
    tamper(dir, (db) => {
      db.prepare('delete from audit_log where seq > ?').run(headSeq - 3);
      db.prepare('delete from audit_checkpoints').run();
    });
    const t = await startTestHub({}, dir);
    await t.stop(); // would sign the shortened chain on the way out, if it signed anything
    tamper(dir, (db) =>
      assert.equal((db.prepare('select count(*) as n from audit_checkpoints').get() as { n: number }).n, 0),
    );
    assert.match(readFileSync(t.logFile, 'utf8'), /no longer holds record \d+ as signed/);
  });

  it('checkpoints kept outside the hub show a rewrite the hub cannot see', async () => {
    const dir = join(root, 'outside');
    copyDataDir(pristine, dir);
    // The whole data directory is the attacker's: records, checkpoints and the head file agree.
    const cut = witnessSeq - 3;
    tamper(dir, (db) => {
      db.prepare('delete from audit_log where seq > ?').run(cut);
      db.prepare('delete from audit_checkpoints where seq > ?').run(cut);
    });
    rmSync(join(dir, 'audit', 'head-checkpoint.json'));
    const t = await startTestHub({}, dir);
    try {
      // The hub, knowing only what it was left, finds a chain that agrees with itself.
      const own = (await t.admin.audit.verify()) as AuditVerifyResult;
      assert.equal(own.ok, true, JSON.stringify(own));
      const env = { ...process.env, OUTPOST_HOME: join(root, 'home-outside') };
      const cli = (...args: string[]) => exec(process.execPath, [OUTPOST_MAIN, ...args], { env, timeout: 60_000 });
      await cli(
        'login',
        '--hub',
        t.hub.httpUrl,
        '--ca-file',
        join(dir, 'pki', 'ca.crt'),
        '--username',
        'admin',
        '--password',
        ADMIN_PASSWORD,
      );
      const r = await cli('audit', 'verify', '--checkpoints', witness).then(
        () => assert.fail('verification against the kept checkpoints passed'),
        (e: { code: number; stdout: string }) => e,
      );
      assert.equal(r.code, 3);
      // The restarted hub's own records refill the freed numbers, so the cut shows as missing or rewritten.
      assert.match(r.stdout, /audit chain BROKEN from record \d+: .*(missing|rewritten).* \(checked here against /);
      // Extending the kept file from this hub is refused too: a checkpoint it held is gone.
      writeFileSync(join(root, 'copy.json'), readFileSync(witness));
      const ext = await cli('audit', 'checkpoints', '--out', join(root, 'copy.json')).then(
        () => assert.fail('the kept checkpoints were extended'),
        (e: { stderr: string }) => e,
      );
      assert.match(ext.stderr, /no longer has the checkpoint at record \d+ kept in .*: the audit log was cut/);
    } finally {
      await t.stop();
    }
  });
});
