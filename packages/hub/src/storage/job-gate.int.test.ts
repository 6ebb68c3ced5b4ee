import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connectPostgres } from './postgres.js';
import { createJobGate } from './sql-dialect.js';
import { postgresMissing, startTestPostgres, type TestPostgresCluster } from './test-postgres.js';
import type { Db } from './database.js';

describe('background jobs on a shared PostgreSQL database', { skip: postgresMissing() }, () => {
  let cluster: TestPostgresCluster;
  const conns: Db[] = [];
  // One lock connection per hub, as each hub opens its own.
  const hubGate = () => {
    const db = connectPostgres(url, 1, { keepIdle: true });
    conns.push(db);
    return createJobGate(db);
  };
  let url = '';

  before(async () => {
    cluster = await startTestPostgres();
    url = await cluster.createDatabase('jobs');
  });
  after(async () => {
    for (const db of conns) await db.destroy();
    await cluster?.stop();
  });

  it('runs a job on one hub at a time, other jobs beside it, and the job again once it is done', async () => {
    const [a, b] = [hubGate(), hubGate()];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const first = a.runAlone('retention', async () => {
      started();
      await held;
      return 'a';
    });
    // Hub a holds the job once its work has begun (or its attempt ended: then it says why).
    await Promise.race([running, first.then((r) => assert.fail(`hub a did not run the job: ${JSON.stringify(r)}`))]);
    // While hub a runs it, hub b leaves it alone but runs another job.
    assert.deepEqual(await b.runAlone('retention', async () => 'b'), { ran: false });
    assert.deepEqual(await b.runAlone('alerts', async () => 'b'), { ran: true, result: 'b' });
    release();
    assert.deepEqual(await first, { ran: true, result: 'a' });
    assert.deepEqual(await b.runAlone('retention', async () => 'b'), { ran: true, result: 'b' });
  });

  it('lets the job go when its work fails', async () => {
    const [a, b] = [hubGate(), hubGate()];
    await assert.rejects(
      a.runAlone('reports', async () => {
        throw new Error('report failed');
      }),
      /report failed/,
    );
    assert.deepEqual(await b.runAlone('reports', async () => 1), { ran: true, result: 1 });
  });

  it('hands a job over within moments when the process holding it is killed (SIGKILL)', async () => {
    // Another hub process: it takes the job's lock as the gate does and holds it until killed.
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import pg from 'pg';
         const c = new pg.Client({ connectionString: process.env.PG_URL });
         await c.connect();
         const r = await c.query("SELECT pg_try_advisory_lock(hashtextextended('outpost-job:rollouts', 0)) AS got");
         console.log(r.rows[0].got ? 'holding' : 'refused');
         setInterval(() => {}, 1000);`,
      ],
      { env: { ...process.env, PG_URL: url }, stdio: ['ignore', 'pipe', 'inherit'], cwd: import.meta.dirname },
    );
    try {
      const said = await new Promise<string>((resolve, reject) => {
        holder.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
        holder.once('exit', (code) => reject(new Error(`the lock holder exited (${code})`)));
      });
      assert.equal(said, 'holding');
      const gate = hubGate();
      assert.deepEqual(await gate.runAlone('rollouts', async () => 'b'), { ran: false });
      const killedAt = Date.now();
      holder.kill('SIGKILL');
      // Polled as often as a fast job would run: the lock is free as soon as the server sees the connection gone.
      while (!(await gate.runAlone('rollouts', async () => 'b')).ran) {
        assert.ok(Date.now() - killedAt < 30_000, 'the job was not handed over within 30 s');
        await new Promise((res) => setTimeout(res, 20));
      }
      console.log(`job lock handover after SIGKILL: ${Date.now() - killedAt} ms`);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('always runs on SQLite, where one hub owns the database', async () => {
    assert.deepEqual(await createJobGate(null).runAlone('retention', async () => 2), { ran: true, result: 2 });
  });
});
