import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';
import { deviceTopic } from '@outpost/protocol';
import type { Agent } from '@outpost/agent';
import type { OutpostClient } from '@outpost/client';
import { postgresMissing } from '../src/storage/test-postgres.js';
import { eventually } from './support/test-hub.js';
import { enrollTestDevice, rawClient, startTestAgent } from './support/devices.js';
import { MOSQUITTO_BIN } from './support/mosquitto-broker.js';
import { startReplicaSet, type ReplicaSet } from './support/replica-processes.js';

// Two hub replicas (processes of their own) on one PostgreSQL and one Mosquitto. One is killed
// with SIGKILL: its broker session still holds its share of the shared subscription; the other
// replica takes that session over, so device messages routed to the dead replica are still handled.

const skip = (!MOSQUITTO_BIN && 'mosquitto not installed') || postgresMissing();

describe('a replica killed with SIGKILL: the other handles its device messages', { skip }, () => {
  let set: ReplicaSet;
  let adminB: OutpostClient;
  let device: MqttClient | undefined;
  let agent: Agent | undefined;

  before(async () => {
    set = await startReplicaSet({ replicas: 2 });
    const [a, b] = set.replicas;
    const t = set.asTestHub(a, await set.admin(a));
    adminB = await set.admin(b);
    const raw = await enrollTestDevice(t, 'bs-raw-1');
    device = await rawClient(t, raw, raw.id);
    await device.publishAsync(
      deviceTopic(raw.id, 'status'),
      JSON.stringify({ v: 1, state: 'online', ts: Date.now() }),
      { qos: 1, retain: true },
    );
    agent = startTestAgent(t, await enrollTestDevice(t, 'bs-agent-1'));
    await eventually(async () => (await adminB.devices.get('bs-agent-1')).presence === 'online', 30_000);
  });
  after(async () => {
    device?.end(true);
    await agent?.stop();
    await set?.stop();
  });

  it('stores every health message published after the kill, each once, and answers commands', async () => {
    const [a, b] = set.replicas;
    const sent = 40;
    const killedAt = Date.now();
    await a.kill();
    // Published while the broker still keeps the dead replica's session and its share.
    for (let i = 0; i < sent; i++) {
      const health = { v: 1, ts: Date.now(), uptimeS: 100 + i, cpuPct: i, memUsedPct: 20, diskUsedPct: 30 };
      await device!.publishAsync(deviceTopic('bs-raw-1', 'health'), JSON.stringify(health), { qos: 1 });
    }
    const stored = async () =>
      (await set.db.selectFrom('health_samples').select('data_json').where('device_id', '=', 'bs-raw-1').execute()).map(
        (r) => (JSON.parse(r.data_json) as { cpuPct: number }).cpuPct,
      );
    await eventually(async () => (await stored()).length >= sent, 30_000, 100);
    console.log(`all ${sent} health messages stored ${Date.now() - killedAt} ms after the kill`);
    // The survivor drained the dead replica's session and ended it.
    const took = await eventually(() =>
      /[^\n]*"msg":"took over the broker session of a gone replica"/.exec(b.output()),
    );
    assert.match(took[0], /"clientId":"Outpost-Hub\.replica-a\.0"/);
    assert.match(took[0], /"sessionPresent":true/);
    console.log(took[0]);
    // Every command result reaches the survivor (half of them were routed to the dead replica's share before).
    for (let i = 0; i < 6; i++) {
      const r = await adminB.devices.command('bs-agent-1', 'ping', { wait: true, timeoutS: 15 });
      assert.equal(r.state, 'succeeded', JSON.stringify(r));
    }
    const rows = await stored();
    assert.deepEqual(
      [...rows].sort((x, y) => x - y),
      Array.from({ length: sent }, (_, i) => i),
    );
  });
});
