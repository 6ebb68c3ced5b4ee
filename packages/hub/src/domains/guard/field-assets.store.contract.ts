import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldAsset } from '@outpost/protocol';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createFieldAssetsStore } from './field-assets.store.js';

const asset = (address: number, vendor: string, revision: string, productName = 'PLC'): FieldAsset => ({
  target: 'modbus-tcp 0.0.0.0:502',
  protocol: 'modbus',
  address,
  identity: { vendor, productName, revision, other: { '0x81': 'rack 7' } },
  firstSeen: Date.parse('2026-03-01T10:00:00.000Z'),
  lastSeen: Date.parse('2026-03-01T11:00:00.000Z'),
});

export function fieldAssetsStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`guard field assets store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);
    const at = '2026-03-01T12:00:00.000Z';

    it('a report replaces the gateway’s inventory and leaves other gateways alone', async () => {
      const s = createFieldAssetsStore(db());
      await s.replace('gw-1', [asset(1, 'Acme', '1.2.0'), asset(2, 'Acme', '2.0')], at);
      await s.replace('gw-2', [asset(1, 'GridCo', '4.2.0', 'RTU 100%_ok')], at);
      await s.replace('gw-1', [asset(2, 'Acme', '2.1')], at);
      const gw1 = await s.list({ deviceId: 'gw-1', limit: 10 });
      assert.deepEqual(
        gw1.map((a) => [a.address, a.revision]),
        [[2, '2.1']],
      );
      assert.deepEqual(gw1[0].identity.other, { '0x81': 'rack 7' });
      assert.equal(gw1[0].firstSeen, '2026-03-01T10:00:00.000Z');
      assert.equal((await s.list({ limit: 10 })).length, 2);
    });

    it('filters by vendor and product substrings (wildcards literal), firmware by version order, and scope', async () => {
      const s = createFieldAssetsStore(db());
      await s.replace('gw-1', [asset(1, 'Acme Controls', '1.9.0'), asset(2, 'Acme Controls', '1.10.0')], at);
      await s.replace('gw-2', [asset(1, 'GridCo', '4.2.0', 'RTU 100%_ok')], at);
      const ids = async (q: Parameters<typeof s.list>[0]) => (await s.list(q)).map((a) => `${a.deviceId}/${a.address}`);
      assert.deepEqual(await ids({ vendor: 'acme', limit: 10 }), ['gw-1/1', 'gw-1/2']);
      assert.deepEqual(await ids({ firmwareBelow: '1.10', limit: 10 }), ['gw-1/1']);
      assert.deepEqual(await ids({ product: '100%_', limit: 10 }), ['gw-2/1']);
      assert.deepEqual(await ids({ product: '1_0', limit: 10 }), []);
      assert.deepEqual(await ids({ vendor: '%', limit: 10 }), []);
      assert.deepEqual(await ids({ deviceIn: ['gw-2'], limit: 10 }), ['gw-2/1']);
      assert.deepEqual(await ids({ deviceIn: [], limit: 10 }), []);
    });

    it('keeps how each identity was learnt and where the device sits, and filters by both', async () => {
      const s = createFieldAssetsStore(db());
      await s.replace(
        'gw-1',
        [
          { ...asset(1, 'Acme', '1.0'), source: 'active', interface: 'tcp:10.0.0.5:502' },
          {
            ...asset(5, 'Acme', '1.0'),
            target: 'modbus-rtu /dev/ttyS0',
            source: 'passive',
            interface: 'rtu:/dev/ttyS1',
          },
          asset(7, 'Old agent', '1.0'),
        ],
        at,
      );
      const all = await s.list({ deviceId: 'gw-1', limit: 10 });
      assert.deepEqual(
        all.map((a) => [a.address, a.source, a.interface]),
        [
          [5, 'passive', 'rtu:/dev/ttyS1'],
          [1, 'active', 'tcp:10.0.0.5:502'],
          [7, null, null],
        ],
      );
      const ids = async (q: Parameters<typeof s.list>[0]) => (await s.list(q)).map((a) => a.address);
      assert.deepEqual(await ids({ source: 'active', limit: 10 }), [1]);
      assert.deepEqual(await ids({ source: 'passive', limit: 10 }), [5]);
      assert.deepEqual(await ids({ interface: 'RTU:', limit: 10 }), [5]);
      assert.deepEqual(await ids({ interface: '_', limit: 10 }), []);
    });
  });
}
