import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertRule, NotifiedAlert } from '@outpost/protocol';
import { expressionBuilder } from 'kysely';
import type { Database } from '../../storage/schema.js';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createDevicesStore } from '../devices/devices.store.js';
import { newDevice } from '../devices/devices.store.contract.js';
import { createAlertsStore, type AlertChanges } from './alerts.store.js';
import type { AlertsTable } from './alerts.tables.js';

const rule = (over: Partial<AlertRule> = {}): AlertRule => ({
  id: 'rule_hot',
  name: 'Hot pumps',
  type: 'threshold',
  severity: 'critical',
  scope: { group: 'plant', filter: 'model:pump' },
  params: { metric: 'temperatureC', op: '>', value: 90 },
  forS: 60,
  clearForS: 120,
  channels: ['ch_ops'],
  enabled: true,
  createdBy: 'ann',
  createdAt: '2026-03-02T10:00:00.000Z',
  updatedAt: '2026-03-02T10:00:00.000Z',
  ...over,
});

const fired = (
  id: string,
  deviceId: string,
  firedAt: string,
  over: Partial<AlertsTable> = {},
): Omit<AlertsTable, 'open_key'> => ({
  id,
  rule_id: 'rule_hot',
  rule_name: 'Hot pumps',
  rule_type: 'threshold',
  device_id: deviceId,
  state: 'firing',
  severity: 'critical',
  fired_at: firedAt,
  value_json: '{"temperatureC":95}',
  last_value_json: '{"temperatureC":95}',
  last_value_at: firedAt,
  text: 'too hot',
  flapping: 0,
  acked_by: null,
  acked_at: null,
  ack_note: null,
  resolved_at: null,
  resolved_by: null,
  resolve_note: null,
  ...over,
});

const noChanges = (): AlertChanges => ({ fired: [], resolved: [], values: [] });

