import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SCHEMA_VERSION, type DataMessage } from '@outpost/protocol';
import { createManualClock } from '../../platform/manual-clock.js';
import { createMetrics } from '../../platform/metrics.js';
import { openTestDatabase, type TestDatabase } from '../../storage/test-database.js';
import { createStreamsIngest, type HubDeviceEvent } from './streams.service.js';
import { createStreamsStore } from './streams.store.js';
import type { StreamValue } from './streams.types.js';

const T0 = Date.UTC(2026, 2, 2, 10, 0, 0);
const warnings: string[] = [];
const logger = {
  warn: (_o: unknown, m: string) => warnings.push(m),
  info: () => undefined,
  error: () => undefined,
} as never;
const msg = (m: Omit<DataMessage, 'v'>) => Buffer.from(JSON.stringify({ v: SCHEMA_VERSION, ...m }));

describe('streams ingest', () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await openTestDatabase();
    warnings.length = 0;
  });
  afterEach(() => t.close());

  function setup() {
    const metrics = createMetrics();
    const events: Array<[string, HubDeviceEvent]> = [];
    const store = createStreamsStore(t.db);
    const ingest = createStreamsIngest({
      store,
      clock: createManualClock(new Date(T0 + 5000)),
      logger,
      metrics,
      recordDeviceEvent: async (id, e) => void events.push([id, e]),
      maxPointsPerDevice: 100,
    });
    const seen: Array<[string, StreamValue[]]> = [];
    ingest.onValues((id, vs) => seen.push([id, vs]));
    const count = async (outcome: string) =>
      (await metrics.registry.getSingleMetric('outpost_stream_batches_total')!.get()).values.find(
        (v) => v.labels.outcome === outcome,
      )?.value ?? 0;
    return { ingest, store, events, seen, count };
  }

  it('drops a bad payload with a counted reason and stores nothing', async () => {
    const { ingest, store, seen, count } = setup();
    await ingest.onData('d1', Buffer.from('{"v":1,"seq":1,"values":[{"p":"Bad Name","v":1,"t":1}]}'));
    await ingest.onData('d1', Buffer.from('not json'));
    await ingest.onData('d1', msg({ seq: 2, values: [{ p: 'x', v: { nested: 1 } as never, t: T0 }] }));
    assert.equal(await count('rejected'), 3);
    assert.deepEqual(warnings, ['data batch rejected', 'data batch rejected', 'data batch rejected']);
    assert.deepEqual(await store.points('d1'), []);
    assert.deepEqual(seen, []);
  });

  it('files a redelivered batch once, tells listeners in order, and turns a drop report into a device event', async () => {
    const { ingest, store, events, seen, count } = setup();
    const first = msg({
      seq: 1,
      values: [{ p: 'tank_level', v: 40, t: T0 }],
      defs: [{ p: 'tank_level', type: 'number', unit: '%' }],
    });
    await Promise.all([
      ingest.onData('d1', first),
      ingest.onData('d1', first),
      ingest.onData(
        'd1',
        msg({
          seq: 2,
          values: [{ p: 'tank_level', v: 39, q: 'uncertain', r: 'timeout', t: T0 + 1000 }],
          dropped: { count: 12, from: T0 - 9000, to: T0 - 1000 },
        }),
      ),
    ]);
    assert.equal(await count('filed'), 2);
    assert.equal(await count('duplicate'), 1);
    assert.deepEqual(
      seen.map(([id, vs]) => [id, vs.map((v) => v.value)]),
      [
        ['d1', [40]],
        ['d1', [39]],
      ],
    );
    const [p] = await store.points('d1');
    assert.equal(p?.unit, '%');
    assert.deepEqual(p?.latest, {
      deviceId: 'd1',
      point: 'tank_level',
      value: 39,
      quality: 'uncertain',
      reason: 'timeout',
      sourceTs: T0 + 1000,
      receivedAt: T0 + 5000,
    });
    assert.deepEqual(events, [
      [
        'd1',
        {
          seq: -3,
          ts: T0 + 5000,
          type: 'data.dropped',
          severity: 'warning',
          data: { count: 12, from: new Date(T0 - 9000).toISOString(), to: new Date(T0 - 1000).toISOString() },
        },
      ],
    ]);
  });
});
