import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../../storage/test-database.js';
import { createRolloutsStore, toJobRecord } from './rollouts.store.js';
import { jobRow, rolloutRow } from './rollouts.store.fixture.js';
import { createDeviceFacts } from '../../devices/index.js';

const T0 = '2026-03-02T11:00:00.000Z';
const T1 = '2026-03-02T11:05:00.000Z';
const T2 = '2026-03-02T11:10:00.000Z';

export function rolloutJobsStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`rollouts store contract: jobs (${name})`, () => {
    const db = freshDatabaseEachTest(open);
    const setup = async (...jobs: ReturnType<typeof jobRow>[]) => {
      const store = createRolloutsStore(db(), createDeviceFacts(db()));
      await store.insertRollout(rolloutRow());
      await store.begin('rol_1', ['scheduled'], [10, 10], jobs, T0);
      return store;
    };

    it('claims a queued job for dispatch once, counting the attempt and keeping the first dispatch time', async () => {
      const store = await setup(jobRow('j1', 'd1', 0));
      assert.equal(await store.claimDispatch({ id: 'j1', attempt: 0 }, T1, T2), true);
      assert.equal(await store.claimDispatch({ id: 'j1', attempt: 0 }, T1, T2), false);
      const j = await store.job('j1');
      assert.deepEqual(
        [j?.attempt, j?.dispatched_at, j?.first_dispatched_at, j?.deadline_at, j?.updated_at],
        [1, T1, T1, T2, T1],
      );
      await store.transition(
        { id: 'j1', rollout_id: 'rol_1', state: 'queued', attempt: 1 },
        { dispatched_at: null, next_attempt_at: T1 },
        null,
        T1,
      );
      assert.equal(await store.claimDispatch({ id: 'j1', attempt: 1 }, T2, '2026-03-02T12:00:00.000Z'), true);
      assert.equal((await store.job('j1'))?.first_dispatched_at, T1);
    });

    it('moves a job only from its state and attempt, records history, and clears the deadline at the end', async () => {
      const store = await setup(jobRow('j1', 'd1', 0));
      await store.claimDispatch({ id: 'j1', attempt: 0 }, T0, T2);
      const job = { id: 'j1', rollout_id: 'rol_1', state: 'queued', attempt: 1 };
      assert.equal(
        await store.transition({ ...job, attempt: 0 }, { state: 'downloading' }, { state: 'downloading' }, T1),
        false,
      );
      assert.equal(
        await store.transition(
          job,
          { state: 'downloading', bytes: 5_000_000_000, total: 6_000_000_000 },
          { state: 'downloading', detail: '83%' },
          T1,
        ),
        true,
      );
      assert.equal(await store.transition(job, { state: 'failed' }, { state: 'failed' }, T1), false);
      assert.equal((await store.job('j1'))?.deadline_at, T2, 'an open job keeps its deadline');
      assert.equal(
        await store.transition(
          { ...job, state: 'downloading' },
          { state: 'failed', reason: 'hash_mismatch', last_error: 'bad hash' },
          { state: 'failed', reason: 'hash_mismatch' },
          T2,
        ),
        true,
      );
      const j = await store.job('j1');
      assert.deepEqual(toJobRecord(j!), {
        id: 'j1',
        rolloutId: 'rol_1',
        deviceId: 'd1',
        wave: 0,
        state: 'failed',
        reason: 'hash_mismatch',
        lastError: 'bad hash',
        attempt: 1,
        bytes: 5_000_000_000,
        total: 6_000_000_000,
        fromVersion: '1.1.0',
        revertState: 'none',
        dispatchedAt: T0,
        updatedAt: T2,
      });
      assert.equal(j?.deadline_at, null);
      assert.deepEqual(
        (await store.history('j1')).map((h) => [h.state, h.attempt, h.reason, h.detail]),
        [
          ['queued', 0, null, 'wave 1 of 2'],
          ['downloading', 1, null, '83%'],
          ['failed', 1, 'hash_mismatch', null],
        ],
      );
    });

    it("applies many moves at once: each only from its state and attempt, each job's later move after its earlier one", async () => {
      const store = await setup(jobRow('j1', 'd1', 0), jobRow('j2', 'd2', 0), jobRow('j3', 'd3', 0));
      for (const id of ['j1', 'j2', 'j3']) await store.claimDispatch({ id, attempt: 0 }, T0, T2);
      const at = (id: string, state: string, attempt = 1) => ({ id, rollout_id: 'rol_1', state, attempt });
      const applied = await store.transitionMany(
        [
          { job: at('j1', 'queued'), patch: { state: 'downloading' }, e: { state: 'downloading' } },
          { job: at('j2', 'queued'), patch: { state: 'downloading' }, e: { state: 'downloading' } },
          // Stale: an earlier attempt of j3.
          { job: at('j3', 'queued', 0), patch: { state: 'downloading' }, e: { state: 'downloading' } },
          { job: at('j1', 'downloading'), patch: { state: 'succeeded' }, e: { state: 'succeeded' } },
          // j3 never moved, so its next step finds it elsewhere.
          { job: at('j3', 'downloading'), patch: { state: 'succeeded' }, e: { state: 'succeeded' } },
        ],
        T1,
      );
      assert.deepEqual(applied, [true, true, false, true, false]);
      const states = async (id: string) => [
        (await store.job(id))?.state,
        (await store.history(id)).map((h) => h.state),
      ];
      assert.deepEqual(await states('j1'), ['succeeded', ['queued', 'downloading', 'succeeded']]);
      assert.equal((await store.job('j1'))?.deadline_at, null, 'a finished job has no deadline');
      assert.deepEqual(await states('j2'), ['downloading', ['queued', 'downloading']]);
      assert.equal((await store.job('j2'))?.deadline_at, T2);
      assert.deepEqual(await states('j3'), ['queued', ['queued']]);
    });

    it('claims, reads and moves 1,200 jobs in one call each, every history line whole (nulls kept)', async () => {
      const ids = Array.from({ length: 1200 }, (_, i) => `j${i}`);
      const store = await setup(...ids.map((id, i) => jobRow(id, `d${i}`, 0)));
      const claims = ids.map((id) => ({
        job: { id, attempt: 0 },
        deadlineAt: T2,
        sent: { state: 'sent', detail: 'attempt 1' },
      }));
      assert.ok((await store.claimDispatches(claims, T0)).every(Boolean));
      const read = await store.reportedJobs([...ids, 'j_missing']);
      assert.equal(read.length, 1200);
      assert.deepEqual(
        read.find((j) => j.id === 'j7'),
        {
          id: 'j7',
          rollout_id: 'rol_1',
          device_id: 'd7',
          state: 'queued',
          attempt: 1,
          dispatched_at: T0,
          bytes: 0,
          total: 0,
        },
      );
      const failed = (id: string) => id.endsWith('3');
      const moves = ids.map((id) => ({
        job: { id, rollout_id: 'rol_1', state: 'queued', attempt: 1 },
        patch: failed(id) ? { state: 'failed', reason: 'hash_mismatch' } : { state: 'succeeded' },
        e: failed(id) ? { state: 'failed', reason: 'hash_mismatch', detail: 'bad hash' } : { state: 'succeeded' },
      }));
      assert.ok((await store.transitionMany(moves, T1)).every(Boolean));
      assert.deepEqual(await store.history('j13'), [
        { at: T0, state: 'queued', attempt: 0, reason: null, detail: 'wave 1 of 2' },
        { at: T0, state: 'sent', attempt: 1, reason: null, detail: 'attempt 1' },
        { at: T1, state: 'failed', attempt: 1, reason: 'hash_mismatch', detail: 'bad hash' },
      ]);
      assert.deepEqual(
        (await store.history('j1199')).map((h) => [h.state, h.attempt, h.reason, h.detail]),
        [
          ['queued', 0, null, 'wave 1 of 2'],
          ['sent', 1, null, 'attempt 1'],
          ['succeeded', 1, null, null],
        ],
      );
      const counts = await store.countsByWave('rol_1');
      assert.deepEqual(counts.map((c) => [c.state, c.n]).sort(), [
        ['failed', 120],
        ['succeeded', 1080],
      ]);
    });

    it('notes history lines in order even within one millisecond, without changing the job', async () => {
      const store = await setup(jobRow('j1', 'd1', 0));
      for (let i = 0; i < 5; i++) await store.note('j1', 1, { state: 'progress', detail: `${i}` }, T1);
      assert.deepEqual(
        (await store.history('j1')).slice(1).map((h) => h.detail),
        ['0', '1', '2', '3', '4'],
      );
      assert.equal((await store.job('j1'))?.state, 'queued');
      assert.deepEqual(await store.history('j_x'), []);
    });

    it('closes every queued, unsent job of a rollout and says how many', async () => {
      const store = await setup(
        jobRow('j1', 'd1', 0),
        jobRow('j2', 'd2', 1),
        jobRow('j3', 'd3', 1),
        jobRow('j4', 'd4', 1, { state: 'succeeded' }),
      );
      await store.claimDispatch({ id: 'j1', attempt: 0 }, T1, T2);
      assert.equal(await store.closeQueued('rol_1', 'canceled', 'canceled by ann', T2), 2);
      const states = (await store.jobs('rol_1', { limit: 10, offset: 0 })).map((j) => [j.id, j.state, j.reason]);
      assert.deepEqual(states, [
        ['j1', 'queued', null],
        ['j2', 'canceled', 'canceled by ann'],
        ['j3', 'canceled', 'canceled by ann'],
        ['j4', 'succeeded', null],
      ]);
      assert.deepEqual((await store.history('j2')).at(-1), {
        at: T2,
        state: 'canceled',
        attempt: 0,
        reason: 'canceled by ann',
        detail: null,
      });
      assert.equal(await store.closeQueued('rol_1', 'skipped', 'again', T2), 0);
    });

    it('closes and records only the jobs it closed when one is dispatched meanwhile', async () => {
      const store = await setup(jobRow('j1', 'd1', 0), jobRow('j2', 'd2', 0));
      const [closed, claimed] = await Promise.all([
        store.closeQueued('rol_1', 'canceled', 'rollout_canceled', T1),
        store.claimDispatch({ id: 'j1', attempt: 0 }, T1, T2),
      ]);
      const j1 = await store.job('j1');
      assert.equal(closed, claimed ? 1 : 2);
      assert.equal(j1?.state, claimed ? 'queued' : 'canceled');
      const j1History = (await store.history('j1')).map((h) => h.state);
      assert.deepEqual(j1History, claimed ? ['queued'] : ['queued', 'canceled']);
      assert.equal((await store.job('j2'))?.state, 'canceled');
    });

    it('counts in-flight jobs and dispatches since a time', async () => {
      const store = await setup(jobRow('j1', 'd1', 0), jobRow('j2', 'd2', 0), jobRow('j3', 'd3', 0));
      await store.claimDispatch({ id: 'j1', attempt: 0 }, T0, T2);
      await store.claimDispatch({ id: 'j2', attempt: 0 }, T1, T2);
      await store.transition(
        { id: 'j2', rollout_id: 'rol_1', state: 'queued', attempt: 1 },
        { state: 'succeeded' },
        null,
        T1,
      );
      assert.equal(await store.inFlight('rol_1'), 1);
      assert.equal(await store.dispatchedSince('rol_1', T0), 2);
      assert.equal(await store.dispatchedSince('rol_1', T1), 1);
    });

    it('offers queued, unsent jobs up to a wave whose retry time has come, by wave then creation', async () => {
      const store = await setup(
        jobRow('j1', 'd1', 1),
        jobRow('j2', 'd2', 0, { created_at: '2026-03-02T10:00:01.000Z' }),
        jobRow('j3', 'd3', 0),
        jobRow('j4', 'd4', 0, { next_attempt_at: T2 }),
        jobRow('j5', 'd5', 0, { state: 'failed' }),
      );
      const ids = async (maxWave: number, now: string, limit = 10, deviceId?: string) =>
        (await store.candidates('rol_1', maxWave, now, limit, deviceId)).map((j) => j.id);
      assert.deepEqual(await ids(0, T1), ['j3', 'j2']);
      assert.deepEqual(await ids(1, T2), ['j3', 'j4', 'j2', 'j1']);
      assert.deepEqual(await ids(1, T2, 1), ['j3']);
      assert.deepEqual(await ids(1, T2, 10, 'd4'), ['j4']);
    });

    it('finds sent jobs past their deadline, and open or queued jobs of a device', async () => {
      const store = await setup(
        jobRow('j1', 'd1', 0),
        jobRow('j2', 'd2', 0),
        jobRow('j3', 'd1', 1, { rollout_id: 'rol_1', id: 'j3', device_id: 'd9' }),
      );
      await store.claimDispatch({ id: 'j1', attempt: 0 }, T0, T1);
      await store.claimDispatch({ id: 'j2', attempt: 0 }, T0, T2);
      assert.deepEqual(
        (await store.timedOut(T1)).map((j) => j.id),
        ['j1'],
      );
      await store.transition(
        { id: 'j1', rollout_id: 'rol_1', state: 'queued', attempt: 1 },
        { state: 'succeeded' },
        null,
        T1,
      );
      assert.deepEqual(await store.timedOut(T1), []);
      assert.deepEqual(
        (await store.openForDevice('d2')).map((j) => j.id),
        ['j2'],
      );
      assert.deepEqual(await store.openForDevice('d1'), []);
      assert.deepEqual(await store.queuedForDevice('d9'), [{ rollout_id: 'rol_1' }]);
      assert.deepEqual(await store.queuedForDevice('d2'), []);
    });

    it('lets a device download an artifact only while one of its jobs for it is in flight', async () => {
      const store = await setup(jobRow('j1', 'd1', 0), jobRow('j2', 'd2', 0));
      assert.equal(await store.mayDownload('d1', 'art_1'), false);
      await store.claimDispatch({ id: 'j1', attempt: 0 }, T0, T2);
      assert.equal(await store.mayDownload('d1', 'art_1'), true);
      assert.equal(await store.mayDownload('d1', 'art_2'), false);
      await store.transition(
        { id: 'j1', rollout_id: 'rol_1', state: 'queued', attempt: 1 },
        { state: 'succeeded' },
        null,
        T1,
      );
      assert.equal(await store.mayDownload('d1', 'art_1'), false);
    });

    it('marks succeeded jobs for revert and moves each revert step once, with history', async () => {
      const store = await setup(
        jobRow('j1', 'd1', 0, { state: 'succeeded' }),
        jobRow('j2', 'd2', 0, { state: 'failed' }),
        jobRow('j3', 'd3', 0, { state: 'succeeded' }),
      );
      await store.markReverts('rol_1', T1);
      assert.deepEqual((await store.revertsFor('rol_1', ['pending'], 10)).map((j) => j.id).sort(), ['j1', 'j3']);
      assert.equal((await store.revertsFor('rol_1', ['pending'], 1)).length, 1);
      assert.equal(await store.setRevert('j1', 'pending', 'sent', T2), true);
      assert.equal(await store.setRevert('j1', 'pending', 'sent', T2), false);
      assert.deepEqual(
        (await store.revertsSentTo('d1')).map((j) => j.id),
        ['j1'],
      );
      assert.deepEqual(await store.revertsSentTo('d3'), []);
      assert.deepEqual((await store.history('j1')).at(-1), {
        at: T2,
        state: 'revert_sent',
        attempt: 0,
        reason: null,
        detail: null,
      });
      assert.deepEqual((await store.revertsFor('rol_1', ['sent', 'pending'], 10)).map((j) => j.id).sort(), [
        'j1',
        'j3',
      ]);
    });
  });
}
