import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../../platform/manual-clock.js';
import { freshDatabaseEachTest, openTestDatabase } from '../../storage/test-database.js';
import { createAuditLog } from './audit.log.js';
import { SYSTEM_ACTOR } from './audit.types.js';

const component = { host: 'hub-1', software: 'outpost-hub', version: '1.2.3' };

describe('audit component field', () => {
  const db = freshDatabaseEachTest(openTestDatabase);

  it('records the component from now on, and a chain of older records without it still verifies', async () => {
    const clock = createManualClock(Date.parse('2026-12-07T00:00:00.000Z'));
    // Records written before the component existed.
    const older = createAuditLog({ db: db(), clock });
    await older.record({ actor: SYSTEM_ACTOR, action: 'old.one' });
    await older.record({ actor: { type: 'user', id: 'ann' }, action: 'old.two', outcome: 'denied' });
    const log = createAuditLog({ db: db(), clock, component });
    await log.record({ actor: SYSTEM_ACTOR, action: 'new.one' });
    await log.record({ actor: { type: 'token', id: 'opt_1' }, action: 'new.two', outcome: 'failed' });

    const records = (await log.readAfter(0, 10)).map((r) => [r.action, r.component ?? null]);
    assert.deepEqual(records, [
      ['old.one', null],
      ['old.two', null],
      ['new.one', component],
      ['new.two', component],
    ]);
    assert.deepEqual(await log.verify(), {
      ok: true,
      records: 4,
      lastHash: (await log.readAfter(3, 1))[0].hash,
      checkpoints: 0,
    });
    assert.equal(await log.lastSeq(), 4);
  });

  it('hashes the component with the record: changing it breaks the chain at that record', async () => {
    const clock = createManualClock(Date.parse('2026-12-07T00:00:00.000Z'));
    const log = createAuditLog({ db: db(), clock, component });
    for (const action of ['a', 'b', 'c']) await log.record({ actor: SYSTEM_ACTOR, action });
    await db()
      .updateTable('audit_log')
      .set({ component_json: JSON.stringify({ ...component, host: 'elsewhere' }) })
      .where('seq', '=', 2)
      .execute();
    const v = await log.verify();
    assert.equal(v.ok, false);
    assert.equal(v.ok === false && v.firstBrokenSeq, 2);
    assert.match(v.ok === false ? v.reason : '', /content does not match its hash/);
  });
});
