import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HealthMessage, HelloMessage } from '@outpost/protocol';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createDevicesStore } from './devices.store.js';
import { newDevice } from './devices.store.contract.js';
import { emptyBatch, type IngestBatch } from './devices.types.js';

const hello = (over: Partial<HelloMessage> = {}): HelloMessage => ({
  v: 1,
  agentVersion: '2.1.0',
  firmware: '1.9.0',
  model: 'pump',
  serial: 'SN-A',
  bootId: 'boot-1',
  healthIntervalS: 60,
  capabilities: ['config'],
  ...over,
});

const health = (cpuPct: number): HealthMessage => ({
  v: 1,
  ts: 0,
  uptimeS: 10,
  cpuPct,
  memUsedPct: 20,
  diskUsedPct: 30,
});

const batch = (over: Partial<IngestBatch>): IngestBatch => ({ ...emptyBatch(), ...over });

export function deviceTrafficContract(name: string, open: OpenTestDatabase): void {
  describe(`devices store contract: device traffic (${name})`, () => {
    const db = freshDatabaseEachTest(open);
    const setup = async (...ids: string[]) => {
      const devices = createDevicesStore(db());
      for (const id of ids) await devices.insert(newDevice({ id }));
      return devices;
    };

    it('applies a hello and names only devices whose filterable attributes changed', async () => {
      const devices = await setup('d1', 'd2');
      const first = await devices.writeBatch(batch({ hello: [{ deviceId: 'd1', hello: hello(), ip: null }] }));
      assert.deepEqual(first.attributesChanged, ['d1']);
      const same = await devices.writeBatch(
        batch({ hello: [{ deviceId: 'd1', hello: hello({ bootId: 'boot-2' }), ip: null }] }),
      );
      assert.deepEqual(same.attributesChanged, []);
      const upgraded = await devices.writeBatch(
        batch({ hello: [{ deviceId: 'd1', hello: hello({ firmware: '1.10.0' }), ip: null }] }),
      );
      assert.deepEqual(upgraded.attributesChanged, ['d1']);
      const d = await devices.get('d1');
      assert.equal(d?.firmware, '1.10.0');
      assert.equal(d?.agentVersion, '2.1.0');
      assert.equal(d?.model, 'pump');
    });

    it('keeps the capabilities of the last hello, and none before the first', async () => {
      const devices = await setup('d1');
      assert.equal(await devices.helloCapabilities('d1'), null);
      await devices.writeBatch(batch({ hello: [{ deviceId: 'd1', hello: hello(), ip: null }] }));
      await devices.writeBatch(
        batch({ hello: [{ deviceId: 'd1', hello: hello({ capabilities: ['ping', 'reboot'] }), ip: null }] }),
      );
      assert.deepEqual(await devices.helloCapabilities('d1'), ['ping', 'reboot']);
      assert.equal(await devices.helloCapabilities('nobody'), null);
    });

    it('sorts by firmware in version order, not text order', async () => {
      const devices = await setup('d1', 'd2', 'd3');
      await devices.writeBatch(
        batch({
          hello: [
            { deviceId: 'd1', hello: hello({ firmware: '1.10.0' }), ip: null },
            { deviceId: 'd2', hello: hello({ firmware: '1.9.0' }), ip: null },
            { deviceId: 'd3', hello: hello({ firmware: '1.9.0-rc1' }), ip: null },
          ],
        }),
      );
      const page = await devices.list({
        where: null,
        sort: 'firmware',
        order: 'asc',
        limit: 10,
        cursor: null,
        withTotal: false,
      });
      assert.deepEqual(
        page.items.map((d) => d.id),
        ['d3', 'd2', 'd1'],
      );
    });

    it('records only real presence transitions and reads history and the state before a time', async () => {
      const devices = await setup('d1');
      const p = (state: 'online' | 'offline', at: string) => ({ deviceId: 'd1', state, at });
      await devices.writeBatch(batch({ presence: [p('online', '2026-03-02T10:00:00.000Z')] }));
      await devices.writeBatch(
        batch({ presence: [p('online', '2026-03-02T10:01:00.000Z'), p('offline', '2026-03-02T10:05:00.000Z')] }),
      );
      await devices.writeBatch(batch({ presence: [p('online', '2026-03-02T10:09:00.000Z')] }));
      const d = await devices.get('d1');
      assert.equal(d?.presence, 'online');
      assert.equal(d?.presenceChangedAt, '2026-03-02T10:09:00.000Z');
      assert.deepEqual(await devices.presenceHistory('d1', '2026-03-02T10:05:00.000Z'), [
        { state: 'offline', at: '2026-03-02T10:05:00.000Z' },
        { state: 'online', at: '2026-03-02T10:09:00.000Z' },
      ]);
      assert.equal(await devices.presenceBefore('d1', '2026-03-02T10:05:00.000Z'), 'online');
      assert.equal(await devices.presenceBefore('d1', '2026-03-02T10:06:00.000Z'), 'offline');
      assert.equal(await devices.presenceBefore('d1', '2026-03-02T10:00:00.000Z'), null);
      assert.deepEqual(await devices.presenceHistory('d2', '2026-03-01T00:00:00.000Z'), []);
    });

    it('keeps every health sample and the latest health, last-seen time and address on the device', async () => {
      const devices = await setup('d1', 'd2');
      await devices.writeBatch(
        batch({
          health: [
            { deviceId: 'd1', at: '2026-03-02T10:00:00.000Z', health: health(10) },
            { deviceId: 'd1', at: '2026-03-02T10:01:00.000Z', health: health(11) },
            { deviceId: 'd2', at: '2026-03-02T10:01:00.000Z', health: health(50) },
          ],
          seen: new Map([
            ['d1', { at: '2026-03-02T10:01:00.000Z', staleAt: '2026-03-02T10:04:00.000Z', ip: '10.0.0.7' }],
          ]),
        }),
      );
      const d1 = await devices.get('d1');
      assert.deepEqual(d1?.health, health(11));
      assert.equal(d1?.lastSeenAt, '2026-03-02T10:01:00.000Z');
      assert.equal(d1?.ip, '10.0.0.7');
      const d2 = await devices.get('d2');
      assert.deepEqual(d2?.health, health(50));
      assert.equal(d2?.lastSeenAt, null);
      assert.deepEqual(await devices.healthSamples('d1', '2026-03-02T10:00:00.000Z', 10), [
        { ts: '2026-03-02T10:00:00.000Z', data: health(10) },
        { ts: '2026-03-02T10:01:00.000Z', data: health(11) },
      ]);
      assert.deepEqual(await devices.healthSamples('d1', '2026-03-02T09:00:00.000Z', 1), [
        { ts: '2026-03-02T10:01:00.000Z', data: health(11) },
      ]);
      assert.deepEqual(await devices.healthSamples('d1', '2026-03-02T10:00:30.000Z', 10), [
        { ts: '2026-03-02T10:01:00.000Z', data: health(11) },
      ]);
    });

    it('finds online devices whose stale time has passed, up to a limit', async () => {
      const devices = await setup('d1', 'd2', 'd3');
      await devices.writeBatch(
        batch({
          presence: ['d1', 'd2'].map((deviceId) => ({
            deviceId,
            state: 'online' as const,
            at: '2026-03-02T10:00:00.000Z',
          })),
          seen: new Map([
            ['d1', { at: '2026-03-02T10:00:00.000Z', staleAt: '2026-03-02T10:03:00.000Z' }],
            ['d2', { at: '2026-03-02T10:00:00.000Z', staleAt: '2026-03-02T10:10:00.000Z' }],
            ['d3', { at: '2026-03-02T10:00:00.000Z', staleAt: '2026-03-02T10:01:00.000Z' }],
          ]),
        }),
      );
      assert.deepEqual(await devices.findStale('2026-03-02T10:05:00.000Z', 10), ['d1']);
      assert.deepEqual((await devices.findStale('2026-03-02T11:00:00.000Z', 10)).sort(), ['d1', 'd2']);
      assert.equal((await devices.findStale('2026-03-02T11:00:00.000Z', 1)).length, 1);
      assert.deepEqual(await devices.findStale('2026-03-02T10:02:00.000Z', 10), []);
    });

    it('marks offline only the devices still stale when it writes, and names them', async () => {
      const devices = await setup('d1', 'd2');
      const at = '2026-03-02T10:00:00.000Z';
      await devices.writeBatch(
        batch({
          presence: ['d1', 'd2'].map((deviceId) => ({ deviceId, state: 'online' as const, at })),
          seen: new Map([
            ['d1', { at, staleAt: '2026-03-02T10:03:00.000Z' }],
            ['d2', { at, staleAt: '2026-03-02T10:03:00.000Z' }],
          ]),
        }),
      );
      // d2's newer message is stored first: it is not stale any more.
      await devices.writeBatch(
        batch({ seen: new Map([['d2', { at: '2026-03-02T10:04:00.000Z', staleAt: '2026-03-02T10:07:00.000Z' }]]) }),
      );
      assert.deepEqual(await devices.markStaleOffline('2026-03-02T10:05:00.000Z', 10), ['d1']);
      assert.equal((await devices.get('d1'))?.presence, 'offline');
      assert.equal((await devices.get('d2'))?.presence, 'online');
      assert.deepEqual(await devices.markStaleOffline('2026-03-02T10:06:00.000Z', 10), []);
      assert.deepEqual(await devices.presenceHistory('d1', at), [
        { state: 'online', at },
        { state: 'offline', at: '2026-03-02T10:05:00.000Z' },
      ]);
    });

    it('puts back online a device heard from while announced, dated after its last change', async () => {
      const devices = await setup('d1', 'd2');
      const at = '2026-03-02T10:00:00.000Z';
      await devices.writeBatch(
        batch({
          presence: [
            { deviceId: 'd1', state: 'offline', at: '2026-03-02T10:05:00.000Z' },
            { deviceId: 'd2', state: 'offline', at: '2026-03-02T10:05:00.000Z' },
          ],
        }),
      );
      // d1's message was received before the offline was written (a replica that fell behind);
      // d2 was heard from before it announced itself, which proves nothing.
      await devices.writeBatch(
        batch({
          seen: new Map([
            ['d1', { at: '2026-03-02T10:04:00.000Z', staleAt: '2026-03-02T10:07:00.000Z', online: true }],
            ['d2', { at: '2026-03-02T10:06:00.000Z', staleAt: '2026-03-02T10:09:00.000Z', online: false }],
          ]),
        }),
      );
      assert.equal((await devices.get('d1'))?.presence, 'online');
      assert.equal((await devices.get('d2'))?.presence, 'offline');
      assert.deepEqual(await devices.presenceHistory('d1', at), [
        { state: 'offline', at: '2026-03-02T10:05:00.000Z' },
        { state: 'online', at: '2026-03-02T10:05:00.001Z' },
      ]);
      // Online already: no second history row.
      await devices.writeBatch(
        batch({
          seen: new Map([
            ['d1', { at: '2026-03-02T10:08:00.000Z', staleAt: '2026-03-02T10:11:00.000Z', online: true }],
          ]),
        }),
      );
      assert.equal((await devices.presenceHistory('d1', at)).length, 2);
    });

    it('stores events once per sequence number and pages them newest first', async () => {
      const devices = await setup('d1');
      const ev = (seq: number, data?: Record<string, unknown>) => ({
        deviceId: 'd1',
        receivedAt: '2026-03-02T10:00:05.000Z',
        event: {
          seq,
          ts: Date.parse('2026-03-02T10:00:00.000Z') + seq,
          type: 'auth.login_failed',
          severity: 'warning' as const,
          data,
        },
      });
      assert.equal(await devices.lastEventSeq('d1'), 0);
      await devices.writeBatch(batch({ events: [ev(1, { user: 'root', tries: 3 }), ev(2), ev(3)] }));
      await devices.writeBatch(batch({ events: [ev(3, { redelivered: true }), ev(4)] }));
      assert.equal(await devices.lastEventSeq('d1'), 4);
      const newest = await devices.events('d1', 2);
      assert.deepEqual(
        newest.map((e) => e.seq),
        [4, 3],
      );
      assert.deepEqual(newest[1].data, {});
      const older = await devices.events('d1', 10, 3);
      assert.deepEqual(
        older.map((e) => e.seq),
        [2, 1],
      );
      assert.deepEqual(older[1], {
        deviceId: 'd1',
        seq: 1,
        ts: '2026-03-02T10:00:00.001Z',
        receivedAt: '2026-03-02T10:00:05.000Z',
        type: 'auth.login_failed',
        severity: 'warning',
        data: { user: 'root', tries: 3 },
      });
      assert.deepEqual(await devices.events('d2', 10), []);
    });

    it('keeps only the events of one type when asked', async () => {
      const devices = await setup('d1');
      const ev = (seq: number, type: string) => ({
        deviceId: 'd1',
        receivedAt: '2026-03-02T10:00:05.000Z',
        event: { seq, ts: Date.parse('2026-03-02T10:00:00.000Z') + seq, type, severity: 'info' as const },
      });
      await devices.writeBatch(
        batch({ events: [ev(1, 'agent.started'), ev(2, 'guard.blocked'), ev(3, 'agent.started')] }),
      );
      assert.deepEqual(
        (await devices.events('d1', 10, undefined, 'agent.started')).map((e) => e.seq),
        [3, 1],
      );
      assert.deepEqual(
        (await devices.events('d1', 10, 3, 'agent.started')).map((e) => e.seq),
        [1],
      );
      assert.deepEqual(await devices.events('d1', 10, undefined, 'agent.stopped'), []);
    });
  });
}
