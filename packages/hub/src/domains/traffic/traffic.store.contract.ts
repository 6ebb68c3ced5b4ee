import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expressionBuilder } from 'kysely';
import type { Database } from '../../storage/schema.js';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createDevicesStore } from '../devices/devices.store.js';
import { newDevice } from '../devices/devices.store.contract.js';
import { createTrafficStore, type PortRow, type SampleRow } from './traffic.store.js';

const sample = (deviceId: string, ts: string, rxBytes: number, txBytes: number, periodS = 60): SampleRow => ({
  deviceId,
  ts,
  hour: ts.slice(0, 13),
  how: 24 + Number(ts.slice(11, 13)),
  periodS,
  rxBytes,
  txBytes,
  rxPackets: 10,
  txPackets: 5,
});

const port = (over: Partial<PortRow> = {}): PortRow => ({
  deviceId: 'd1',
  proto: 'tcp',
  port: 502,
  dir: 'in',
  firstSeen: '2026-03-02T10:00:00.000Z',
  lastSeen: '2026-03-02T10:00:00.000Z',
  novel: false,
  bytes: 1000,
  ...over,
});

export function trafficStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`traffic store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('rolls samples up per device and hour, summing bytes, packets, seconds and samples', async () => {
      const store = createTrafficStore(db());
      await store.writeSamples([]);
      await store.writeSamples([
        sample('d1', '2026-03-02T10:00:00.000Z', 4_000_000_000, 1_000_000_123),
        sample('d1', '2026-03-02T10:01:00.000Z', 100, 50),
      ]);
      await store.writeSamples([
        sample('d1', '2026-03-02T11:00:00.000Z', 10, 20, 30),
        sample('d2', '2026-03-02T10:00:00.000Z', 1, 1),
      ]);
      assert.deepEqual(await store.hourly('d1', '2026-03-02T00'), [
        { hour: '2026-03-02T10', bytes: 5_000_000_273, packets: 30, seconds: 120 },
        { hour: '2026-03-02T11', bytes: 30, packets: 15, seconds: 30 },
      ]);
      assert.deepEqual(await store.hourly('d1', '2026-03-02T11'), [
        { hour: '2026-03-02T11', bytes: 30, packets: 15, seconds: 30 },
      ]);
    });

    it('computes hourly rates in a window, leaving out hours with too little data', async () => {
      const store = createTrafficStore(db());
      await store.writeSamples([
        sample('d1', '2026-03-02T10:00:00.000Z', 600, 600, 60),
        sample('d1', '2026-03-02T11:00:00.000Z', 30, 0, 10),
        sample('d1', '2026-03-02T12:00:00.000Z', 60, 0, 60),
      ]);
      const rates = await store.hourlyRates('d1', '2026-03-02T10', '2026-03-02T12', 30);
      assert.deepEqual(rates, [{ hour: '2026-03-02T10', how: 34, rate: 20 }]);
      assert.deepEqual(await store.hourlyRates('d2', '2026-03-02T00', '2026-03-03T00', 0), []);
    });

    it('remembers the first time a device was seen', async () => {
      const store = createTrafficStore(db());
      assert.equal(await store.firstSeen('d1', '2026-03-02T10:00:00.000Z'), '2026-03-02T10:00:00.000Z');
      assert.equal(await store.firstSeen('d1', '2026-03-05T10:00:00.000Z'), '2026-03-02T10:00:00.000Z');
    });

    it('upserts ports, updating only last-seen and bytes, and lists them by protocol and port', async () => {
      const store = createTrafficStore(db());
      await store.upsertPorts([]);
      await store.upsertPorts([
        port(),
        port({ proto: 'udp', port: 53, dir: 'out', novel: true }),
        port({ port: 22 }),
        port({ deviceId: 'd2' }),
      ]);
      await store.upsertPorts([
        port({
          firstSeen: '2026-03-09T00:00:00.000Z',
          lastSeen: '2026-03-03T00:00:00.000Z',
          novel: true,
          bytes: 3_000_000_000,
        }),
      ]);
      const ports = await store.ports('d1');
      assert.deepEqual(
        ports.map((p) => `${p.proto}/${p.port}/${p.dir}`),
        ['tcp/22/in', 'tcp/502/in', 'udp/53/out'],
      );
      assert.deepEqual(ports[1], port({ lastSeen: '2026-03-03T00:00:00.000Z', bytes: 3_000_000_000 }));
      assert.deepEqual(await store.ports('dx'), []);
    });

    it('lists novel ports first seen since a time, oldest first', async () => {
      const store = createTrafficStore(db());
      await store.upsertPorts([
        port({ port: 1, novel: true, firstSeen: '2026-03-02T12:00:00.000Z' }),
        port({ port: 2, novel: true, firstSeen: '2026-03-02T11:00:00.000Z' }),
        port({ port: 3, novel: false, firstSeen: '2026-03-02T11:00:00.000Z' }),
        port({ port: 4, novel: true, firstSeen: '2026-03-01T11:00:00.000Z' }),
      ]);
      assert.deepEqual(await store.newPortsSince('2026-03-02T00:00:00.000Z'), [
        { device_id: 'd1', proto: 'tcp', port: 2, dir: 'in', first_seen: '2026-03-02T11:00:00.000Z' },
        { device_id: 'd1', proto: 'tcp', port: 1, dir: 'in', first_seen: '2026-03-02T12:00:00.000Z' },
      ]);
    });

    it('summarises fleet traffic per hour and per device over a window, optionally filtered', async () => {
      const devices = createDevicesStore(db());
      await devices.insert(newDevice({ id: 'd1' }));
      await devices.insert(newDevice({ id: 'd2', model: 'gateway' }));
      const store = createTrafficStore(db());
      await store.writeSamples([
        sample('d1', '2026-03-02T10:00:00.000Z', 100, 0),
        sample('d2', '2026-03-02T10:00:00.000Z', 50, 0),
        sample('d2', '2026-03-02T11:00:00.000Z', 7, 0),
        sample('d2', '2026-03-02T12:00:00.000Z', 1000, 0),
      ]);
      const all = await store.summary('2026-03-02T10', '2026-03-02T12', null);
      assert.deepEqual(all.byHour, [
        { hour: '2026-03-02T10', bytes: 150 },
        { hour: '2026-03-02T11', bytes: 7 },
      ]);
      assert.deepEqual(
        all.byDevice,
        new Map([
          ['d1', 100],
          ['d2', 57],
        ]),
      );
      const gateways = await store.summary(
        '2026-03-02T10',
        '2026-03-02T12',
        expressionBuilder<Database, 'devices'>()('model', '=', 'gateway'),
      );
      assert.deepEqual(gateways.byHour, [
        { hour: '2026-03-02T10', bytes: 50 },
        { hour: '2026-03-02T11', bytes: 7 },
      ]);
      assert.deepEqual(gateways.byDevice, new Map([['d2', 57]]));
    });

    it('deletes raw samples and roll-ups before a time, counting them', async () => {
      const store = createTrafficStore(db());
      await store.writeSamples([
        sample('d1', '2026-03-01T10:00:00.000Z', 1, 1),
        sample('d1', '2026-03-02T10:00:00.000Z', 1, 1),
        sample('d1', '2026-03-02T10:30:00.000Z', 1, 1),
      ]);
      assert.equal(await store.deleteSamplesBefore('2026-03-02T10:30:00.000Z'), 2);
      assert.equal(await store.deleteSamplesBefore('2026-03-02T10:30:00.000Z'), 0);
      assert.equal(await store.deleteHourlyBefore('2026-03-02T00'), 1);
      assert.deepEqual(
        (await store.hourly('d1', '2026-01-01')).map((h) => h.hour),
        ['2026-03-02T10'],
      );
    });
  });
}
