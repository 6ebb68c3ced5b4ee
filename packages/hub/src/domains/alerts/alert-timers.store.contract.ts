import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createAlertTimersStore, timerKey } from './alert-timers.store.js';

export function alertTimersStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`alert timers store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('loads nothing and no last run from a fresh database', async () => {
      assert.deepEqual(await createAlertTimersStore(db()).load(), { lastRunAt: null, states: new Map() });
    });

    it('saves timers and the run time, and loads them back with epoch milliseconds intact', async () => {
      const timers = createAlertTimersStore(db());
      const at = Date.parse('2026-03-02T10:00:00.000Z');
      await timers.save(
        at,
        [
          [
            timerKey('rule_a', 'dev|with|bars'),
            { breachSince: at - 60_000, fires: [at - 5000, at - 1000], manualHold: true },
          ],
          [timerKey('rule_b', 'd2'), { clearSince: at - 1, fires: [] }],
        ],
        [],
      );
      const loaded = await timers.load();
      assert.equal(loaded.lastRunAt, at);
      assert.deepEqual(
        loaded.states,
        new Map([
          [
            'rule_a|dev|with|bars',
            { breachSince: at - 60_000, clearSince: undefined, fires: [at - 5000, at - 1000], manualHold: true },
          ],
          ['rule_b|d2', { breachSince: undefined, clearSince: at - 1, fires: [], manualHold: undefined }],
        ]),
      );
    });

    it('overwrites changed timers, drops idle ones and moves the run time', async () => {
      const timers = createAlertTimersStore(db());
      await timers.save(
        1000,
        [
          ['r1|d1', { breachSince: 10, fires: [] }],
          ['r1|d2', { breachSince: 20, fires: [] }],
          ['r2|d1', { breachSince: 30, fires: [] }],
        ],
        [],
      );
      await timers.save(2000, [['r1|d1', { clearSince: 40, fires: [50] }]], ['r1|d2', 'r9|d9']);
      const loaded = await timers.load();
      assert.equal(loaded.lastRunAt, 2000);
      assert.deepEqual([...loaded.states.keys()].sort(), ['r1|d1', 'r2|d1']);
      assert.deepEqual(loaded.states.get('r1|d1'), {
        breachSince: undefined,
        clearSince: 40,
        fires: [50],
        manualHold: undefined,
      });
    });

    it('saves and drops more timers than one statement chunk', async () => {
      const timers = createAlertTimersStore(db());
      const many = Array.from({ length: 950 }, (_, i): [string, { fires: number[] }] => [`r|d${i}`, { fires: [i] }]);
      await timers.save(1, many, []);
      assert.equal((await timers.load()).states.size, 950);
      await timers.save(
        2,
        [],
        many.slice(0, 900).map(([k]) => k),
      );
      assert.deepEqual([...(await timers.load()).states.keys()].length, 50);
    });
  });
}
