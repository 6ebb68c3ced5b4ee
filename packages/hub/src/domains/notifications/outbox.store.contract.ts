import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NotifiedAlert } from '@outpost/protocol';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createOutboxStore, type MessageBody } from './outbox.store.js';

const notice = (alertId: string, at: string): NotifiedAlert => ({
  alertId,
  event: 'fired',
  rule: { id: 'rule_1', name: 'Hot', type: 'threshold' },
  severity: 'critical',
  device: { id: 'dev_a', name: 'Pump A', url: 'https://hub/devices/dev_a' },
  since: at,
  at,
  value: { temperatureC: 91.5 },
  text: 'Pump A is hot',
});

const body = (text: string): MessageBody => ({
  json: { text, n: [1, 2] },
  email: { subject: text, text, html: `<p>${text}</p>` },
});

const message = (id: string, channelId: string, at: string, kind = 'report') => ({
  id,
  channelId,
  kind,
  summary: `summary ${id}`,
  body: body(id),
  at,
});

export function outboxStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`notification outbox store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('groups open intents per channel with the oldest time and count', async () => {
      const outbox = createOutboxStore(db());
      assert.deepEqual(await outbox.pendingIntentChannels(), []);
      await outbox.addIntents(db(), [
        { channelId: 'ch_a', payload: notice('al_1', '2026-03-02T10:01:00.000Z') },
        { channelId: 'ch_a', payload: notice('al_2', '2026-03-02T10:00:00.000Z') },
        { channelId: 'ch_b', payload: notice('al_1', '2026-03-02T10:02:00.000Z') },
      ]);
      await outbox.addIntents(db(), []);
      const pending = (await outbox.pendingIntentChannels()).sort((x, y) => x.channelId.localeCompare(y.channelId));
      assert.deepEqual(pending, [
        { channelId: 'ch_a', oldest: '2026-03-02T10:00:00.000Z', count: 2 },
        { channelId: 'ch_b', oldest: '2026-03-02T10:02:00.000Z', count: 1 },
      ]);
    });

    it('composes up to max intents, oldest first, into one pending message', async () => {
      const outbox = createOutboxStore(db());
      await outbox.addIntents(db(), [
        { channelId: 'ch_a', payload: notice('al_3', '2026-03-02T10:03:00.000Z') },
        { channelId: 'ch_a', payload: notice('al_1', '2026-03-02T10:01:00.000Z') },
        { channelId: 'ch_a', payload: notice('al_2', '2026-03-02T10:02:00.000Z') },
      ]);
      let folded: NotifiedAlert[] = [];
      const id = await outbox.compose('ch_a', 2, '2026-03-02T10:05:00.000Z', (_id, intents) => {
        folded = intents;
        return { kind: 'alerts', summary: `${intents.length} alerts`, body: body('alerts') };
      });
      assert.deepEqual(folded, [
        notice('al_1', '2026-03-02T10:01:00.000Z'),
        notice('al_2', '2026-03-02T10:02:00.000Z'),
      ]);
      assert.ok(id);
      assert.deepEqual(await outbox.get(id), {
        id,
        channelId: 'ch_a',
        seq: 1,
        kind: 'alerts',
        summary: '2 alerts',
        state: 'pending',
        attempts: 0,
        nextAttemptAt: '2026-03-02T10:05:00.000Z',
        lastError: null,
        createdAt: '2026-03-02T10:05:00.000Z',
        deliveredAt: null,
        body: body('alerts'),
      });
      assert.deepEqual(await outbox.pendingIntentChannels(), [
        { channelId: 'ch_a', oldest: '2026-03-02T10:03:00.000Z', count: 1 },
      ]);
      assert.equal(await outbox.lastMessageAt('ch_a'), '2026-03-02T10:05:00.000Z');
      assert.equal(await outbox.compose('ch_b', 5, '2026-03-02T10:05:00.000Z', () => assert.fail('no intents')), null);
    });

    it("numbers each channel's messages from one and truncates long summaries", async () => {
      const outbox = createOutboxStore(db());
      assert.equal(await outbox.enqueue(message('m1', 'ch_a', '2026-03-02T10:00:00.000Z')), 1);
      assert.equal(await outbox.enqueue(message('m2', 'ch_a', '2026-03-02T10:01:00.000Z')), 2);
      assert.equal(
        await outbox.enqueue({ ...message('m3', 'ch_b', '2026-03-02T10:01:00.000Z'), summary: 'x'.repeat(900) }),
        1,
      );
      assert.equal((await outbox.get('m3'))?.summary.length, 500);
      assert.equal(await outbox.get('m_x'), null);
      assert.equal(await outbox.lastMessageAt('ch_a'), null, 'only alert messages count');
    });

    it('gives concurrent messages of one channel distinct, consecutive numbers', async () => {
      const outbox = createOutboxStore(db());
      const seqs = await Promise.all(
        ['m1', 'm2', 'm3', 'm4'].map((id) => outbox.enqueue(message(id, 'ch_a', '2026-03-02T10:00:00.000Z'))),
      );
      assert.deepEqual([...seqs].sort(), [1, 2, 3, 4]);
      assert.deepEqual(
        (await outbox.list({ channelId: 'ch_a', limit: 10 })).map((m) => m.seq),
        [4, 3, 2, 1],
      );
    });

    it('delivers strictly in order: the head is the lowest pending seq, due once its attempt time passes', async () => {
      const outbox = createOutboxStore(db());
      await outbox.enqueue(message('m1', 'ch_a', '2026-03-02T10:00:00.000Z'));
      await outbox.enqueue(message('m2', 'ch_a', '2026-03-02T09:00:00.000Z'));
      await outbox.enqueue(message('m3', 'ch_b', '2026-03-02T10:10:00.000Z'));
      assert.deepEqual(await outbox.dueChannels('2026-03-02T10:05:00.000Z'), ['ch_a']);
      assert.equal((await outbox.head('ch_a'))?.id, 'm1');
      await outbox.markFailed('m1', 1, 'HTTP 503', '2026-03-02T10:20:00.000Z');
      assert.deepEqual(await outbox.dueChannels('2026-03-02T10:15:00.000Z'), ['ch_b']);
      const failed = await outbox.get('m1');
      assert.equal(failed?.state, 'pending');
      assert.equal(failed?.attempts, 1);
      assert.equal(failed?.lastError, 'HTTP 503');
      await outbox.markDelivered('m1', '2026-03-02T10:21:00.000Z', 2);
      const done = await outbox.get('m1');
      assert.deepEqual(
        [done?.state, done?.deliveredAt, done?.attempts, done?.nextAttemptAt, done?.lastError],
        ['delivered', '2026-03-02T10:21:00.000Z', 2, null, null],
      );
      assert.equal((await outbox.head('ch_a'))?.id, 'm2');
      assert.equal(await outbox.head('ch_none'), null);
    });

    it('turns a message dead when no next attempt is given, and requeues a dead one at the end', async () => {
      const outbox = createOutboxStore(db());
      await outbox.enqueue(message('m1', 'ch_a', '2026-03-02T10:00:00.000Z'));
      await outbox.enqueue(message('m2', 'ch_a', '2026-03-02T10:01:00.000Z'));
      await outbox.markFailed('m1', 8, 'e'.repeat(800), null);
      const dead = await outbox.get('m1');
      assert.equal(dead?.state, 'dead');
      assert.equal(dead?.lastError?.length, 500);
      assert.equal(await outbox.requeue('m2', '2026-03-02T11:00:00.000Z'), false, 'only dead letters requeue');
      assert.equal(await outbox.requeue('m1', '2026-03-02T11:00:00.000Z'), true);
      const again = await outbox.get('m1');
      assert.deepEqual(
        [again?.state, again?.seq, again?.attempts, again?.lastError, again?.nextAttemptAt],
        ['pending', 3, 0, null, '2026-03-02T11:00:00.000Z'],
      );
      assert.equal((await outbox.head('ch_a'))?.id, 'm2');
    });

    it('bounds the pending messages of one kind on a channel: the oldest past the bound turn dead', async () => {
      const outbox = createOutboxStore(db());
      for (let i = 1; i <= 5; i++)
        await outbox.enqueue(message(`d${i}`, 'ch_a', `2026-03-02T10:0${i}:00.000Z`, 'data'));
      await outbox.enqueue(message('r1', 'ch_a', '2026-03-02T10:00:30.000Z'));
      await outbox.enqueue(message('d9', 'ch_b', '2026-03-02T10:00:30.000Z', 'data'));
      const gone = await outbox.dropOldestPending('ch_a', 'data', 2, 'dropped: full');
      assert.deepEqual(gone, [body('d1').json, body('d2').json, body('d3').json]);
      const states = async (ids: string[]) => Promise.all(ids.map(async (id) => (await outbox.get(id))?.state));
      assert.deepEqual(await states(['d1', 'd2', 'd3', 'd4', 'd5', 'r1', 'd9']), [
        'dead',
        'dead',
        'dead',
        'pending',
        'pending',
        'pending',
        'pending',
      ]);
      assert.equal((await outbox.get('d1'))?.lastError, 'dropped: full');
      assert.deepEqual(await outbox.dropOldestPending('ch_a', 'data', 2, 'dropped: full'), []);
    });

    it('lists messages newest first, by channel and by state, up to a limit', async () => {
      const outbox = createOutboxStore(db());
      await outbox.enqueue(message('m1', 'ch_a', '2026-03-02T10:00:00.000Z'));
      await outbox.enqueue(message('m2', 'ch_a', '2026-03-02T10:00:00.000Z'));
      await outbox.enqueue(message('m3', 'ch_b', '2026-03-02T10:01:00.000Z'));
      await outbox.markDelivered('m1', '2026-03-02T10:02:00.000Z', 1);
      assert.deepEqual(
        (await outbox.list({ limit: 10 })).map((m) => m.id),
        ['m3', 'm2', 'm1'],
      );
      assert.deepEqual(
        (await outbox.list({ limit: 2 })).map((m) => m.id),
        ['m3', 'm2'],
      );
      assert.deepEqual(
        (await outbox.list({ channelId: 'ch_a', limit: 10 })).map((m) => m.id),
        ['m2', 'm1'],
      );
      assert.deepEqual(
        (await outbox.list({ state: 'delivered', limit: 10 })).map((m) => m.id),
        ['m1'],
      );
    });

    it('dropping a channel discards its open intents and turns its pending messages dead', async () => {
      const outbox = createOutboxStore(db());
      await outbox.addIntents(db(), [{ channelId: 'ch_a', payload: notice('al_1', '2026-03-02T10:00:00.000Z') }]);
      await outbox.enqueue(message('m1', 'ch_a', '2026-03-02T10:00:00.000Z'));
      await outbox.enqueue(message('m2', 'ch_b', '2026-03-02T10:00:00.000Z'));
      await outbox.dropChannel('ch_a');
      assert.deepEqual(await outbox.pendingIntentChannels(), []);
      const m1 = await outbox.get('m1');
      assert.deepEqual([m1?.state, m1?.lastError, m1?.nextAttemptAt], ['dead', 'the channel was deleted', null]);
      assert.equal((await outbox.get('m2'))?.state, 'pending');
    });

    it('deletes finished messages and folded intents older than a time, keeping pending ones', async () => {
      const outbox = createOutboxStore(db());
      await outbox.addIntents(db(), [
        { channelId: 'ch_a', payload: notice('al_1', '2026-03-01T10:00:00.000Z') },
        { channelId: 'ch_b', payload: notice('al_1', '2026-03-01T10:00:00.000Z') },
      ]);
      await outbox.compose('ch_a', 10, '2026-03-01T10:00:00.000Z', () => ({
        kind: 'alerts',
        summary: 's',
        body: body('s'),
      }));
      await outbox.enqueue(message('m_old_done', 'ch_c', '2026-03-01T10:00:00.000Z'));
      await outbox.enqueue(message('m_old_pending', 'ch_d', '2026-03-01T10:00:00.000Z'));
      await outbox.enqueue(message('m_new_done', 'ch_c', '2026-03-03T10:00:00.000Z'));
      await outbox.markDelivered('m_old_done', '2026-03-01T10:01:00.000Z', 1);
      await outbox.markDelivered('m_new_done', '2026-03-03T10:01:00.000Z', 1);
      assert.equal(await outbox.deleteOlderThan('2026-03-02T00:00:00.000Z'), 1);
      assert.equal(await outbox.get('m_old_done'), null);
      assert.notEqual(await outbox.get('m_old_pending'), null);
      assert.notEqual(await outbox.get('m_new_done'), null);
      assert.deepEqual(
        (await outbox.pendingIntentChannels()).map((c) => c.channelId),
        ['ch_b'],
      );
    });
  });
}
