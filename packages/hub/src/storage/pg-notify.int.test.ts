import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { connectPostgres } from './postgres.js';
import { batches, startPgReplicaChannel, type PgReplicaChannel } from './pg-notify.js';
import { postgresMissing, startTestPostgres, type TestPostgresCluster } from './test-postgres.js';
import { createLogger } from '../platform/logger.js';
import { eventually } from '../../test/support/eventually.js';

describe('live changes between hub replicas over LISTEN/NOTIFY', { skip: postgresMissing() }, () => {
  let cluster: TestPostgresCluster;
  let url = '';
  const channels: PgReplicaChannel[] = [];
  const open = async () => {
    const c = startPgReplicaChannel({ url, channel: 'outpost_live', logger: createLogger('silent') });
    channels.push(c);
    await c.ready;
    return c;
  };
  before(async () => {
    cluster = await startTestPostgres();
    url = await cluster.createDatabase('events');
  });
  after(async () => {
    for (const c of channels) await c.close();
    await cluster?.stop();
  });

  it('delivers each message once to every other replica, in order, and none back to its sender', async () => {
    const [a, b, c] = [await open(), await open(), await open()];
    const got = { a: [] as unknown[], b: [] as unknown[], c: [] as unknown[] };
    a.subscribe((m) => got.a.push(m));
    b.subscribe((m) => got.b.push(m));
    c.subscribe((m) => got.c.push(m));
    // Enough in one turn to need several NOTIFY payloads.
    const sent = Array.from({ length: 2000 }, (_, i) => ({ k: 'presence', id: `device-${i}`, s: 'online' }));
    for (const m of sent) a.publish(m);
    b.publish({ k: 'alerts' });
    await eventually(async () => got.b.length >= sent.length && got.c.length >= sent.length + 1, 20_000);
    assert.deepEqual(got.b, sent);
    assert.deepEqual(
      got.c.filter((m) => (m as { k: string }).k === 'presence'),
      sent,
    );
    assert.deepEqual(got.a, [{ k: 'alerts' }]);
  });

  it('keeps every payload under the PostgreSQL bound and leaves out a message that cannot fit', () => {
    const out = batches('o', [
      { big: 'x'.repeat(9000) },
      ...Array.from({ length: 2000 }, (_, i) => ({ id: `d-${i}` })),
    ]);
    assert.ok(out.length > 1);
    for (const p of out) assert.ok(Buffer.byteLength(p) < 8000, String(Buffer.byteLength(p)));
    const ids = out.flatMap((p) => (JSON.parse(p) as { m: Array<{ id?: string }> }).m.map((m) => m.id));
    assert.equal(ids.length, 2000);
    assert.equal(ids.includes(undefined), false);
  });

  it('listens again after its connection to PostgreSQL is cut, and says so', async () => {
    const [a, b] = [await open(), await open()];
    const got: unknown[] = [];
    let resyncs = 0;
    b.subscribe((m) => got.push(m));
    b.onResync(() => resyncs++);
    const admin = connectPostgres(url, 1);
    try {
      await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE application_name = 'outpost-hub-events' AND pid <> pg_backend_pid()`.execute(admin);
    } finally {
      await admin.destroy();
    }
    await eventually(async () => resyncs >= 1, 20_000);
    // Both ends were cut: messages published now go out once the sender is back too.
    await eventually(async () => {
      a.publish({ k: 'rollout', id: 'r-1' });
      return got.length > 0;
    }, 20_000);
    assert.deepEqual(got[0], { k: 'rollout', id: 'r-1' });
  });
});
