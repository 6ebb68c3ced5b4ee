import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expressionBuilder } from 'kysely';
import type { Database } from '../../storage/schema.js';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createDevicesStore } from './devices.store.js';
import { newDevice } from './devices.store.contract.js';
import { emptyBatch } from './devices.types.js';
import { createFleetSnapshotStore } from './fleet-snapshot.store.js';

const eb = expressionBuilder<Database, 'devices'>();

export function fleetSnapshotStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`fleet snapshot store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);
    const setup = async () => {
      const devices = createDevicesStore(db());
      await devices.insert(newDevice({ id: 'd2', name: 'Gateway', model: 'gateway' }));
      await devices.insert(newDevice({ id: 'd1', name: 'Pump' }));
      await devices.insert(newDevice({ id: 'd3', name: 'Old pump' }));
      await devices.markDecommissioned('d3');
      const health = { v: 1 as const, ts: 0, uptimeS: 5, cpuPct: 42, memUsedPct: 1, diskUsedPct: 2 };
      await devices.writeBatch({
        ...emptyBatch(),
        hello: [
          {
            deviceId: 'd1',
            ip: null,
            hello: {
              v: 1,
              agentVersion: '2.0.0',
              firmware: '1.2.3',
              model: 'pump',
              bootId: 'b',
              healthIntervalS: 15,
              capabilities: [],
            },
          },
        ],
        presence: [{ deviceId: 'd1', state: 'online', at: '2026-03-02T10:00:00.000Z' }],
        health: [{ deviceId: 'd1', at: '2026-03-02T10:00:01.000Z', health }],
        seen: new Map([['d1', { at: '2026-03-02T10:00:01.000Z', staleAt: '2026-03-02T10:01:00.000Z' }]]),
      });
      return { snapshots: createFleetSnapshotStore(db()), health };
    };

    it('snapshots every active device by id with presence, health and certificate times', async () => {
      const { snapshots, health } = await setup();
      const all = await snapshots.devices(null);
      assert.deepEqual(
        all.map((d) => d.id),
        ['d1', 'd2'],
      );
      const { health: read, ...d1 } = all[0];
      assert.deepEqual(d1, {
        id: 'd1',
        name: 'Pump',
        model: 'pump',
        firmware: '1.2.3',
        presence: 'online',
        presenceChangedAt: '2026-03-02T10:00:00.000Z',
        lastSeenAt: '2026-03-02T10:00:01.000Z',
        healthAt: '2026-03-02T10:00:01.000Z',
        healthIntervalS: 15,
        certExpiresAt: '2027-03-01T00:00:00.000Z',
      });
      assert.deepEqual(read(), health);
      assert.equal(all[1].health(), null);
      assert.equal(all[1].presence, 'never_seen');
    });

    it('narrows by a filter and by a set of ids; an empty id set selects nothing', async () => {
      const { snapshots } = await setup();
      assert.deepEqual(
        (await snapshots.devices(eb('model', '=', 'gateway'))).map((d) => d.id),
        ['d2'],
      );
      assert.deepEqual(
        (await snapshots.devices(null, { ids: ['d2', 'd3', 'dx'] })).map((d) => d.id),
        ['d2'],
      );
      assert.deepEqual(await snapshots.devices(null, { ids: [] }), []);
      assert.deepEqual(await snapshots.devices(eb('model', '=', 'pump'), { ids: ['d2'] }), []);
    });
  });
}
