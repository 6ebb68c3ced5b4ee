import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { WriteGrant } from '@outpost/protocol';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createDevicesStore } from '../devices/devices.store.js';
import { newDevice } from '../devices/devices.store.contract.js';
import { emptyBatch } from '../devices/devices.types.js';
import { createDeviceHistory, type DeviceEventQuery } from '../devices/index.js';
import { createGuardStore } from './guard.store.js';

const NOW = '2026-03-02T10:30:00.000Z';

const grant = (id: string, deviceId: string, expiresAt: string, over: Partial<WriteGrant> = {}): WriteGrant => ({
  id,
  deviceId,
  unit: 1,
  table: 'holding',
  start: 100,
  end: 110,
  notBefore: Date.parse('2026-03-02T10:00:00.000Z'),
  expiresAt: Date.parse(expiresAt),
  reason: 'calibration',
  grantedBy: 'ann',
  signature: `sig-${id}`,
  ...over,
});

export function guardGrantsStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`guard store contract: grants and events (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('reads back a grant with its state as of a given time', async () => {
      const store = createGuardStore(db());
      await store.insertGrant(grant('g1', 'd1', '2026-03-02T11:00:00.000Z'), '2026-03-02T10:00:00.000Z');
      assert.equal(await store.hasAnyPolicyOrGrant(), true);
      assert.deepEqual(await store.grant('g1', NOW), {
        ...grant('g1', 'd1', '2026-03-02T11:00:00.000Z'),
        state: 'active',
        createdAt: '2026-03-02T10:00:00.000Z',
        revokedAt: null,
        revokedBy: null,
        revokeReason: null,
      });
      assert.equal((await store.grant('g1', '2026-03-02T11:00:00.000Z'))?.state, 'expired');
      assert.equal(await store.grant('g_x', NOW), null);
      await assert.rejects(store.insertGrant(grant('g1', 'd2', '2026-03-02T11:00:00.000Z'), NOW));
    });

    it('revokes a grant once', async () => {
      const store = createGuardStore(db());
      await store.insertGrant(grant('g1', 'd1', '2026-03-02T11:00:00.000Z'), NOW);
      assert.equal(await store.revokeGrant('g1', 'bob', 'done early', NOW), true);
      assert.equal(await store.revokeGrant('g1', 'ann', 'again', NOW), false);
      const g = await store.grant('g1', NOW);
      assert.deepEqual([g?.state, g?.revokedAt, g?.revokedBy, g?.revokeReason], ['revoked', NOW, 'bob', 'done early']);
    });

    it('lists grants newest first by device and live at a time, and live grants per device', async () => {
      const store = createGuardStore(db());
      await store.insertGrant(grant('g1', 'd1', '2026-03-02T11:00:00.000Z'), '2026-03-02T10:01:00.000Z');
      await store.insertGrant(grant('g2', 'd1', '2026-03-02T10:20:00.000Z'), '2026-03-02T10:02:00.000Z');
      await store.insertGrant(grant('g3', 'd2', '2026-03-02T11:00:00.000Z'), '2026-03-02T10:03:00.000Z');
      await store.insertGrant(grant('g4', 'd2', '2026-03-02T11:00:00.000Z'), '2026-03-02T10:04:00.000Z');
      await store.revokeGrant('g4', 'ann', 'wrong unit', NOW);
      const ids = async (q: Parameters<typeof store.grants>[0]) =>
        (await store.grants(q, NOW)).map((g) => `${g.id}:${g.state}`);
      assert.deepEqual(await ids({ limit: 10 }), ['g4:revoked', 'g3:active', 'g2:expired', 'g1:active']);
      assert.deepEqual(await ids({ limit: 2 }), ['g4:revoked', 'g3:active']);
      assert.deepEqual(await ids({ limit: 10, deviceId: 'd1' }), ['g2:expired', 'g1:active']);
      assert.deepEqual(await ids({ limit: 10, liveAtIso: NOW }), ['g3:active', 'g1:active']);
      const live = await store.liveGrantsOf(['d1', 'd2', 'd3'], NOW);
      assert.deepEqual([...live.entries()].map(([d, gs]) => [d, gs.map((g) => g.id)]).sort(), [
        ['d1', ['g1']],
        ['d2', ['g3']],
      ]);
      assert.deepEqual(await store.liveGrantsOf([], NOW), new Map());
    });

    it('reads guard events newest first by device, exact type or every guard type, and time window', async () => {
      const devices = createDevicesStore(db());
      await devices.insert(newDevice({ id: 'd1' }));
      const ev = (deviceId: string, seq: number, type: string, minute: number) => ({
        deviceId,
        receivedAt: NOW,
        event: {
          seq,
          ts: Date.parse(`2026-03-02T10:0${minute}:00.000Z`),
          type,
          severity: 'warning' as const,
          data: { unit: seq },
        },
      });
      await devices.writeBatch({
        ...emptyBatch(),
        events: [
          ev('d1', 1, 'guard.write_blocked', 1),
          ev('d1', 2, 'guard.policy_applied', 2),
          ev('d1', 3, 'guardian.other', 3),
          ev('d2', 1, 'guard.write_blocked', 4),
          ev('d1', 4, 'auth.login_ok', 5),
        ],
      });
      // Guard events are device events; the guard reads them through the devices domain's history.
      const store = createDeviceHistory(db());
      const keys = async (q: Omit<DeviceEventQuery, 'types'> & { types?: string[] }) =>
        (await store.events({ types: ['guard.*'], ...q })).map((e) => `${e.deviceId}/${e.seq}`);
      assert.deepEqual(await keys({ limit: 10 }), ['d2/1', 'd1/2', 'd1/1']);
      assert.deepEqual(await keys({ limit: 10, types: ['guard.write_blocked'] }), ['d2/1', 'd1/1']);
      assert.deepEqual(await keys({ limit: 10, deviceId: 'd1' }), ['d1/2', 'd1/1']);
      assert.deepEqual(await keys({ limit: 10, deviceIn: ['d2'] }), ['d2/1']);
      assert.deepEqual(await keys({ limit: 10, types: ['guard.policy_applied', 'auth.*'] }), ['d1/4', 'd1/2']);
      assert.deepEqual(
        await keys({ limit: 10, sinceIso: '2026-03-02T10:02:00.000Z', untilIso: '2026-03-02T10:04:00.000Z' }),
        ['d1/2'],
      );
      assert.deepEqual(await keys({ limit: 1 }), ['d2/1']);
      assert.deepEqual(await store.lastEvent('d1', 'guard.policy_applied'), {
        deviceId: 'd1',
        seq: 2,
        ts: '2026-03-02T10:02:00.000Z',
        receivedAt: NOW,
        type: 'guard.policy_applied',
        severity: 'warning',
        data: { unit: 2 },
      });
      assert.equal(await store.lastEvent('d1', 'guard.none'), null);
      // Counted per hour in the database: one device, one exact type, from a time on.
      assert.deepEqual(await store.eventsPerHour('d1', 'guard.write_blocked', '2026-03-02T09:00:00.000Z'), [
        { hour: '2026-03-02T10', n: 1 },
      ]);
      assert.deepEqual(await store.eventsPerHour('d1', 'guard.write_blocked', '2026-03-02T10:01:30.000Z'), []);
      assert.deepEqual(await store.eventsPerHour('d1', 'guard.*', '2026-03-02T09:00:00.000Z'), []);
    });
  });
}