export function alertsStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`alerts store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);
    const written: Array<{ channelId: string; payload: NotifiedAlert }> = [];
    const setup = async () => {
      written.length = 0;
      const devices = createDevicesStore(db());
      await devices.insert(newDevice({ id: 'd1', name: 'Pump 1' }));
      await devices.insert(newDevice({ id: 'd2', name: 'Gateway', model: 'gateway' }));
      return createAlertsStore(db(), async (_trx, intents) => void written.push(...intents));
    };
    const intent = (alertId: string) => ({ channelId: 'ch_ops', payload: { alertId } as NotifiedAlert });

    it('inserts, reads, renames, lists by name and deletes rules', async () => {
      const alerts = await setup();
      await alerts.insertRule(rule());
      await alerts.insertRule(rule({ id: 'rule_b', name: 'Battery', scope: {}, channels: [], enabled: false }));
      assert.deepEqual(await alerts.getRule('rule_hot'), rule());
      assert.deepEqual(
        await alerts.ruleByName('Battery'),
        rule({ id: 'rule_b', name: 'Battery', scope: {}, channels: [], enabled: false }),
      );
      assert.equal(await alerts.getRule('rule_x'), null);
      assert.equal(await alerts.ruleByName('x'), null);
      await assert.rejects(alerts.insertRule(rule({ id: 'rule_c' })), 'rule names are unique');
      await alerts.updateRule(
        rule({ name: 'Very hot', severity: 'warning', scope: { filter: 'x' }, updatedAt: '2026-03-03T00:00:00.000Z' }),
      );
      assert.deepEqual(
        await alerts.getRule('rule_hot'),
        rule({ name: 'Very hot', severity: 'warning', scope: { filter: 'x' }, updatedAt: '2026-03-03T00:00:00.000Z' }),
      );
      assert.deepEqual(
        (await alerts.listRules()).map((r) => r.name),
        ['Battery', 'Very hot'],
      );
      assert.equal(await alerts.deleteRule('rule_b'), true);
      assert.equal(await alerts.deleteRule('rule_b'), false);
    });

    it('fires one open alert per rule and device, with history, intents and the device name', async () => {
      const alerts = await setup();
      assert.deepEqual(await alerts.apply(noChanges()), { fired: [], resolved: [] });
      const first = await alerts.apply({
        ...noChanges(),
        fired: [{ row: fired('al_1', 'd1', '2026-03-02T10:00:00.000Z'), intents: [intent('al_1')] }],
      });
      assert.deepEqual(first, { fired: ['al_1'], resolved: [] });
      const again = await alerts.apply({
        ...noChanges(),
        fired: [{ row: fired('al_2', 'd1', '2026-03-02T10:01:00.000Z'), intents: [intent('al_2')] }],
      });
      assert.deepEqual(again, { fired: [], resolved: [] });
      assert.deepEqual(
        written.map((w) => w.payload.alertId),
        ['al_1'],
      );
      assert.deepEqual(await alerts.getAlert('al_1'), {
        ...fired('al_1', 'd1', '2026-03-02T10:00:00.000Z'),
        open_key: 'rule_hot|d1',
        device_name: 'Pump 1',
      });
      assert.equal(await alerts.getAlert('al_2'), null);
      assert.deepEqual(await alerts.history('al_1'), [
        { at: '2026-03-02T10:00:00.000Z', event: 'fired', actor: 'system', note: null, value: { temperatureC: 95 } },
      ]);
      assert.deepEqual(await alerts.openAlerts(), [
        {
          id: 'al_1',
          ruleId: 'rule_hot',
          deviceId: 'd1',
          state: 'firing',
          severity: 'critical',
          firedAt: '2026-03-02T10:00:00.000Z',
          text: 'too hot',
          flapping: false,
          lastValueJson: '{"temperatureC":95}',
          lastValueAt: '2026-03-02T10:00:00.000Z',
        },
      ]);
    });

    it('records a flapping fire as such and updates last values', async () => {
      const alerts = await setup();
      await alerts.apply({
        ...noChanges(),
        fired: [{ row: fired('al_1', 'd1', '2026-03-02T10:00:00.000Z', { flapping: 1 }), intents: [] }],
      });
      await alerts.apply({
        ...noChanges(),
        values: [{ id: 'al_1', valueJson: '{"temperatureC":99}', at: '2026-03-02T10:05:00.000Z' }],
      });
      const a = await alerts.getAlert('al_1');
      assert.equal(a?.last_value_json, '{"temperatureC":99}');
      assert.equal(a?.last_value_at, '2026-03-02T10:05:00.000Z');
      assert.equal(a?.value_json, '{"temperatureC":95}');
      assert.equal((await alerts.history('al_1'))[0].event, 'fired_flapping');
      assert.equal((await alerts.openAlerts())[0].flapping, true);
    });

    it('acknowledges a firing alert once, then resolves it once; the rule may then fire again', async () => {
      const alerts = await setup();
      await alerts.apply({
        ...noChanges(),
        fired: [{ row: fired('al_1', 'd1', '2026-03-02T10:00:00.000Z'), intents: [] }],
      });
      assert.equal(await alerts.acknowledge('al_1', 'ann', 'looking', '2026-03-02T10:01:00.000Z'), true);
      assert.equal(await alerts.acknowledge('al_1', 'bob', null, '2026-03-02T10:02:00.000Z'), false);
      const resolve = {
        id: 'al_1',
        at: '2026-03-02T10:03:00.000Z',
        by: 'ann',
        note: 'fixed',
        valueJson: '{"temperatureC":70}',
        intents: [intent('al_1')],
      };
      assert.equal(await alerts.resolveByHand(resolve), true);
      assert.equal(await alerts.resolveByHand(resolve), false);
      assert.deepEqual(await alerts.apply({ ...noChanges(), resolved: [resolve] }), { fired: [], resolved: [] });
      const a = await alerts.getAlert('al_1');
      assert.deepEqual(
        [a?.state, a?.open_key, a?.acked_by, a?.ack_note, a?.resolved_by, a?.resolve_note, a?.last_value_json],
        ['resolved', null, 'ann', 'looking', 'ann', 'fixed', '{"temperatureC":70}'],
      );
      assert.deepEqual(
        (await alerts.history('al_1')).map((h) => [h.event, h.actor, h.note, h.value]),
        [
          ['fired', 'system', null, { temperatureC: 95 }],
          ['acknowledged', 'ann', 'looking', null],
          ['resolved', 'ann', 'fixed', { temperatureC: 70 }],
        ],
      );
      assert.equal(written.length, 1);
      assert.deepEqual(await alerts.openAlerts(), []);
      const refire = await alerts.apply({
        ...noChanges(),
        fired: [{ row: fired('al_2', 'd1', '2026-03-02T11:00:00.000Z'), intents: [] }],
      });
      assert.deepEqual(refire.fired, ['al_2']);
    });

    it('resolves in the same batch before firing, so an alert can be replaced in one evaluation', async () => {
      const alerts = await setup();
      await alerts.apply({
        ...noChanges(),
        fired: [{ row: fired('al_1', 'd1', '2026-03-02T10:00:00.000Z'), intents: [] }],
      });
      const out = await alerts.apply({
        fired: [{ row: fired('al_2', 'd1', '2026-03-02T10:10:00.000Z'), intents: [] }],
        resolved: [
          { id: 'al_1', at: '2026-03-02T10:10:00.000Z', by: 'system', note: null, valueJson: null, intents: [] },
        ],
        values: [],
      });
      assert.deepEqual(out, { fired: ['al_2'], resolved: ['al_1'] });
      assert.equal((await alerts.getAlert('al_1'))?.last_value_json, '{"temperatureC":95}');
    });

    it('lists alerts newest first with state, device, rule and severity filters and a before-cursor', async () => {
      const alerts = await setup();
      await alerts.apply({
        ...noChanges(),
        fired: [
          { row: fired('a1', 'd1', '2026-03-02T10:00:00.000Z'), intents: [] },
          { row: fired('a2', 'd2', '2026-03-02T10:00:00.000Z', { severity: 'warning' }), intents: [] },
          { row: fired('a3', 'd1', '2026-03-02T10:05:00.000Z', { rule_id: 'rule_b' }), intents: [] },
        ],
      });
      await alerts.acknowledge('a3', 'ann', null, '2026-03-02T10:06:00.000Z');
      const ids = async (q: Parameters<typeof alerts.listAlerts>[0]) => (await alerts.listAlerts(q)).map((a) => a.id);
      assert.deepEqual(await ids({ limit: 10 }), ['a3', 'a2', 'a1']);
      assert.deepEqual(await ids({ limit: 2 }), ['a3', 'a2']);
      assert.deepEqual(await ids({ limit: 10, before: { firedAt: '2026-03-02T10:00:00.000Z', id: 'a2' } }), ['a1']);
      assert.deepEqual(await ids({ limit: 10, states: ['acknowledged'] }), ['a3']);
      assert.deepEqual(await ids({ limit: 10, states: ['firing', 'resolved'] }), ['a2', 'a1']);
      assert.deepEqual(await ids({ limit: 10, deviceId: 'd1' }), ['a3', 'a1']);
      assert.deepEqual(await ids({ limit: 10, ruleId: 'rule_b' }), ['a3']);
      assert.deepEqual(await ids({ limit: 10, severity: 'warning' }), ['a2']);
    });

    it('counts open alerts by state and severity, leaving resolved ones out', async () => {
      const alerts = await setup();
      await alerts.apply({
        ...noChanges(),
        fired: [
          { row: fired('a1', 'd1', '2026-03-02T10:00:00.000Z'), intents: [] },
          { row: fired('a2', 'd2', '2026-03-02T10:00:00.000Z'), intents: [] },
          { row: fired('a3', 'd1', '2026-03-02T10:00:00.000Z', { rule_id: 'rule_b', severity: 'info' }), intents: [] },
        ],
      });
      await alerts.acknowledge('a2', 'ann', null, '2026-03-02T10:01:00.000Z');
      await alerts.resolveByHand({
        id: 'a3',
        at: '2026-03-02T10:02:00.000Z',
        by: 'ann',
        note: null,
        valueJson: null,
        intents: [],
      });
      const counts = (await alerts.openCounts()).map((c) => [c.state, c.severity, Number(c.n)]).sort();
      assert.deepEqual(counts, [
        ['acknowledged', 'critical', 1],
        ['firing', 'critical', 1],
      ]);
    });

    it('finds alerts fired in a half-open window, optionally on the devices a filter selects', async () => {
      const alerts = await setup();
      await alerts.apply({
        ...noChanges(),
        fired: [
          { row: fired('a1', 'd1', '2026-03-02T10:00:00.000Z'), intents: [] },
          { row: fired('a2', 'd2', '2026-03-02T09:00:00.000Z'), intents: [] },
          { row: fired('a3', 'd1', '2026-03-02T11:00:00.000Z', { rule_id: 'rule_b' }), intents: [] },
        ],
      });
      const all = await alerts.firedBetween('2026-03-02T09:00:00.000Z', '2026-03-02T11:00:00.000Z', null);
      assert.deepEqual(
        all.map((a) => a.id),
        ['a2', 'a1'],
      );
      assert.deepEqual(all[1], {
        id: 'a1',
        device_id: 'd1',
        rule_name: 'Hot pumps',
        rule_type: 'threshold',
        severity: 'critical',
        fired_at: '2026-03-02T10:00:00.000Z',
        resolved_at: null,
        state: 'firing',
        text: 'too hot',
      });
      const gateways = expressionBuilder<Database, 'devices'>()('model', '=', 'gateway');
      assert.deepEqual(
        (await alerts.firedBetween('2026-03-01T00:00:00.000Z', '2026-03-03T00:00:00.000Z', gateways)).map((a) => a.id),
        ['a2'],
      );
    });
  });
}
