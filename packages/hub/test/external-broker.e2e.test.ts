import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, startTestAgent, type EnrolledDevice } from './support/devices.js';
import { MOSQUITTO_BIN, startHubOnMosquitto, type MosquittoBroker } from './support/mosquitto-broker.js';

const skip = !MOSQUITTO_BIN && 'mosquitto not installed';

describe('devices on an external Mosquitto broker', { skip }, () => {
  let t: TestHub;
  let broker: MosquittoBroker;
  let a: EnrolledDevice;
  before(async () => {
    const s = await startHubOnMosquitto();
    t = s.t;
    broker = s.brokers[0];
    a = await enrollTestDevice(t, 'ext-a');
  });
  after(() => t?.stop());

  it('gives an enrolling device the broker address, and a real agent goes online and runs a command through it', async () => {
    assert.equal(t.hub.brokerUrlOf('ext-a'), `mqtts://127.0.0.1:${broker.devicePort}`);
    const agent = startTestAgent(t, a, { index: 3 });
    try {
      const dev = await eventually(async () => {
        const d = await t.admin.devices.get('ext-a');
        return d.presence === 'online' && d.health && d.model ? d : null;
      }, 20_000);
      assert.ok(dev.firmware);
      assert.equal(t.hub.brokerOf('ext-a'), `mqtts://127.0.0.1:${broker.devicePort}`);
      const r = await t.admin.devices.command('ext-a', 'ping', { wait: true, timeoutS: 15 });
      assert.equal(r.state, 'succeeded');
      assert.equal((r.result as { pong: boolean }).pong, true);
    } finally {
      await agent.stop({ clean: true });
    }
    await eventually(async () => (await t.admin.devices.get('ext-a')).presence === 'offline', 10_000);
  });
  // What a device can reach on this broker (topics, client ids, refused certificates, revocation)
  // is the device isolation suite's, run on both brokers: device-isolation-*.e2e.test.ts.
});
