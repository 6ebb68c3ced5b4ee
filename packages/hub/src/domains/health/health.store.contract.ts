import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createDevicesStore } from '../devices/devices.store.js';
import { emptyBatch } from '../devices/devices.types.js';
import { createDeviceHistory } from '../devices/index.js';
import { createHealthStore, type HourlyHealth } from './health.store.js';

const hourly = (deviceId: string, hour: string, avg: number): HourlyHealth => ({
  deviceId,
  hour,
  samples: 4,
  stats: { cpuPct: { avg, min: avg - 1, max: avg + 1.5 } },
});

export function healthStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`health store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);
    const writeSamples = async (samples: Array<[string, string, number]>) => {
      const health = samples.map(([deviceId, at, cpuPct]) => ({
        deviceId,
        at,
        health: { v: 1 as const, ts: 0, uptimeS: 1, cpuPct, memUsedPct: 0, diskUsedPct: 0 },
      }));
      await createDevicesStore(db()).writeBatch({ ...emptyBatch(), health });
    };

    it('puts, replaces, lists by model and deletes health models', async () => {
      const store = createHealthStore(db());
      const rules = [{ metric: 'cpuPct', op: '>' as const, warning: 80, error: 95 }];
      await store.putModel({ model: 'pump', rules, updatedBy: 'ann', updatedAt: '2026-03-02T10:00:00.000Z' });
      await store.putModel({ model: 'gateway', rules: [], updatedBy: 'ann', updatedAt: '2026-03-02T10:00:00.000Z' });
      await store.putModel({
        model: 'pump',
        rules: [{ metric: 'temperatureC', op: '>=', error: 90 }],
        updatedBy: 'bob',
        updatedAt: '2026-03-03T10:00:00.000Z',
      });
      assert.deepEqual(await store.models(), [
        { model: 'gateway', rules: [], updatedBy: 'ann', updatedAt: '2026-03-02T10:00:00.000Z' },
        {
          model: 'pump',
          rules: [{ metric: 'temperatureC', op: '>=', error: 90 }],
          updatedBy: 'bob',
          updatedAt: '2026-03-03T10:00:00.000Z',
        },
      ]);
      assert.equal(await store.deleteModel('pump'), true);
      assert.equal(await store.deleteModel('pump'), false);
      assert.deepEqual(
        (await store.models()).map((m) => m.model),
        ['gateway'],
      );
    });

    // Raw samples are the devices domain's history; the roll-up reads them through it.
    it('pages raw samples in a half-open window by device then time, after a key', async () => {
      await writeSamples([
        ['d2', '2026-03-02T10:00:00.000Z', 1],
        ['d1', '2026-03-02T10:30:00.000Z', 2],
        ['d1', '2026-03-02T10:00:00.000Z', 3],
        ['d1', '2026-03-02T11:00:00.000Z', 4],
        ['d1', '2026-03-02T09:59:59.999Z', 5],
      ]);
      const samples = createDeviceHistory(db());
      const from = '2026-03-02T10:00:00.000Z';
      const to = '2026-03-02T11:00:00.000Z';
      const first = await samples.healthSamplesBetween(from, to, null, 2);
      assert.deepEqual(
        first.map((s) => [s.deviceId, s.ts]),
        [
          ['d1', '2026-03-02T10:00:00.000Z'],
          ['d1', '2026-03-02T10:30:00.000Z'],
        ],
      );
      assert.equal(JSON.parse(first[0].data).cpuPct, 3);
      const rest = await samples.healthSamplesBetween(from, to, { deviceId: 'd1', ts: '2026-03-02T10:30:00.000Z' }, 2);
      assert.deepEqual(
        rest.map((s) => [s.deviceId, s.ts]),
        [['d2', '2026-03-02T10:00:00.000Z']],
      );
    });

    it('upserts hourly roll-ups and reads them by device set and window', async () => {
      const store = createHealthStore(db());
      await store.upsertHourly([]);
      await store.upsertHourly([
        hourly('d1', '2026-03-02T10', 10),
        hourly('d2', '2026-03-02T10', 20),
        hourly('d1', '2026-03-02T11', 11),
      ]);
      await store.upsertHourly([{ ...hourly('d1', '2026-03-02T10', 12.25), samples: 9 }]);
      assert.deepEqual(await store.hourly(null, '2026-03-02T10', '2026-03-02T12'), [
        { ...hourly('d1', '2026-03-02T10', 12.25), samples: 9 },
        hourly('d1', '2026-03-02T11', 11),
        hourly('d2', '2026-03-02T10', 20),
      ]);
      assert.deepEqual(await store.hourly(['d2'], '2026-03-02T10', '2026-03-02T12'), [
        hourly('d2', '2026-03-02T10', 20),
      ]);
      assert.deepEqual(await store.hourly(['d1'], '2026-03-02T11', '2026-03-02T12'), [
        hourly('d1', '2026-03-02T11', 11),
      ]);
      assert.deepEqual(await store.hourly([], '2026-03-02T00', '2026-03-03T00'), []);
    });

    it('deletes samples and roll-ups before a time, counting them', async () => {
      await writeSamples([
        ['d1', '2026-03-01T10:00:00.000Z', 1],
        ['d1', '2026-03-02T10:00:00.000Z', 2],
      ]);
      const store = createHealthStore(db());
      const samples = createDeviceHistory(db());
      await store.upsertHourly([hourly('d1', '2026-03-01T10', 1), hourly('d1', '2026-03-02T10', 2)]);
      assert.equal(await samples.deleteHealthSamplesBefore('2026-03-02T00:00:00.000Z'), 1);
      assert.equal(await store.deleteHourlyBefore('2026-03-02T00'), 1);
      assert.equal(
        (await samples.healthSamplesBetween('2026-03-01T00:00:00.000Z', '2026-03-03T00:00:00.000Z', null, 10)).length,
        1,
      );
      assert.deepEqual(
        (await store.hourly(null, '2026-03-01T00', '2026-03-03T00')).map((h) => h.hour),
        ['2026-03-02T10'],
      );
    });

    it('keeps monitoring state values by key, overwriting', async () => {
      const store = createHealthStore(db());
      assert.equal(await store.getState('rollup.last_hour'), null);
      await store.setState('rollup.last_hour', '2026-03-02T10');
      await store.setState('rollup.last_hour', '2026-03-02T11');
      await store.setState('other', 'x');
      assert.equal(await store.getState('rollup.last_hour'), '2026-03-02T11');
      assert.equal(await store.getState('other'), 'x');
    });
  });
}
