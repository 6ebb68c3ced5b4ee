import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportSchedule } from '@outpost/protocol';
import { expressionBuilder } from 'kysely';
import type { Database } from '../../storage/schema.js';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createDevicesStore } from '../devices/devices.store.js';
import { newDevice } from '../devices/devices.store.contract.js';
import { emptyBatch } from '../devices/devices.types.js';
import { createDeviceHistory } from '../devices/index.js';
import { createReportsStore } from './reports.store.js';
import type { ReportRunsTable } from './reports.tables.js';

const schedule = (over: Partial<ReportSchedule> = {}): ReportSchedule => ({
  id: 'rs_1',
  name: 'Weekly fleet',
  kind: 'fleet',
  scope: { group: 'plant', filter: 'model:pump' },
  deviceId: null,
  periodHours: 168,
  formats: ['html', 'csv'],
  cron: '0 6 * * 1',
  timezone: 'Europe/Berlin',
  channels: ['ch_mail'],
  enabled: true,
  nextRunAt: '2026-03-09T05:00:00.000Z',
  lastRunAt: null,
  createdBy: 'ann',
  createdAt: '2026-03-02T10:00:00.000Z',
  ...over,
});

const run = (id: string, startedAt: string, over: Partial<ReportRunsTable> = {}): ReportRunsTable => ({
  id,
  schedule_id: 'rs_1',
  kind: 'fleet',
  title: `Run ${id}`,
  state: 'succeeded',
  error: null,
  started_at: startedAt,
  finished_at: startedAt,
  period_from: '2026-02-23T00:00:00.000Z',
  period_to: '2026-03-02T00:00:00.000Z',
  formats_json: '["html","json"]',
  html: '<h1>r</h1>',
  csv: null,
  json: '{"ok":true}',
  deliveries_json: '[{"channelId":"ch_mail","messageId":"msg_1"}]',
  requested_by: 'schedule',
  scope_group: null,
  device_id: null,
  ...over,
});

