import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandRecord } from '@outpost/protocol';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createCommandsStore } from './commands.store.js';

type Stored = CommandRecord & { batchId: string | null };

const command = (over: Partial<Stored> = {}): Stored => ({
  id: 'cmd_1',
  batchId: null,
  deviceId: 'dev_a',
  name: 'ping',
  args: {},
  state: 'pending',
  result: null,
  error: null,
  createdBy: 'ann',
  createdAt: '2026-03-02T10:00:00.000Z',
  deadline: '2026-03-02T10:05:00.000Z',
  finishedAt: null,
  ...over,
});

export function commandsStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`commands store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('reads back commands with their arguments and batch', async () => {
      const store = createCommandsStore(db());
      const args = { delayS: 5, reason: 'maintenance', nested: { list: [1, 'two'] } };
      await store.insertMany([command({ args, batchId: 'bat_1' }), command({ id: 'cmd_2' })]);
      assert.deepEqual(await store.get('cmd_1'), command({ args, batchId: 'bat_1' }));
      assert.deepEqual(await store.get('cmd_2'), command({ id: 'cmd_2' }));
      assert.equal(await store.get('cmd_x'), null);
    });

    it('inserts all commands of a batch or none when one id repeats', async () => {
      const store = createCommandsStore(db());
      await store.insertMany([command()]);
      await assert.rejects(store.insertMany([command({ id: 'cmd_2' }), command({ id: 'cmd_1' })]));
      assert.equal(await store.get('cmd_2'), null);
      await store.insertMany([]);
    });

    it('inserts a batch larger than one statement chunk', async () => {
      const store = createCommandsStore(db());
      const many = Array.from({ length: 620 }, (_, i) =>
        command({ id: `c${i}`, batchId: 'bat_big', deviceId: `d${String(i).padStart(3, '0')}` }),
      );
      await store.insertMany(many);
      assert.equal((await store.ofBatch('bat_big')).length, 620);
    });

    it("lists a device's commands newest first up to a limit, and a batch by device", async () => {
      const store = createCommandsStore(db());
      await store.insertMany([
        command({ id: 'c1', createdAt: '2026-03-02T10:00:00.000Z', batchId: 'b' }),
        command({ id: 'c2', createdAt: '2026-03-02T10:02:00.000Z' }),
        command({ id: 'c3', createdAt: '2026-03-02T10:01:00.000Z' }),
        command({ id: 'c4', deviceId: 'dev_0', batchId: 'b' }),
      ]);
      assert.deepEqual(
        (await store.ofDevice('dev_a', 10)).map((c) => c.id),
        ['c2', 'c3', 'c1'],
      );
      assert.deepEqual(
        (await store.ofDevice('dev_a', 1)).map((c) => c.id),
        ['c2'],
      );
      assert.deepEqual(
        (await store.ofBatch('b')).map((c) => c.id),
        ['c4', 'c1'],
      );
      assert.deepEqual(await store.ofBatch('none'), []);
    });

    it("finds a device's pending commands before their deadline, oldest first", async () => {
      const store = createCommandsStore(db());
      await store.insertMany([
        command({ id: 'c1', createdAt: '2026-03-02T10:01:00.000Z' }),
        command({ id: 'c2', createdAt: '2026-03-02T10:00:00.000Z' }),
        command({ id: 'c3', state: 'sent' }),
        command({ id: 'c4', deadline: '2026-03-02T10:03:00.000Z' }),
        command({ id: 'c5', deviceId: 'dev_b' }),
      ]);
      assert.deepEqual(
        (await store.pendingFor('dev_a', '2026-03-02T10:03:00.000Z')).map((c) => c.id),
        ['c2', 'c1'],
      );
    });

    it('transitions a command only from the given states, writing result, error and finish time', async () => {
      const store = createCommandsStore(db());
      await store.insertMany([command()]);
      assert.equal(await store.transition('cmd_1', ['pending'], { state: 'sent' }), true);
      assert.equal(await store.transition('cmd_1', ['pending'], { state: 'sent' }), false);
      const done = {
        state: 'succeeded',
        result_json: JSON.stringify({ rttMs: 12 }),
        finished_at: '2026-03-02T10:00:03.000Z',
      };
      assert.equal(await store.transition('cmd_1', ['pending', 'sent'], done), true);
      assert.deepEqual(
        await store.get('cmd_1'),
        command({ state: 'succeeded', result: { rttMs: 12 }, finishedAt: '2026-03-02T10:00:03.000Z' }),
      );
      assert.equal(await store.transition('cmd_x', ['pending'], { state: 'sent' }), false);
      await store.insertMany([command({ id: 'cmd_2' })]);
      await store.transition('cmd_2', ['pending'], { state: 'failed', error: 'unknown command' });
      assert.equal((await store.get('cmd_2'))?.error, 'unknown command');
    });

    it('times out pending and sent commands at or past their deadline, naming them', async () => {
      const store = createCommandsStore(db());
      await store.insertMany([
        command({ id: 'c1', deadline: '2026-03-02T10:05:00.000Z' }),
        command({ id: 'c2', deadline: '2026-03-02T10:04:00.000Z', state: 'sent' }),
        command({ id: 'c3', deadline: '2026-03-02T10:06:00.000Z' }),
        command({ id: 'c4', deadline: '2026-03-02T10:00:00.000Z', state: 'succeeded' }),
      ]);
      assert.deepEqual((await store.expire('2026-03-02T10:05:00.000Z')).sort(), ['c1', 'c2']);
      assert.deepEqual(
        await store.get('c1'),
        command({
          id: 'c1',
          state: 'timed_out',
          error: 'no answer before the deadline',
          finishedAt: '2026-03-02T10:05:00.000Z',
        }),
      );
      assert.equal((await store.get('c3'))?.state, 'pending');
      assert.equal((await store.get('c4'))?.state, 'succeeded');
      assert.deepEqual(await store.expire('2026-03-02T10:05:00.000Z'), []);
    });

    it('names only the commands it timed out when one is answered meanwhile', async () => {
      const store = createCommandsStore(db());
      await store.insertMany([command({ id: 'c1', state: 'sent' }), command({ id: 'c2', state: 'sent' })]);
      const [expired, answered] = await Promise.all([
        store.expire('2026-03-02T10:05:00.000Z'),
        store.transition('c1', ['sent'], { state: 'succeeded', finished_at: '2026-03-02T10:05:00.000Z' }),
      ]);
      assert.equal(answered, (await store.get('c1'))?.state === 'succeeded');
      assert.deepEqual(expired.sort(), answered ? ['c2'] : ['c1', 'c2']);
      assert.equal((await store.get('c2'))?.state, 'timed_out');
    });
  });
}
