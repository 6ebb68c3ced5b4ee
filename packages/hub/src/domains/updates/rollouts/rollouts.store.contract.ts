import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../../storage/test-database.js';
import { createDevicesStore } from '../../devices/devices.store.js';
import { newDevice } from '../../devices/devices.store.contract.js';
import { createRolloutsStore } from './rollouts.store.js';
import { jobRow, rolloutRow } from './rollouts.store.fixture.js';
import { createDeviceFacts } from '../../devices/index.js';

const T0 = '2026-03-02T11:00:00.000Z';

export function rolloutsStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`rollouts store contract: rollouts and waves (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('inserts and reads a rollout, lists newest first and by state oldest first', async () => {
      const store = createRolloutsStore(db(), createDeviceFacts(db()));
      await store.insertRollout(rolloutRow());
      await store.insertRollout(rolloutRow({ id: 'rol_2', created_at: '2026-03-03T00:00:00.000Z', state: 'running' }));
      await store.insertRollout(rolloutRow({ id: 'rol_3', created_at: '2026-03-01T00:00:00.000Z', state: 'running' }));
      assert.deepEqual(await store.rollout('rol_1'), rolloutRow());
      assert.equal(await store.rollout('rol_x'), undefined);
      await assert.rejects(store.insertRollout(rolloutRow()));
      assert.deepEqual(
        (await store.list(10)).map((r) => r.id),
        ['rol_2', 'rol_1', 'rol_3'],
      );
      assert.deepEqual(
        (await store.list(1)).map((r) => r.id),
        ['rol_2'],
      );
      assert.deepEqual(
        (await store.inStates(['running'])).map((r) => r.id),
        ['rol_3', 'rol_2'],
      );
      assert.deepEqual(await store.inStates(['done']), []);
    });

    it('updates a rollout only from the given states and, when asked, only at the given wave', async () => {
      const store = createRolloutsStore(db(), createDeviceFacts(db()));
      await store.insertRollout(rolloutRow({ state: 'running', current_wave: 0 }));
      assert.equal(await store.updateRollout('rol_1', ['scheduled'], { state: 'canceled' }), false);
      assert.equal(await store.updateRollout('rol_1', ['running'], { current_wave: 1 }, { currentWave: 1 }), false);
      assert.equal(
        await store.updateRollout('rol_1', ['running', 'paused'], { current_wave: 1 }, { currentWave: 0 }),
        true,
      );
      assert.equal(
        await store.updateRollout('rol_1', ['running'], { state: 'paused', reason: 'by hand', state_changed_at: T0 }),
        true,
      );
      assert.deepEqual(
        await store.rollout('rol_1'),
        rolloutRow({ state: 'paused', current_wave: 1, reason: 'by hand', state_changed_at: T0 }),
      );
    });

    it('begins a rollout once: running, waves with the first running, jobs queued with history', async () => {
      const store = createRolloutsStore(db(), createDeviceFacts(db()));
      await store.insertRollout(rolloutRow());
      const jobs = [jobRow('j1', 'd1', 0), jobRow('j2', 'd2', 1), jobRow('j3', 'd3', 1)];
      assert.equal(await store.begin('rol_1', ['scheduled'], [1, 2], jobs, T0), true);
      assert.equal(await store.begin('rol_1', ['scheduled'], [1, 2], jobs, T0), false);
      const r = await store.rollout('rol_1');
      assert.deepEqual([r?.state, r?.current_wave, r?.started_at, r?.state_changed_at], ['running', 0, T0, T0]);
      assert.deepEqual(await store.waves('rol_1'), [
        { rollout_id: 'rol_1', idx: 0, size: 1, state: 'running', started_at: T0, passed_at: null, approved_by: null },
        {
          rollout_id: 'rol_1',
          idx: 1,
          size: 2,
          state: 'pending',
          started_at: null,
          passed_at: null,
          approved_by: null,
        },
      ]);
      assert.deepEqual(await store.history('j2'), [
        { at: T0, state: 'queued', attempt: 0, reason: null, detail: 'wave 2 of 2' },
      ]);
      assert.deepEqual(
        (await store.jobs('rol_1', { limit: 10, offset: 0 })).map((j) => j.id),
        ['j1', 'j2', 'j3'],
      );
    });

    it('begins with no waves and no jobs', async () => {
      const store = createRolloutsStore(db(), createDeviceFacts(db()));
      await store.insertRollout(rolloutRow());
      assert.equal(await store.begin('rol_1', ['scheduled'], [], [], T0), true);
      assert.deepEqual(await store.waves('rol_1'), []);
    });

    it('moves a wave only from the given states and counts jobs by wave and state', async () => {
      const store = createRolloutsStore(db(), createDeviceFacts(db()));
      await store.insertRollout(rolloutRow());
      await store.begin(
        'rol_1',
        ['scheduled'],
        [1, 2],
        [jobRow('j1', 'd1', 0, { state: 'succeeded' }), jobRow('j2', 'd2', 1), jobRow('j3', 'd3', 1)],
        T0,
      );
      assert.equal(await store.setWave('rol_1', 0, ['pending'], { state: 'passed' }), false);
      assert.equal(await store.setWave('rol_1', 0, ['running'], { state: 'awaiting_approval' }), true);
      assert.equal(
        await store.setWave('rol_1', 0, ['awaiting_approval'], { state: 'passed', passed_at: T0, approved_by: 'ann' }),
        true,
      );
      assert.equal(await store.setWave('rol_1', 7, ['pending'], { state: 'running' }), false);
      assert.deepEqual((await store.waves('rol_1'))[0], {
        rollout_id: 'rol_1',
        idx: 0,
        size: 1,
        state: 'passed',
        started_at: T0,
        passed_at: T0,
        approved_by: 'ann',
      });
      const counts = (await store.countsByWave('rol_1')).sort((a, b) => a.wave - b.wave);
      assert.deepEqual(counts, [
        { wave: 0, state: 'succeeded', n: 1 },
        { wave: 1, state: 'queued', n: 2 },
      ]);
    });

    it('lists jobs by state, wave and device with limit and offset', async () => {
      const store = createRolloutsStore(db(), createDeviceFacts(db()));
      await store.insertRollout(rolloutRow());
      await store.begin(
        'rol_1',
        ['scheduled'],
        [2, 2],
        [
          jobRow('j4', 'd4', 1, { state: 'failed' }),
          jobRow('j1', 'd1', 0),
          jobRow('j3', 'd3', 1),
          jobRow('j2', 'd2', 0),
        ],
        T0,
      );
      const ids = async (q: Parameters<typeof store.jobs>[1]) => (await store.jobs('rol_1', q)).map((j) => j.id);
      assert.deepEqual(await ids({ limit: 10, offset: 0 }), ['j1', 'j2', 'j3', 'j4']);
      assert.deepEqual(await ids({ limit: 2, offset: 1 }), ['j2', 'j3']);
      assert.deepEqual(await ids({ limit: 10, offset: 0, state: 'failed' }), ['j4']);
      assert.deepEqual(await ids({ limit: 10, offset: 0, wave: 0 }), ['j1', 'j2']);
      assert.deepEqual(await ids({ limit: 10, offset: 0, deviceId: 'd3' }), ['j3']);
      assert.deepEqual(await store.jobs('rol_x', { limit: 10, offset: 0 }), []);
      assert.deepEqual(await store.job('j1'), jobRow('j1', 'd1', 0));
      assert.equal(await store.job('j_x'), undefined);
    });

    it('tells whether an artifact is used by a rollout and reads device facts', async () => {
      const store = createRolloutsStore(db(), createDeviceFacts(db()));
      await store.insertRollout(rolloutRow());
      assert.equal(await store.artifactInUse('art_1'), true);
      assert.equal(await store.artifactInUse('art_2'), false);
      const devices = createDevicesStore(db());
      await devices.insert(newDevice({ id: 'd1' }));
      await devices.insert(newDevice({ id: 'd2', model: null }));
      assert.deepEqual(
        await store.deviceFacts(['d1', 'd2', 'dx']),
        new Map([
          ['d1', { model: 'pump', firmware: null, agentVersion: null, updateRoot: null }],
          ['d2', { model: null, firmware: null, agentVersion: null, updateRoot: null }],
        ]),
      );
    });

    it('lists rollouts with a rollback pending', async () => {
      const store = createRolloutsStore(db(), createDeviceFacts(db()));
      await store.insertRollout(rolloutRow());
      await store.insertRollout(rolloutRow({ id: 'rol_2', rollback_state: 'pending' }));
      assert.deepEqual(
        (await store.rollbacksPending()).map((r) => r.id),
        ['rol_2'],
      );
    });
  });
}
