import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../../storage/test-database.js';
import { createDesiredStore } from '../desired.store.js';
import { createComplianceStore, type ComplianceRowDb, type IncidentRow } from './compliance.store.js';
import { createDeviceFacts } from '../../devices/index.js';

const row = (
  device_id: string,
  template_id: string,
  state = 'compliant',
  over: Partial<ComplianceRowDb> = {},
): ComplianceRowDb => ({
  device_id,
  template_id,
  state,
  diff_json: '[]',
  reason: null,
  since: '2026-03-02T10:00:00.000Z',
  checked_at: '2026-03-02T10:00:00.000Z',
  ...over,
});

const incident = (
  id: string,
  device_id: string,
  detected_at: string,
  over: Partial<IncidentRow> = {},
): IncidentRow => ({
  id,
  device_id,
  template_id: 'tpl_ntp',
  template_name: 'ntp',
  keys_json: '["ntp.server"]',
  users_json: '[]',
  detected_at,
  resolved_at: null,
  resolution: null,
  remediations: 0,
  ...over,
});

export function complianceStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`compliance store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('upserts, removes and touches compliance rows in one call', async () => {
      const store = createComplianceStore(db());
      await store.applyRows({
        upsert: [row('d1', 't1'), row('d1', 't2'), row('d2', 't1')],
        remove: [],
        touch: [],
        at: '',
      });
      const drift = row('d1', 't1', 'drifted', {
        diff_json: '[{"key":"a"}]',
        reason: 'changed on device',
        since: '2026-03-02T11:00:00.000Z',
        checked_at: '2026-03-02T11:00:00.000Z',
      });
      await store.applyRows({
        upsert: [drift],
        remove: [{ device_id: 'd1', template_id: 't2' }],
        touch: ['d2'],
        at: '2026-03-02T12:00:00.000Z',
      });
      const rows = await store.rowsOf(['d1', 'd2', 'dx']);
      const sorted = rows.sort((a, b) => (a.device_id + a.template_id).localeCompare(b.device_id + b.template_id));
      assert.deepEqual(sorted, [drift, row('d2', 't1', 'compliant', { checked_at: '2026-03-02T12:00:00.000Z' })]);
      assert.deepEqual(await store.rowsOf([]), []);
    });

    it('upserts more rows than one statement carries, the last row of a device and source winning', async () => {
      const store = createComplianceStore(db());
      const ids = Array.from({ length: 450 }, (_, i) => `m${String(i).padStart(3, '0')}`);
      const late = row('m007', 't1', 'drifted', { reason: 'later' });
      await store.applyRows({ upsert: [...ids.map((id) => row(id, 't1')), late], remove: [], touch: [], at: '' });
      const rows = await store.rowsOf(ids);
      assert.equal(rows.length, 450);
      assert.deepEqual(
        rows.find((r) => r.device_id === 'm007'),
        late,
      );
    });

    it('lists rows by device then template with state, template, device and after-key filters', async () => {
      const store = createComplianceStore(db());
      await store.applyRows({
        upsert: [row('d2', 't1'), row('d1', 't2', 'drifted'), row('d1', 't1'), row('d3', 't1', 'drifted')],
        remove: [],
        touch: [],
        at: '',
      });
      const keys = async (q: Parameters<typeof store.list>[0]) =>
        (await store.list(q)).map((r) => `${r.device_id}/${r.template_id}`);
      assert.deepEqual(await keys({ limit: 10 }), ['d1/t1', 'd1/t2', 'd2/t1', 'd3/t1']);
      assert.deepEqual(await keys({ limit: 2, afterKey: { deviceId: 'd1', templateId: 't1' } }), ['d1/t2', 'd2/t1']);
      assert.deepEqual(await keys({ limit: 10, state: 'drifted' }), ['d1/t2', 'd3/t1']);
      assert.deepEqual(await keys({ limit: 10, templateId: 't1', deviceIds: ['d2', 'd3'] }), ['d2/t1', 'd3/t1']);
      assert.deepEqual(await keys({ limit: 10, deviceIds: [] }), []);
    });

    it('counts rows per template and state, and devices per overall state', async () => {
      const store = createComplianceStore(db());
      await store.applyRows({
        upsert: [row('d1', 't1'), row('d2', 't1'), row('d3', 't1', 'drifted'), row('d1', 't2', 'error')],
        remove: [],
        touch: [],
        at: '',
      });
      const counts = (await store.counts()).sort((a, b) =>
        (a.template_id + a.state).localeCompare(b.template_id + b.state),
      );
      assert.deepEqual(counts, [
        { template_id: 't1', state: 'compliant', n: 2 },
        { template_id: 't1', state: 'drifted', n: 1 },
        { template_id: 't2', state: 'error', n: 1 },
      ]);
      const desired = createDesiredStore(db(), createDeviceFacts(db()));
      for (const id of ['d1', 'd2', 'd3', 'd4']) await desired.ensure(id);
      await desired.setState([
        { device_id: 'd1', state: 'drifted' },
        { device_id: 'd2', state: 'drifted' },
        { device_id: 'd3', state: 'compliant' },
      ]);
      assert.deepEqual(
        (await store.deviceCounts()).sort((a, b) => a.state.localeCompare(b.state)),
        [
          { state: 'compliant', n: 1 },
          { state: 'drifted', n: 2 },
        ],
      );
    });

    it('keeps incidents: open ones per device, updates, and a filtered newest-first list', async () => {
      const store = createComplianceStore(db());
      await store.insertIncident(incident('i1', 'd1', '2026-03-01T00:00:00.000Z'));
      await store.insertIncident(incident('i2', 'd1', '2026-03-02T00:00:00.000Z', { template_id: 'tpl_x' }));
      await store.insertIncident(incident('i3', 'd2', '2026-03-03T00:00:00.000Z'));
      await assert.rejects(store.insertIncident(incident('i3', 'd2', '2026-03-03T00:00:00.000Z')));
      await store.updateIncident('i2', {
        resolved_at: '2026-03-02T01:00:00.000Z',
        resolution: 'remediated',
        remediations: 2,
        keys_json: '[]',
        users_json: '["ann"]',
      });
      assert.deepEqual((await store.openIncidents(['d1', 'd2'])).map((i) => i.id).sort(), ['i1', 'i3']);
      assert.deepEqual(await store.openIncidents([]), []);
      const ids = async (q: Parameters<typeof store.incidents>[0]) => (await store.incidents(q)).map((i) => i.id);
      assert.deepEqual(await ids({ limit: 10 }), ['i3', 'i2', 'i1']);
      assert.deepEqual(
        await ids({ limit: 10, sinceIso: '2026-03-02T12:00:00.000Z' }),
        ['i3', 'i1'],
        'old but open still counts',
      );
      assert.deepEqual(await ids({ limit: 10, templateId: 'tpl_x' }), ['i2']);
      assert.deepEqual(await ids({ limit: 10, deviceIds: ['d1'] }), ['i2', 'i1']);
      assert.deepEqual(await ids({ limit: 10, deviceIds: [] }), []);
      const i2 = (await store.incidents({ limit: 10, templateId: 'tpl_x' }))[0];
      assert.deepEqual(
        i2,
        incident('i2', 'd1', '2026-03-02T00:00:00.000Z', {
          template_id: 'tpl_x',
          resolved_at: '2026-03-02T01:00:00.000Z',
          resolution: 'remediated',
          remediations: 2,
          keys_json: '[]',
          users_json: '["ann"]',
        }),
      );
    });

    it('records remediations and lists them newest first by time and device', async () => {
      const store = createComplianceStore(db());
      const rem = (id: string, device_id: string, at: string) => ({
        id,
        incident_id: id === 'r1' ? null : 'i1',
        device_id,
        template_id: 't1',
        at,
        desired_version: 4,
        keys_json: '["a"]',
        actor: 'system',
      });
      await store.insertRemediation(rem('r1', 'd1', '2026-03-01T00:00:00.000Z'));
      await store.insertRemediation(rem('r2', 'd2', '2026-03-02T00:00:00.000Z'));
      await store.insertRemediation(rem('r3', 'd1', '2026-03-03T00:00:00.000Z'));
      assert.deepEqual(
        (await store.remediations({ limit: 10 })).map((r) => r.id),
        ['r3', 'r2', 'r1'],
      );
      assert.deepEqual(
        (await store.remediations({ limit: 10, sinceIso: '2026-03-02T00:00:00.000Z', deviceId: 'd1' })).map(
          (r) => r.id,
        ),
        ['r3'],
      );
      assert.deepEqual((await store.remediations({ limit: 1 }))[0], rem('r3', 'd1', '2026-03-03T00:00:00.000Z'));
    });

    it('records history per template and scope and reads it oldest first since a time', async () => {
      const store = createComplianceStore(db());
      const h = (at: string, template_id = 't1', scope_key = '') => ({
        at,
        scope_key,
        template_id,
        template_name: 'ntp',
        total: 10,
        compliant: 7,
        drifted: 2,
        pending: 1,
        error: 0,
      });
      await store.insertHistory([
        h('2026-03-02T00:00:00.000Z'),
        h('2026-03-01T00:00:00.000Z'),
        h('2026-03-03T00:00:00.000Z'),
        h('2026-03-03T00:00:00.000Z', 't2'),
        h('2026-03-02T12:00:00.000Z', 't1', 'plant'),
        h('2026-03-04T00:00:00.000Z', 't1', 'yard'),
      ]);
      await store.insertHistory([]);
      // A scope's points are its own; the fleet's ('') are not mixed with them.
      assert.deepEqual(
        await store.history({ templateId: 't1', sinceIso: '2026-03-01T00:00:00.000Z', limit: 10, scopeKey: 'plant' }),
        [h('2026-03-02T12:00:00.000Z', 't1', 'plant')],
      );
      assert.deepEqual(await store.historyScopes(10), ['yard', 'plant']);
      assert.deepEqual(await store.historyScopes(1), ['yard']);
      assert.deepEqual(await store.history({ templateId: 't1', sinceIso: '2026-03-02T00:00:00.000Z', limit: 10 }), [
        h('2026-03-02T00:00:00.000Z'),
        h('2026-03-03T00:00:00.000Z'),
      ]);
      assert.equal(
        (await store.history({ templateId: 't1', sinceIso: '2026-01-01T00:00:00.000Z', limit: 1 }))[0].at,
        '2026-03-01T00:00:00.000Z',
      );
    });

    it('records configuration events and lists them newest first by device and type', async () => {
      const store = createComplianceStore(db());
      const ev = (id: string, device_id: string, ts: string, type = 'drift') => ({
        id,
        device_id,
        ts,
        type,
        severity: 'warning',
        template_id: type === 'drift' ? 't1' : null,
        data_json: '{"keys":["a"]}',
      });
      await store.insertEvents([
        ev('e1', 'd1', '2026-03-01T00:00:00.000Z'),
        ev('e2', 'd1', '2026-03-02T00:00:00.000Z', 'apply_failed'),
        ev('e3', 'd2', '2026-03-02T00:00:00.000Z'),
      ]);
      await store.insertEvents([]);
      assert.deepEqual(
        (await store.events({ limit: 10 })).map((e) => e.id),
        ['e3', 'e2', 'e1'],
      );
      assert.deepEqual(await store.events({ limit: 10, deviceId: 'd1', type: 'drift' }), [
        ev('e1', 'd1', '2026-03-01T00:00:00.000Z'),
      ]);
    });

    it('records scans and reads the latest of the fleet and of a scope', async () => {
      const store = createComplianceStore(db());
      assert.equal(await store.lastScan(), null);
      const scan = (id: string, started_at: string, scope_key = '') => ({
        id,
        started_at,
        duration_ms: 120,
        devices: 40,
        republished: 2,
        trigger: 'timer',
        scope_key,
      });
      await store.insertScan(scan('s2', '2026-03-02T00:00:00.000Z'));
      await store.insertScan(scan('s1', '2026-03-01T00:00:00.000Z'));
      await store.insertScan(scan('s3', '2026-03-03T00:00:00.000Z', 'plant'));
      assert.deepEqual(await store.lastScan(), scan('s2', '2026-03-02T00:00:00.000Z'));
      assert.deepEqual(await store.lastScan('plant'), scan('s3', '2026-03-03T00:00:00.000Z', 'plant'));
      assert.equal(await store.lastScan('yard'), null);
    });
  });
}
