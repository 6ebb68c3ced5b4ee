import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataPushDelivery } from '@outpost/protocol';
import { createLogger } from '../../platform/logger.js';
import { createManualClock } from '../../platform/manual-clock.js';
import { createMetrics } from '../../platform/metrics.js';
import { freshDatabaseEachTest, openTestDatabase } from '../../storage/test-database.js';
import { createAuditLog } from '../audit/index.js';
import { createWebhookPush, pointGlob, selectionFilter, type DataPushOutbox } from './data-push.webhook.js';
import { createDataSubscriptionsStore, type StoredDataSubscription } from './data-subscriptions.store.js';
import type { StreamValue } from './streams.types.js';

const T0 = Date.UTC(2026, 11, 1);

/** An outbox whose receiver is down: deliveries stay pending until the backlog bound drops them. */
function pendingOutbox() {
  const pending: DataPushDelivery[] = [];
  const outbox: DataPushOutbox = {
    async enqueue(_channel, _kind, _summary, body) {
      pending.push(body.json as DataPushDelivery);
      return `msg_${pending.length}`;
    },
    async dropOldestPending(_channel, _kind, keep) {
      return pending.splice(0, Math.max(0, pending.length - keep));
    },
  };
  return { pending, outbox };
}

describe('data push to webhooks', () => {
  const db = freshDatabaseEachTest(openTestDatabase);

  async function setup(over: Partial<StoredDataSubscription>, selected = new Set(['d1'])) {
    const clock = createManualClock(T0);
    const subscriptions = createDataSubscriptionsStore(db());
    await subscriptions.insert({
      id: 'dsub_1',
      name: 'tanks',
      channelId: 'chn_1',
      group: null,
      filter: null,
      points: ['tank_*'],
      maxBatch: 3,
      maxDelayMs: 1000,
      maxBacklog: 100,
      enabled: true,
      createdBy: 'admin',
      createdAt: new Date(T0).toISOString(),
      within: null,
      ...over,
    });
    const listeners = new Set<(deviceId: string, values: StreamValue[]) => void>();
    const { pending, outbox } = pendingOutbox();
    const audit = createAuditLog({ db: db(), clock });
    const push = createWebhookPush({
      reader: { onValues: (l) => (listeners.add(l), () => listeners.delete(l)) },
      subscriptions,
      outbox,
      devicesMatching: async (_filter, ids) => ids.filter((id) => selected.has(id)),
      audit,
      clock,
      logger: createLogger('silent'),
      metrics: createMetrics(),
    });
    await push.ready;
    let n = 0;
    const file = async (deviceId: string, count: number, point = 'tank_level') => {
      const values = Array.from({ length: count }, () => ({
        deviceId,
        point,
        value: ++n,
        quality: 'good' as const,
        sourceTs: T0 + n,
        receivedAt: T0 + n,
      }));
      for (const l of listeners) l(deviceId, values);
      await push.settled();
    };
    return { clock, pending, push, file, audit };
  }

  const valuesOf = (d: DataPushDelivery) => d.messages.flatMap((m) => m.values.map((v) => v.v));

  it('queues a full batch at once and a partial one after its delay, numbered in order', async () => {
    const s = await setup({});
    await s.file('d1', 2);
    await s.file('d2', 5); // not selected
    await s.file('d1', 1, 'pump1.run'); // not a selected point
    assert.equal(s.pending.length, 0);
    await s.file('d1', 5);
    // 2 + 5 = 7 values: two full batches now, one value waits for its delay.
    assert.deepEqual(s.pending.map(valuesOf), [
      [1, 2, 9],
      [10, 11, 12],
    ]);
    await s.clock.advance(999);
    assert.equal(s.pending.length, 2);
    await s.clock.advance(1);
    await s.push.settled();
    assert.deepEqual(
      s.pending.map((d) => [d.seq, d.subscriptionId, valuesOf(d)]),
      [
        [1, 'dsub_1', [1, 2, 9]],
        [2, 'dsub_1', [10, 11, 12]],
        [3, 'dsub_1', [13]],
      ],
    );
    assert.ok(s.pending.every((d) => d.messages.every((m) => m.deviceId === 'd1')));
    s.push.stop();
  });

  it('bounds the backlog while the receiver is down: the oldest values go, counted and recorded', async () => {
    const s = await setup({ maxBatch: 2, maxBacklog: 4 });
    for (let i = 0; i < 5; i++) await s.file('d1', 2);
    // 10 values, 4 kept (two deliveries): the 6 oldest were dropped.
    assert.deepEqual(s.pending.map(valuesOf), [
      [7, 8],
      [9, 10],
    ]);
    assert.ok(s.pending[0]!.seq >= 4);
    // The receiver hears of the gap in the next delivery.
    await s.file('d1', 2);
    const last = s.pending.at(-1)!;
    assert.ok(last.dropped > 0, JSON.stringify(last));
    const row = await db()
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'data.push.dropped')
      .executeTakeFirst();
    assert.equal(row?.target, 'data_subscription:dsub_1');
    assert.ok(Number((JSON.parse(String(row?.details_json)) as { count: number }).count) > 0);
    s.push.stop();
  });

  it('matches point globs literally apart from * and ?, and narrows the selection to the creator scope', () => {
    const g = pointGlob(['tank_*', 'pump?.run']);
    assert.deepEqual(
      ['tank_level', 'tank_', 'pump1.run', 'pump12.run', 'pumpx-run', 'xtank_level'].map((p) => g.test(p)),
      [true, true, true, false, false, false],
    );
    assert.equal(selectionFilter({ group: 'plant', filter: null, within: null }), 'group = "plant"');
    assert.equal(
      selectionFilter({ group: null, filter: 'model = "x"', within: ['yard'] }),
      '((model = "x")) and (group = "yard")',
    );
    assert.equal(selectionFilter({ group: null, filter: null, within: null }), null);
  });
});
