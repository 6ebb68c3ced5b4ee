import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createDevicesStore } from '../devices/devices.store.js';
import { newDevice } from '../devices/devices.store.contract.js';
import { emptyBatch } from '../devices/devices.types.js';
import { createAuditTail } from '../audit/index.js';
import { createDeviceFacts, createDeviceHistory } from '../devices/index.js';
import type { Db } from '../../storage/database.js';
import { createLiveStore } from './live.store.js';

const liveStoreOn = (db: Db) =>
  createLiveStore({ facts: createDeviceFacts(db), history: createDeviceHistory(db), audit: createAuditTail(db) });

const hello = (firmware: string) => ({
  v: 1 as const,
  agentVersion: '2.0.0',
  firmware,
  model: 'pump',
  bootId: 'b',
  healthIntervalS: 30,
  capabilities: [],
});

export function liveStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`live store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('counts devices per presence, all zero on an empty fleet', async () => {
      const live = liveStoreOn(db());
      assert.deepEqual(await live.presenceCounts(), { online: 0, offline: 0, never_seen: 0, total: 0 });
      const devices = createDevicesStore(db());
      for (const id of ['d1', 'd2', 'd3', 'd4']) await devices.insert(newDevice({ id }));
      await devices.writeBatch({
        ...emptyBatch(),
        presence: [
          { deviceId: 'd1', state: 'online', at: '2026-03-02T10:00:00.000Z' },
          { deviceId: 'd2', state: 'online', at: '2026-03-02T10:00:00.000Z' },
          { deviceId: 'd3', state: 'offline', at: '2026-03-02T10:00:00.000Z' },
        ],
      });
      assert.deepEqual(await live.presenceCounts(), { online: 2, offline: 1, never_seen: 1, total: 4 });
    });

    it('counts devices per firmware, largest first, null for devices that never said hello', async () => {
      const devices = createDevicesStore(db());
      for (const id of ['d1', 'd2', 'd3', 'd4', 'd5', 'd6']) await devices.insert(newDevice({ id }));
      await devices.writeBatch({
        ...emptyBatch(),
        hello: [
          { deviceId: 'd1', ip: null, hello: hello('1.0.0') },
          { deviceId: 'd2', ip: null, hello: hello('1.0.0') },
          { deviceId: 'd3', ip: null, hello: hello('1.0.0') },
          { deviceId: 'd4', ip: null, hello: hello('2.0.0') },
        ],
      });
      const live = liveStoreOn(db());
      assert.deepEqual(await live.firmware(10), [
        { version: '1.0.0', devices: 3 },
        { version: null, devices: 2 },
        { version: '2.0.0', devices: 1 },
      ]);
      assert.deepEqual(await live.firmware(1), [{ version: '1.0.0', devices: 3 }]);
    });

    it('counts presence transitions per hour and state since a time', async () => {
      const devices = createDevicesStore(db());
      for (const id of ['d1', 'd2']) await devices.insert(newDevice({ id }));
      const at = (deviceId: string, state: 'online' | 'offline', t: string) => ({
        ...emptyBatch(),
        presence: [{ deviceId, state, at: t }],
      });
      await devices.writeBatch(at('d1', 'online', '2026-03-02T09:59:00.000Z'));
      await devices.writeBatch(at('d1', 'offline', '2026-03-02T10:10:00.000Z'));
      await devices.writeBatch(at('d2', 'online', '2026-03-02T10:20:00.000Z'));
      await devices.writeBatch(at('d2', 'offline', '2026-03-02T10:30:00.000Z'));
      await devices.writeBatch(at('d2', 'online', '2026-03-02T11:00:00.000Z'));
      const rows = await liveStoreOn(db()).transitionsPerHour('2026-03-02T10:00:00.000Z');
      const sorted = rows.sort((a, b) => (a.hour + a.state).localeCompare(b.hour + b.state));
      assert.deepEqual(sorted, [
        { hour: '2026-03-02T10', state: 'offline', n: 2 },
        { hour: '2026-03-02T10', state: 'online', n: 1 },
        { hour: '2026-03-02T11', state: 'online', n: 1 },
      ]);
    });

    it('reads the last audit sequence number and the records after one, in order, without details', async () => {
      const live = liveStoreOn(db());
      assert.equal(await live.lastAuditSeq(), 0);
      const rec = (seq: number, action: string) => ({
        seq,
        ts: `2026-03-02T10:00:0${seq}.000Z`,
        actor_type: 'user',
        actor: 'ann',
        action,
        target: seq === 2 ? null : `dev_${seq}`,
        outcome: 'ok',
        source_ip: null,
        details_json: '{"secret":"x"}',
        prev_hash: 'p',
        hash: `h${seq}`,
      });
      await db()
        .insertInto('audit_log')
        .values([rec(1, 'device.rename'), rec(2, 'user.login'), rec(3, 'device.tag')])
        .execute();
      assert.equal(await live.lastAuditSeq(), 3);
      assert.deepEqual(await live.auditAfter(1, 10), [
        { seq: 2, ts: '2026-03-02T10:00:02.000Z', actor: 'ann', action: 'user.login', target: null, outcome: 'ok' },
        { seq: 3, ts: '2026-03-02T10:00:03.000Z', actor: 'ann', action: 'device.tag', target: 'dev_3', outcome: 'ok' },
      ]);
      assert.deepEqual(
        (await live.auditAfter(0, 1)).map((a) => a.seq),
        [1],
      );
      assert.deepEqual(await live.auditAfter(3, 10), []);
    });
  });
}
