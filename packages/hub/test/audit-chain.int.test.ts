import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestHub, type TestHub } from './support/test-hub.js';

describe('audit log hash chain', () => {
  let t: TestHub;
  before(async () => {
    t = await startTestHub();
    await t.admin.groups.create({ path: 'audit-a', kind: 'static' });
    await t.admin.groups.create({ path: 'audit-b', kind: 'static' });
    await t.admin.enrollment.createToken({ label: 'audit' });
  });
  after(() => t.stop());

  it('records who did what, when, from where, and verifies intact', async () => {
    const list = await t.admin.audit.list({ action: 'group.create' });
    const rec = list.items.find((r) => r.target === 'group:audit-a')!;
    assert.equal(rec.actor, 'admin');
    assert.equal(rec.actorType, 'user');
    assert.equal(rec.outcome, 'ok');
    assert.equal(rec.sourceIp, '127.0.0.1');
    assert.match(rec.ts, /Z$/);
    const v = await t.admin.audit.verify();
    assert.equal(v.ok, true);
    assert.ok(v.records >= 5);
  });

  it('names the first broken record when a row is edited', async () => {
    const target = (await t.admin.audit.list({ action: 'group.create' })).items.find(
      (r) => r.target === 'group:audit-a',
    )!;
    await sql`update audit_log set actor = 'mallory' where seq = ${target.seq}`.execute(t.hub.db);
    const v = await t.admin.audit.verify();
    assert.equal(v.ok, false);
    assert.equal(v.firstBrokenSeq, target.seq);
    await sql`update audit_log set actor = 'admin' where seq = ${target.seq}`.execute(t.hub.db);
    assert.equal((await t.admin.audit.verify()).ok, true);
  });

  it('detects a deleted record and a re-hashed forgery', async () => {
    const all = (await t.admin.audit.list({ limit: 1000 })).items;
    const mid = all[Math.floor(all.length / 2)];
    const row = await sql<Record<string, unknown>>`select * from audit_log where seq = ${mid.seq}`.execute(t.hub.db);
    await sql`delete from audit_log where seq = ${mid.seq}`.execute(t.hub.db);
    const v = await t.admin.audit.verify();
    assert.equal(v.ok, false);
    assert.equal(v.firstBrokenSeq, mid.seq);
    const r = row.rows[0];
    await sql`insert into audit_log (seq, ts, actor_type, actor, action, target, outcome, source_ip, details_json, prev_hash, hash)
      values (${r.seq}, ${r.ts}, ${r.actor_type}, ${r.actor}, ${r.action}, ${r.target}, ${r.outcome}, ${r.source_ip}, ${r.details_json}, ${r.prev_hash}, ${'f'.repeat(64)})`.execute(
      t.hub.db,
    );
    const v2 = await t.admin.audit.verify();
    assert.equal(v2.ok, false);
    assert.equal(v2.firstBrokenSeq, mid.seq);
  });
});
