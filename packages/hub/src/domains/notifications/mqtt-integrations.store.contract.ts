import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createMqttIntegrationsStore, toIntegration } from './mqtt-integrations.store.js';
import type { MqttIntegrationsTable } from './notifications.tables.js';

const row = (over: Partial<MqttIntegrationsTable> = {}): MqttIntegrationsTable => ({
  id: 'mi_1',
  name: 'scada',
  client_id: 'int-scada',
  cert_serial: 'aa01',
  not_after: '2027-03-01T00:00:00.000Z',
  revoked_at: null,
  created_by: 'ann',
  created_at: '2026-03-02T10:00:00.000Z',
  ...over,
});

export function mqttIntegrationsStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`MQTT integrations store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('finds an integration by id, name and certificate serial', async () => {
      const store = createMqttIntegrationsStore(db());
      await store.insert(row());
      assert.deepEqual(await store.get('mi_1'), row());
      assert.deepEqual(await store.byName('scada'), row());
      assert.deepEqual(await store.bySerial('aa01'), row());
      assert.equal(await store.get('mi_x'), null);
      assert.equal(await store.byName('x'), null);
      assert.equal(await store.bySerial('ff'), null);
    });

    it('refuses a repeated name, client id or certificate serial', async () => {
      const store = createMqttIntegrationsStore(db());
      await store.insert(row());
      await assert.rejects(store.insert(row({ id: 'mi_2', client_id: 'c2', cert_serial: 's2' })));
      await assert.rejects(store.insert(row({ id: 'mi_2', name: 'n2', cert_serial: 's2' })));
      await assert.rejects(store.insert(row({ id: 'mi_2', name: 'n2', client_id: 'c2' })));
    });

    it('revokes once, keeping the first revocation time', async () => {
      const store = createMqttIntegrationsStore(db());
      await store.insert(row());
      await store.revoke('mi_1', '2026-03-03T00:00:00.000Z');
      await store.revoke('mi_1', '2026-03-04T00:00:00.000Z');
      assert.equal((await store.get('mi_1'))?.revoked_at, '2026-03-03T00:00:00.000Z');
    });

    it('lists integrations by name in their public shape', async () => {
      const store = createMqttIntegrationsStore(db());
      await store.insert(row({ id: 'b', name: 'beta', client_id: 'cb', cert_serial: 'sb' }));
      await store.insert(row());
      const list = await store.list();
      assert.deepEqual(
        list.map((i) => i.name),
        ['beta', 'scada'],
      );
      assert.deepEqual(list[1], toIntegration(row()));
      assert.equal(list[1].clientId, 'int-scada');
    });
  });
}
