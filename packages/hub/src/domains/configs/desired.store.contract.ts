import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expressionBuilder } from 'kysely';
import type { Database } from '../../storage/schema.js';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createDevicesStore } from '../devices/devices.store.js';
import { newDevice } from '../devices/devices.store.contract.js';
import { createDesiredStore, type DeviceStateRow } from './desired.store.js';
import { createDeviceFacts } from '../devices/index.js';

const desired = (device_id: string, version = 1) => ({
  device_id,
  desired_version: version,
  desired_hash: `hash-${version}`,
  desired_json: JSON.stringify({ e: { 'ntp.server': { v: 'pool', src: 'tpl_ntp' } }, files: {} }),
  published_at: null,
  maintenance_until: null,
});

const fresh = (over: Partial<DeviceStateRow>): DeviceStateRow => ({
  device_id: 'd1',
  desired_version: 0,
  desired_hash: '',
  desired_json: '{"e":{},"files":{}}',
  published_at: null,
  reported_version: null,
  reported_at: null,
  reported_json: null,
  report_error: null,
  report_rev: 0,
  state: null,
  maintenance_until: null,
  maintenance_by: null,
  ...over,
});

export function desiredStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`desired state store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);
    const setup = async () => {
      const devices = createDevicesStore(db());
      await devices.insert(newDevice({ id: 'd1', name: 'Pump 1' }));
      await devices.insert(newDevice({ id: 'd2', name: 'Pump 2' }));
      await devices.insert(newDevice({ id: 'd3', name: 'Gateway', model: 'gateway' }));
      await devices.insert(newDevice({ id: 'd4', name: 'Retired', model: 'gateway' }));
      await devices.markDecommissioned('d4');
      return createDesiredStore(db(), createDeviceFacts(db()));
    };

    it('ensures an empty state row once, and reads it with and without the device model', async () => {
      const store = await setup();
      assert.equal(await store.get('d1'), null);
      assert.equal(await store.getWithModel('d1'), null);
      await store.ensure('d1');
      await store.upsert([desired('d1', 3)]);
      await store.ensure('d1');
      const row = await store.get('d1');
      assert.equal(row?.desired_version, 3);
      assert.deepEqual(await store.getWithModel('d1'), { ...row, model: 'pump' });
      await store.ensure('d_unknown');
      assert.deepEqual(await store.getWithModel('d_unknown'), { ...fresh({ device_id: 'd_unknown' }), model: null });
    });

    it('upserts desired states, keeping reports and maintenance on update', async () => {
      const store = await setup();
      await store.upsert([]);
      await store.upsert([{ ...desired('d1', 1), maintenance_until: '2026-03-05T00:00:00.000Z' }]);
      await store.setReported('d1', {
        reported_version: 1,
        reported_at: '2026-03-02T10:00:00.000Z',
        reported_json: '{"a":1}',
        report_error: null,
      });
      await store.upsert([{ ...desired('d1', 2), published_at: '2026-03-02T11:00:00.000Z' }]);
      assert.deepEqual(
        await store.get('d1'),
        fresh({
          ...desired('d1', 2),
          published_at: '2026-03-02T11:00:00.000Z',
          maintenance_until: '2026-03-05T00:00:00.000Z',
          reported_version: 1,
          reported_at: '2026-03-02T10:00:00.000Z',
          reported_json: '{"a":1}',
          report_rev: 1,
        }),
      );
    });

    it('reads many rows, including more than one chunk, and pages all rows by device id', async () => {
      const store = await setup();
      await store.upsert(['d3', 'd1', 'd2'].map((id) => desired(id)));
      assert.deepEqual((await store.many(['d1', 'd3', 'dx'])).map((r) => r.device_id).sort(), ['d1', 'd3']);
      assert.deepEqual(await store.many([]), []);
      const ids = Array.from({ length: 700 }, (_, i) => `d${i}`);
      assert.equal((await store.many(ids)).length, 3);
      assert.deepEqual(await store.idsPage('', 2), ['d1', 'd2']);
      assert.deepEqual(await store.idsPage('d2', 2), ['d3']);
    });

    it('marks rows published and records reports, report errors and rewritten reports', async () => {
      const store = await setup();
      await store.upsert([desired('d1'), desired('d2')]);
      await store.markPublished(['d1', 'd2'], '2026-03-02T12:00:00.000Z');
      assert.deepEqual(
        (await store.many(['d1', 'd2'])).map((r) => r.published_at),
        ['2026-03-02T12:00:00.000Z', '2026-03-02T12:00:00.000Z'],
      );
      await store.setReported('d2', {
        reported_version: null,
        reported_at: '2026-03-02T12:01:00.000Z',
        reported_json: null,
        report_error: 'bad json',
      });
      assert.equal((await store.get('d2'))?.report_error, 'bad json');
      await store.setReported('d1', {
        reported_version: 1,
        reported_at: '2026-03-02T12:01:00.000Z',
        reported_json: '{"old":true}',
        report_error: null,
      });
      await store.setReportedJson([]);
      await store.setReportedJson([{ device_id: 'd1', reported_json: '{"new":true}' }]);
      assert.equal((await store.get('d1'))?.reported_json, '{"new":true}');
    });

    it('lists reported devices of one model in id order after a given id', async () => {
      const store = await setup();
      await store.upsert([desired('d1'), desired('d2'), desired('d3')]);
      const report = {
        reported_version: 1,
        reported_at: '2026-03-02T12:00:00.000Z',
        reported_json: '{}',
        report_error: null,
      };
      await store.setReported('d2', report);
      await store.setReported('d1', report);
      await store.setReported('d3', report);
      assert.deepEqual(await store.reportedIdsOfModel('pump', '', 10), ['d1', 'd2']);
      assert.deepEqual(await store.reportedIdsOfModel('pump', 'd1', 10), ['d2']);
      assert.deepEqual(await store.reportedIdsOfModel('pump', '', 1), ['d1']);
      assert.deepEqual(await store.reportedIdsOfModel('gateway', '', 10), ['d3']);
    });

    it('sets and clears a maintenance window, creating the row if needed', async () => {
      const store = await setup();
      await store.setMaintenance('d1', '2026-03-03T00:00:00.000Z', 'ann');
      assert.deepEqual(
        await store.get('d1'),
        fresh({ maintenance_until: '2026-03-03T00:00:00.000Z', maintenance_by: 'ann' }),
      );
      await store.setMaintenance('d1', null, null);
      assert.deepEqual(await store.get('d1'), fresh({}));
    });

    it('sets the states that changed and leaves the others', async () => {
      const store = await setup();
      await store.upsert([desired('d1'), desired('d2'), desired('d3')]);
      await store.setState([{ device_id: 'd1', state: 'drifted' }]);
      await store.setState([{ device_id: 'd2', state: 'compliant' }]);
      await store.setState([{ device_id: 'd2', state: null }]);
      const rows = await store.many(['d1', 'd2', 'd3']);
      assert.deepEqual(
        new Map(rows.map((r) => [r.device_id, r.state])),
        new Map([
          ['d1', 'drifted'],
          ['d2', null],
          ['d3', null],
        ]),
      );
    });

    it('upserts and sets the states of more devices than one statement carries, the last row of a device winning', async () => {
      const store = await setup();
      const ids = Array.from({ length: 450 }, (_, i) => `m${String(i).padStart(3, '0')}`);
      await store.upsert([...ids.map((id) => desired(id, 1)), desired('m001', 2)]);
      await store.upsert(ids.map((id) => desired(id, id === 'm002' ? 5 : 1)));
      await store.setState([
        ...ids.map((id, i) => ({ device_id: id, state: i % 2 ? 'drifted' : 'compliant' })),
        { device_id: 'm003', state: null },
      ]);
      const rows = new Map((await store.many(ids)).map((r) => [r.device_id, r]));
      assert.equal(rows.size, 450);
      assert.equal(rows.get('m001')?.desired_version, 1);
      assert.equal(rows.get('m002')?.desired_version, 5);
      assert.deepEqual(
        ['m000', 'm001', 'm003', 'm449'].map((id) => rows.get(id)?.state),
        ['compliant', 'drifted', null, 'drifted'],
      );
    });

    it('reads heads without documents and pages ids in order', async () => {
      const store = await setup();
      await store.upsert([desired('d3'), desired('d1'), desired('d2')]);
      const heads = await store.heads(['d1', 'd3', 'd9']);
      assert.deepEqual(heads.map((h) => h.device_id).sort(), ['d1', 'd3']);
      for (const h of heads) assert.ok(!('desired_json' in h) && !('reported_json' in h), 'a head has no documents');
      assert.equal(heads.find((h) => h.device_id === 'd1')?.desired_hash, (await store.get('d1'))?.desired_hash);
      await store.setReported('d3', {
        reported_version: 1,
        reported_at: '2026-03-02T13:00:00.000Z',
        reported_json: '{"settings":{}}',
        report_error: null,
      });
      assert.deepEqual(await store.reports(['d1', 'd3']), new Map([['d3', '{"settings":{}}']]));
      // Every write of a report moves its revision on, also a rewrite in place.
      await store.setReportedJson([{ device_id: 'd3', reported_json: '{"settings":{"a":1}}' }]);
      assert.deepEqual((await store.heads(['d1', 'd3'])).map((h) => [h.device_id, h.report_rev]).sort(), [
        ['d1', 0],
        ['d3', 2],
      ]);
      assert.deepEqual(await store.idsPage('', 2), ['d1', 'd2']);
      assert.deepEqual(await store.idsPage('d2', 2), ['d3']);
    });

    it('selects active device ids by filter and within one device, and maps ids to models and names', async () => {
      const store = await setup();
      const pumps = expressionBuilder<Database, 'devices'>()('model', '=', 'pump');
      assert.deepEqual((await store.idsWhere(null)).sort(), ['d1', 'd2', 'd3']);
      assert.deepEqual((await store.idsWhere(pumps)).sort(), ['d1', 'd2']);
      assert.deepEqual(await store.idsWhere(pumps, 'd2'), ['d2']);
      assert.deepEqual(await store.idsWhere(pumps, 'd3'), []);
      assert.deepEqual(await store.idsWhere(null, 'd4'), []);
      assert.deepEqual(
        await store.models(['d1', 'd3', 'dx']),
        new Map([
          ['d1', 'pump'],
          ['d3', 'gateway'],
        ]),
      );
      assert.deepEqual(
        await store.names(['d2', 'd4']),
        new Map([
          ['d2', 'Pump 2'],
          ['d4', 'Retired'],
        ]),
      );
      assert.deepEqual(await store.names([]), new Map());
    });
  });
}
