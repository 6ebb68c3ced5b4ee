import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { deviceTopic } from '@outpost/protocol';
import type { Agent } from '@outpost/agent';
import { postgresMissing, startTestPostgres, type TestPostgresCluster } from '../src/storage/test-postgres.js';
import { assignedBroker } from '../src/mqtt/external-brokers.js';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, rawClient, startTestAgent, type EnrolledDevice } from './support/devices.js';
import { MOSQUITTO_BIN, startHubOnMosquitto, type MosquittoBroker } from './support/mosquitto-broker.js';

const skip = !MOSQUITTO_BIN && 'mosquitto not installed';

describe('one hub consuming two Mosquitto brokers', { skip }, () => {
  let t: TestHub;
  let brokers: MosquittoBroker[];
  const agents: Agent[] = [];
  before(async () => {
    ({ t, brokers } = await startHubOnMosquitto(2));
  });
  after(async () => {
    for (const a of agents) await a.stop({ clean: true }).catch(() => undefined);
    await t?.stop();
  });

  it('spreads enrolled devices over both brokers; every device comes online and answers a command', async () => {
    // Two devices per broker, as the hub's spread assigns them.
    const ids: string[] = [];
    const per = [0, 0];
    for (let i = 0; ids.length < 4; i++) {
      const id = `spread-${i}`;
      const b = assignedBroker(id, 2);
      if (per[b] < 2) {
        per[b]++;
        ids.push(id);
      }
    }
    for (const [i, id] of ids.entries()) {
      const d = await enrollTestDevice(t, id);
      agents.push(startTestAgent(t, d, { index: i + 1 }));
    }
    await eventually(async () => {
      const all = await Promise.all(ids.map((id) => t.admin.devices.get(id)));
      return all.every((d) => d.presence === 'online');
    }, 30_000);
    const on = ids.map((id) => t.hub.brokerOf(id));
    // The device detail names the broker too.
    assert.deepEqual(await Promise.all(ids.map(async (id) => (await t.admin.devices.get(id)).broker)), on);
    for (const b of brokers)
      assert.equal(on.filter((u) => u === `mqtts://127.0.0.1:${b.devicePort}`).length, 2, on.join(' '));
    for (const id of ids) {
      const r = await t.admin.devices.command(id, 'ping', { wait: true, timeoutS: 15 });
      assert.equal(r.state, 'succeeded', `${id} on ${t.hub.brokerOf(id)}`);
    }
  });
});

describe('two hubs on one PostgreSQL consuming one Mosquitto', { skip: skip || postgresMissing() }, () => {
  let cluster: TestPostgresCluster;
  let a: TestHub;
  let b: TestHub | undefined;
  let bDir = '';
  let dev: EnrolledDevice;
  before(async () => {
    cluster = await startTestPostgres();
    const url = await cluster.createDatabase('outpost');
    const s = await startHubOnMosquitto(1, { databaseUrl: url, brokerClientId: 'Outpost-Hub.replica-a' });
    a = s.t;
    // Enrolled through the first replica, before the second starts.
    dev = await enrollTestDevice(a, 'shared-1');
    // The second replica: the same CA and KEK (copied data directory), its own client id.
    bDir = `${a.dir}-b`;
    cpSync(a.dir, bDir, { recursive: true, filter: (src) => !src.endsWith('.lock') && !src.endsWith('.log') });
    cpSync(`${a.dir}.kek`, `${bDir}.kek`);
    b = await startTestHub(
      {
        databaseUrl: url,
        brokers: s.brokers[0].entry,
        brokerDir: s.brokers[0].dir,
        brokerClientId: 'Outpost-Hub.replica-b',
      },
      bDir,
    );
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
    await cluster?.stop();
    rmSync(bDir, { recursive: true, force: true });
    rmSync(`${bDir}.kek`, { force: true });
  });

  it('stores each health message exactly once, the replicas sharing the work', async () => {
    const c = await rawClient(a, dev, 'shared-1');
    const sent = 40;
    try {
      await c.publishAsync(
        deviceTopic('shared-1', 'status'),
        JSON.stringify({ v: 1, state: 'online', ts: Date.now() }),
        { qos: 1, retain: true },
      );
      for (let i = 0; i < sent; i++) {
        const health = { v: 1, ts: Date.now(), uptimeS: 10 + i, cpuPct: i, memUsedPct: 20, diskUsedPct: 30 };
        await c.publishAsync(deviceTopic('shared-1', 'health'), JSON.stringify(health), { qos: 1 });
      }
    } finally {
      c.end(true);
    }
    const stored = async () =>
      (
        await a.hub.db.selectFrom('health_samples').select('data_json').where('device_id', '=', 'shared-1').execute()
      ).map((r) => (JSON.parse(r.data_json) as { cpuPct: number }).cpuPct);
    await eventually(async () => (await stored()).length >= sent, 20_000);
    // Give a duplicate time to land before counting.
    await new Promise((r) => setTimeout(r, 1500));
    const rows = await stored();
    assert.equal(rows.length, sent);
    assert.deepEqual(
      [...rows].sort((x, y) => x - y),
      Array.from({ length: sent }, (_, i) => i),
    );
    const handled = async (t: TestHub) =>
      Number(
        /outpost_device_messages_total\{topic="health"\} (\d+)/.exec(
          (await t.hub.app.inject({ url: '/metrics' })).body,
        )?.[1] ?? 0,
      );
    const [byA, byB] = [await handled(a), await handled(b!)];
    console.log(`health messages handled: replica a ${byA}, replica b ${byB}`);
    assert.equal(byA + byB, sent);
    assert.ok(byA > 0 && byB > 0, 'both replicas took a share');
  });
});
