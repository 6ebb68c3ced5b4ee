import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDeviceHistory, createFleetSnapshotStore } from '../devices/index.js';
import { deps, seedDevices, silent, testClock, testDb } from '../fleet/monitoring.fixture.js';
import { applyRetention } from '../fleet/retention.js';
import { createLocationStore } from '../location/location.store.js';
import { createOutboxStore } from '../notifications/outbox.store.js';
import { createReportsStore } from '../reports/reports.store.js';
import { createTrafficStore } from '../traffic/traffic.store.js';
import { DEFAULT_HEALTH_RULES, judgeHealth, parseHealthRules } from './health-model.js';
import { rollupHealth } from './health-rollup.js';
import { createHealthService } from './health.service.js';
import { createHealthStore } from './health.store.js';

describe('health model', () => {
  it('gives the worst state of the rules; unknown without fresh data', () => {
    assert.equal(
      judgeHealth(DEFAULT_HEALTH_RULES, { cpuPct: 10, memUsedPct: 20, diskUsedPct: 30 }, true).state,
      'normal',
    );
    const v = judgeHealth(DEFAULT_HEALTH_RULES, { cpuPct: 90, diskUsedPct: 95, signalDbm: -100 }, true);
    assert.equal(v.state, 'error');
    assert.deepEqual(
      v.reasons.map((r) => `${r.metric}:${r.state}`),
      ['cpuPct:warning', 'diskUsedPct:error'],
    );
    assert.equal(judgeHealth(DEFAULT_HEALTH_RULES, { cpuPct: 99 }, false).state, 'unknown');
    assert.deepEqual(parseHealthRules([{ metric: 'temp', op: '>=', error: 90 }]), [
      { metric: 'temperatureC', op: '>=', error: 90 },
    ]);
  });

  describe('with a database', () => {
    let env: Awaited<ReturnType<typeof testDb>>;
    const clock = testClock(Date.parse('2026-03-02T10:20:00Z'));
    beforeEach(async () => {
      env = await testDb();
    });
    afterEach(() => env.close());

    it('applies the model of each device model and counts the fleet by state', async () => {
      const now = clock.now().toISOString();
      const health = (cpu: number) =>
        JSON.stringify({ v: 1, ts: 0, uptimeS: 1, cpuPct: cpu, memUsedPct: 10, diskUsedPct: 10 });
      await seedDevices(env.db, 4, (i) => ({
        model: i <= 2 ? 'gw-200' : 'rtr-lte-5',
        health_json: health(i * 20),
        health_at: now,
        presence: i === 4 ? 'offline' : 'online',
      }));
      const { selector, audit } = deps(env.db, clock);
      const svc = createHealthService({
        store: createHealthStore(env.db),
        fleet: createFleetSnapshotStore(env.db),
        selector,
        audit,
        clock,
        heartbeatFactor: 3,
      });
      // gw-200 is stricter about CPU than the default.
      await svc.setModel({ type: 'user', id: 'ops' }, 'gw-200', [{ metric: 'cpu', op: '>', warning: 30, error: 50 }]);
      const fleet = await svc.fleetHealth({ narrow: (filter) => filter });
      assert.deepEqual(fleet.counts, { normal: 2, warning: 1, error: 0, unknown: 1 });
      assert.deepEqual(fleet.byModel['gw-200'], { normal: 1, warning: 1, error: 0, unknown: 0 });
      assert.equal((await svc.deviceHealth('dev-002')).reasons[0].metric, 'cpuPct');
    });

    it('rolls raw samples into hourly min/avg/max and deletes what aged out', async () => {
      const store = createHealthStore(env.db);
      const samples = createDeviceHistory(env.db);
      const rows = [];
      for (let m = 0; m < 60; m += 10)
        rows.push({
          device_id: 'd1',
          ts: `2026-03-02T09:${String(m).padStart(2, '0')}:00.000Z`,
          data_json: JSON.stringify({ cpuPct: m, temperatureC: 40 }),
        });
      rows.push({ device_id: 'd1', ts: '2026-02-01T09:00:00.000Z', data_json: '{"cpuPct":1}' });
      await env.db.insertInto('health_samples').values(rows).execute();
      assert.equal(await rollupHealth({ store, samples, clock, logger: silent, lookbackHours: 2 }), 2);
      const [h] = await store.hourly(['d1'], '2026-03-02T09:00:00.000Z', '2026-03-02T10:00:00.000Z');
      assert.equal(h.samples, 6);
      assert.deepEqual(h.stats.cpuPct, { avg: 25, min: 0, max: 50 });
      assert.equal(
        await rollupHealth({ store, samples, clock, logger: silent, lookbackHours: 2 }),
        0,
        'done hours are not rolled again',
      );
      const event = (seq: number, ts: string) => ({
        device_id: 'd1',
        seq,
        ts,
        received_at: ts,
        type: 'boot',
        severity: 'info',
        data_json: '{}',
      });
      // A year is kept: the first is past it, the second not.
      await env.db
        .insertInto('device_events')
        .values([event(1, '2025-03-01T09:00:00.000Z'), event(2, '2025-03-03T09:00:00.000Z')])
        .execute();
      const deleted = await applyRetention({
        health: {
          deleteSamplesBefore: (iso) => samples.deleteHealthSamplesBefore(iso),
          deleteHourlyBefore: (iso) => store.deleteHourlyBefore(iso),
        },
        traffic: createTrafficStore(env.db),
        cellular: { deleteHistoryBefore: async () => 0 },
        outbox: createOutboxStore(env.db),
        reports: createReportsStore(env.db),
        locations: createLocationStore(env.db),
        events: { deleteBefore: (iso) => samples.deleteEventsBefore(iso) },
        clock,
        logger: silent,
        policy: { sampleDays: 7, rollupDays: 400, eventDays: 365 },
      });
      assert.equal(deleted.healthSamples, 1);
      assert.equal(deleted.deviceEvents, 1);
      assert.deepEqual(
        (await env.db.selectFrom('device_events').select('seq').execute()).map((r) => Number(r.seq)),
        [2],
      );
      assert.equal((await env.db.selectFrom('health_samples').select('ts').execute()).length, 6);
    });
  });
});