export function reportsStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`reports store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('inserts, reads, updates, lists and deletes schedules', async () => {
      const store = createReportsStore(db());
      const device = schedule({
        id: 'rs_2',
        name: 'A device',
        kind: 'device',
        scope: {},
        deviceId: 'd1',
        formats: ['json'],
        channels: [],
        enabled: false,
        nextRunAt: null,
      });
      await store.insertSchedule(schedule());
      await store.insertSchedule(device);
      assert.deepEqual(await store.schedule('rs_1'), schedule());
      assert.deepEqual(await store.scheduleByName('A device'), device);
      assert.equal(await store.schedule('rs_x'), null);
      assert.equal(await store.scheduleByName('x'), null);
      await assert.rejects(store.insertSchedule(schedule({ id: 'rs_3' })), 'schedule names are unique');
      await store.updateSchedule(
        schedule({ scope: { filter: 'x' }, cron: '0 7 * * *', lastRunAt: '2026-03-02T07:00:00.000Z' }),
      );
      assert.deepEqual(
        await store.schedule('rs_1'),
        schedule({ scope: { filter: 'x' }, cron: '0 7 * * *', lastRunAt: '2026-03-02T07:00:00.000Z' }),
      );
      assert.deepEqual(
        (await store.listSchedules()).map((s) => s.id),
        ['rs_2', 'rs_1'],
      );
      assert.equal(await store.deleteSchedule('rs_2'), true);
      assert.equal(await store.deleteSchedule('rs_2'), false);
    });

    it('finds enabled schedules that are due, earliest first, and claims each once', async () => {
      const store = createReportsStore(db());
      await store.insertSchedule(schedule({ id: 's1', name: 'a', nextRunAt: '2026-03-02T10:00:00.000Z' }));
      await store.insertSchedule(schedule({ id: 's2', name: 'b', nextRunAt: '2026-03-02T09:00:00.000Z' }));
      await store.insertSchedule(
        schedule({ id: 's3', name: 'c', nextRunAt: '2026-03-02T09:00:00.000Z', enabled: false }),
      );
      await store.insertSchedule(schedule({ id: 's4', name: 'd', nextRunAt: '2026-03-02T11:00:00.000Z' }));
      await store.insertSchedule(schedule({ id: 's5', name: 'e', nextRunAt: null }));
      assert.deepEqual(
        (await store.dueSchedules('2026-03-02T10:00:00.000Z')).map((s) => s.id),
        ['s2', 's1'],
      );
      assert.equal(
        await store.claimSchedule(
          's1',
          '2026-03-02T10:00:00.000Z',
          '2026-03-09T10:00:00.000Z',
          '2026-03-02T10:00:01.000Z',
        ),
        true,
      );
      assert.equal(
        await store.claimSchedule(
          's1',
          '2026-03-02T10:00:00.000Z',
          '2026-03-09T10:00:00.000Z',
          '2026-03-02T10:00:02.000Z',
        ),
        false,
      );
      const s1 = await store.schedule('s1');
      assert.deepEqual([s1?.nextRunAt, s1?.lastRunAt], ['2026-03-09T10:00:00.000Z', '2026-03-02T10:00:01.000Z']);
      assert.equal(await store.claimSchedule('s2', '2026-03-02T09:00:00.000Z', null, '2026-03-02T10:00:00.000Z'), true);
      assert.deepEqual(
        (await store.dueSchedules('2026-03-03T00:00:00.000Z')).map((s) => s.id),
        ['s4'],
      );
    });

    it('inserts and updates runs, reading the record and its documents separately', async () => {
      const store = createReportsStore(db());
      await store.insertRun(
        run('r1', '2026-03-02T06:00:00.000Z', {
          state: 'running',
          finished_at: null,
          html: null,
          json: null,
          deliveries_json: '[]',
        }),
      );
      await store.updateRun('r1', {
        state: 'failed',
        error: 'no devices',
        finished_at: '2026-03-02T06:00:05.000Z',
        csv: 'a,b\n1,2\n',
      });
      assert.deepEqual(await store.run('r1'), {
        id: 'r1',
        scheduleId: 'rs_1',
        kind: 'fleet',
        title: 'Run r1',
        state: 'failed',
        error: 'no devices',
        startedAt: '2026-03-02T06:00:00.000Z',
        finishedAt: '2026-03-02T06:00:05.000Z',
        periodFrom: '2026-02-23T00:00:00.000Z',
        periodTo: '2026-03-02T00:00:00.000Z',
        formats: ['html', 'json'],
        deliveries: [],
        requestedBy: 'schedule',
      });
      assert.deepEqual(await store.runContent('r1'), { html: null, csv: 'a,b\n1,2\n', json: null });
      assert.equal(await store.run('r_x'), null);
      assert.equal(await store.runContent('r_x'), null);
    });

    it('lists runs newest first by schedule, drops old documents, then deletes old runs', async () => {
      const store = createReportsStore(db());
      await store.insertRun(run('r1', '2026-03-01T06:00:00.000Z'));
      await store.insertRun(run('r2', '2026-03-02T06:00:00.000Z', { schedule_id: null, requested_by: 'ann' }));
      await store.insertRun(run('r3', '2026-03-03T06:00:00.000Z'));
      assert.deepEqual(
        (await store.runs({ limit: 10 })).map((r) => r.id),
        ['r3', 'r2', 'r1'],
      );
      assert.deepEqual(
        (await store.runs({ limit: 10, scheduleId: 'rs_1' })).map((r) => r.id),
        ['r3', 'r1'],
      );
      assert.deepEqual((await store.runs({ limit: 1 }))[0].deliveries, [{ channelId: 'ch_mail', messageId: 'msg_1' }]);
      assert.equal(await store.dropContentBefore('2026-03-02T12:00:00.000Z'), 2);
      assert.equal(await store.dropContentBefore('2026-03-02T12:00:00.000Z'), 0);
      assert.deepEqual(await store.runContent('r1'), { html: null, csv: null, json: null });
      assert.notEqual((await store.runContent('r3'))?.json, null);
      assert.equal(await store.deleteRunsBefore('2026-03-02T12:00:00.000Z'), 2);
      assert.deepEqual(
        (await store.runs({ limit: 10 })).map((r) => r.id),
        ['r3'],
      );
    });

    it("reads presence changes in a period and each device's presence when it began, optionally filtered", async () => {
      const devices = createDevicesStore(db());
      await devices.insert(newDevice({ id: 'd1' }));
      await devices.insert(newDevice({ id: 'd2', model: 'gateway' }));
      const p = (deviceId: string, state: 'online' | 'offline', at: string) => ({
        ...emptyBatch(),
        presence: [{ deviceId, state, at }],
      });
      await devices.writeBatch(p('d1', 'online', '2026-03-01T10:00:00.000Z'));
      await devices.writeBatch(p('d1', 'offline', '2026-03-01T12:00:00.000Z'));
      await devices.writeBatch(p('d1', 'online', '2026-03-02T10:00:00.000Z'));
      await devices.writeBatch(p('d2', 'online', '2026-03-02T11:00:00.000Z'));
      await devices.writeBatch(p('d2', 'offline', '2026-03-03T11:00:00.000Z'));
      // Presence and health history are the devices domain's; reports read them through it.
      const store = createDeviceHistory(db());
      const from = '2026-03-02T00:00:00.000Z';
      const to = '2026-03-03T00:00:00.000Z';
      assert.deepEqual(await store.presenceChangesBetween(from, to, null), [
        { device_id: 'd1', state: 'online', at: '2026-03-02T10:00:00.000Z' },
        { device_id: 'd2', state: 'online', at: '2026-03-02T11:00:00.000Z' },
      ]);
      const gateways = expressionBuilder<Database, 'devices'>()('model', '=', 'gateway');
      assert.deepEqual(
        (await store.presenceChangesBetween(from, to, gateways)).map((c) => c.device_id),
        ['d2'],
      );
      assert.deepEqual(await store.presenceAt(from, null), new Map([['d1', 'offline']]));
      assert.deepEqual(
        await store.presenceAt('2026-03-04T00:00:00.000Z', null),
        new Map([
          ['d1', 'online'],
          ['d2', 'offline'],
        ]),
      );
      assert.deepEqual(await store.presenceAt('2026-03-04T00:00:00.000Z', gateways), new Map([['d2', 'offline']]));
    });

    it("reads one device's health reports in a half-open period, oldest first, bounded", async () => {
      const devices = createDevicesStore(db());
      const h = (at: string, cpuPct: number) => ({
        deviceId: 'd1',
        at,
        health: { v: 1 as const, ts: 0, uptimeS: 1, cpuPct, memUsedPct: 0, diskUsedPct: 0 },
      });
      await devices.writeBatch({
        ...emptyBatch(),
        health: [h('2026-03-02T00:00:00.000Z', 1), h('2026-03-02T01:00:00.000Z', 2), h('2026-03-03T00:00:00.000Z', 3)],
      });
      // Presence and health history are the devices domain's; reports read them through it.
      const store = createDeviceHistory(db());
      const rows = await store.healthSamplesOf('d1', '2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z', 10);
      assert.deepEqual(
        rows.map((r) => [r.ts, JSON.parse(r.data_json).cpuPct]),
        [
          ['2026-03-02T00:00:00.000Z', 1],
          ['2026-03-02T01:00:00.000Z', 2],
        ],
      );
      assert.equal(
        (await store.healthSamplesOf('d1', '2026-03-01T00:00:00.000Z', '2026-03-04T00:00:00.000Z', 1)).length,
        1,
      );
    });
  });
}
