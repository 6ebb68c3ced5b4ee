import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type PeerCertificate } from 'node:tls';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, startTestAgent } from './support/devices.js';

/** The server certificate a listener presents now, checked against the hub CA as a device checks it. */
function servedCertificate(port: number, caPem: string): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, ca: caPem, servername: 'localhost', rejectUnauthorized: true }, () => {
      const cert = s.getPeerCertificate();
      s.destroy();
      resolve(cert);
    });
    s.once('error', reject);
  });
}

describe('the hub server certificate', { timeout: 90_000 }, () => {
  let t: TestHub;
  before(async () => {
    t = await startTestHub({ serverCertSeconds: 30 });
  });
  after(() => t.stop());

  it('renews itself before expiry and both listeners serve the new one without a restart; devices follow', async () => {
    const dev = await enrollTestDevice(t, 'srv-follow');
    const agent = startTestAgent(t, dev);
    try {
      await eventually(async () => (await t.admin.devices.get(dev.id)).presence === 'online');
      const first = await servedCertificate(t.hub.mqttPort, t.hub.caPem);
      assert.equal((await servedCertificate(t.hub.httpPort, t.hub.caPem)).serialNumber, first.serialNumber);
      const connectsBefore = agent.stats().connects;
      // Renewed at two thirds of 30 s; the hub looks every 1.5 s.
      const renewed = await eventually(
        async () => {
          const now = await servedCertificate(t.hub.mqttPort, t.hub.caPem);
          return now.serialNumber !== first.serialNumber ? now : null;
        },
        40_000,
        500,
      );
      assert.ok(Date.parse(renewed.valid_to) > Date.parse(first.valid_to));
      assert.equal((await servedCertificate(t.hub.httpPort, t.hub.caPem)).serialNumber, renewed.serialNumber);
      // The open device connection was not touched, and the API answers over the new certificate.
      assert.equal(agent.stats().connects, connectsBefore);
      assert.equal((await t.admin.devices.get(dev.id)).presence, 'online');
      // A device that redials trusts the new certificate through its pinned CA: no re-enrollment.
      await agent.dropLink();
      await eventually(() => agent.stats().connects > connectsBefore && agent.state() === 'online', 20_000);
      assert.match(t.logText(), /hub server certificate renewed/);
    } finally {
      await agent.stop({ clean: false });
    }
  });
});
