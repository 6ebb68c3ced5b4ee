import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { MqttClient } from 'mqtt';
import type { Agent } from '@outpost/agent';
import { dialRelay, startTcpForward } from '@outpost/client/relay';
import { deviceTopic, RELAY_DEVICE_PATH, type AccessOpenMessage } from '@outpost/protocol';
import type { OutpostClient } from '@outpost/client';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, rawClient, type EnrolledDevice } from './support/devices.js';
import { exchange, operatorLeg, startAccessAgent, startFreezableProxy } from './support/access-peers.js';

/** An echo service that notes when each of its connections ended. */
async function startEchoService() {
  const closedAt: number[] = [];
  let open = 0;
  const server = net.createServer((s) => {
    open++;
    s.on('data', (d) => s.write(d));
    s.on('close', () => {
      open--;
      closedAt.push(Date.now());
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    closedAt,
    open: () => open,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('session tokens and time limits', () => {
  let t: TestHub;
  let op: OutpostClient;
  let echo: Awaited<ReturnType<typeof startEchoService>>;
  let raw: EnrolledDevice;
  let mqtt: MqttClient;
  const requests: AccessOpenMessage[] = [];

  before(async () => {
    t = await startTestHub();
    echo = await startEchoService();
    raw = await enrollTestDevice(t, 'raw-dev-1');
    await t.admin.access.createPolicy({
      name: 'raw',
      deviceId: raw.id,
      targets: [`tcp:${echo.port}`],
      mfaMaxAgeS: null,
      maxConcurrent: 5,
    });
    op = await t.userClient('operator');
    // A device played by hand over MQTT, so the test holds the device's token.
    mqtt = await rawClient(t, raw, raw.id);
    await mqtt.subscribeAsync(deviceTopic(raw.id, 'access/req'), { qos: 1 });
    mqtt.on('message', (_topic, payload) => requests.push(JSON.parse(payload.toString()) as AccessOpenMessage));
    await mqtt.publishAsync(
      deviceTopic(raw.id, 'hello'),
      JSON.stringify({
        v: 1,
        agentVersion: 't',
        firmware: '1',
        model: 'm',
        bootId: 'b',
        healthIntervalS: 30,
        capabilities: [],
      }),
      { qos: 1 },
    );
    await eventually(async () => (await t.admin.devices.get(raw.id)).presence === 'online');
  });
  after(async () => {
    mqtt?.end(true);
    await echo?.close();
    await t?.stop();
  });

  const deviceLeg = (m: AccessOpenMessage, d: EnrolledDevice = raw, token = m.token) =>
    dialRelay({
      url: `${t.hub.httpUrl.replace(/^http/, 'ws')}${RELAY_DEVICE_PATH}`,
      session: m.session,
      token,
      options: { key: d.keyPem, cert: d.certPem, ca: d.caPem },
    });

  it('accepts each token once, only from its own party, and audits every refusal', async () => {
    const r = await op.access.request({
      deviceId: raw.id,
      target: `tcp:${echo.port}`,
      reason: 'token test',
      durationS: 60,
    });
    const m = await eventually(() => requests.find((x) => x.session === r.session.id));
    assert.equal(m.op, 'open');
    assert.ok(!JSON.stringify(await t.admin.access.session(r.session.id)).includes(m.token));

    const first = operatorLeg(t, op, r);
    await eventually(
      async () =>
        (await t.admin.audit.list({ action: 'access.relay.join', target: `access-session:${r.session.id}` })).items
          .length === 1,
    );
    const again = operatorLeg(t, op, r);
    await assert.rejects(again.ready, /token_spent/);
    // Someone else's session cookie with the right token: refused too.
    const other = await t.userClient('operator');
    await assert.rejects(operatorLeg(t, other, r).ready, /wrong_user/);
    // Another device's certificate with this device's token.
    const intruder = await enrollTestDevice(t, 'raw-dev-2');
    await assert.rejects(deviceLeg(m, intruder).ready, /wrong_device/);
    // No certificate at all: the upgrade itself is refused.
    const bare = dialRelay({
      url: `${t.hub.httpUrl.replace(/^http/, 'ws')}${RELAY_DEVICE_PATH}`,
      session: m.session,
      token: m.token,
      options: { ca: t.hub.caPem },
    });
    await assert.rejects(bare.ready, /HTTP 403\): .*certificate_missing/);

    const dev = deviceLeg(m);
    await Promise.all([first.ready, dev.ready]);
    await assert.rejects(deviceLeg(m).ready, /session_not_open|token_spent/);
    first.close();
    await Promise.all([first.ended, dev.ended]);
    const refusals = (
      await t.admin.audit.list({ action: 'access.relay.refuse', target: `access-session:${r.session.id}` })
    ).items.map((a) => a.details.reason);
    for (const why of ['token_spent', 'wrong_user', 'wrong_device'])
      assert.ok(refusals.includes(why), `no ${why} in ${refusals.join(', ')}`);
    assert.ok(
      (await t.admin.audit.list({ action: 'device.refused', limit: 100 })).items.some(
        (a) => a.details.reason === 'relay_certificate_missing',
      ),
    );
  });

  it('expires a session that was opened but never joined', async () => {
    const r = await op.access.request({
      deviceId: raw.id,
      target: `tcp:${echo.port}`,
      reason: 'never joined',
      durationS: 2,
    });
    const s = await eventually(async () => {
      const x = await op.access.session(r.session.id);
      return x.state === 'expired' ? x : null;
    }, 10_000);
    assert.equal(s.closeReason, 'not_connected');
  });

  describe('with the device cut off from the hub', () => {
    let dev: EnrolledDevice;
    let agent: Agent;
    let mqttProxy: Awaited<ReturnType<typeof startFreezableProxy>>;
    let relayProxy: Awaited<ReturnType<typeof startFreezableProxy>>;

    before(async () => {
      dev = await enrollTestDevice(t, 'gw-ttl-1');
      await t.admin.access.createPolicy({
        name: 'ttl',
        deviceId: dev.id,
        targets: [`tcp:${echo.port}`],
        mfaMaxAgeS: null,
      });
      mqttProxy = await startFreezableProxy(t.hub.mqttPort);
      relayProxy = await startFreezableProxy(t.hub.httpPort);
      agent = startAccessAgent(
        t,
        dev,
        { relayUrl: (u) => u.replace(/:\d+\//, `:${relayProxy.port}/`) },
        mqttProxy.port,
      );
      await eventually(async () => (await t.admin.devices.get(dev.id)).presence === 'online');
    });
    after(async () => {
      await agent?.stop({ clean: false });
      await mqttProxy?.close();
      await relayProxy?.close();
    });

    it('cuts the session at its TTL on both sides, the device on its own clock', async () => {
      const r = await op.access.request({
        deviceId: dev.id,
        target: `tcp:${echo.port}`,
        reason: 'short job',
        durationS: 3,
      });
      const expiresAt = Date.parse(r.session.expiresAt!);
      const link = operatorLeg(t, op, r);
      await link.ready;
      const fwd = await startTcpForward(link);
      const before = echo.closedAt.length;
      const client = net.connect({ host: '127.0.0.1', port: fwd.port });
      client.on('error', () => undefined);
      assert.equal((await exchange(fwd.port, 'ping', 4)).toString(), 'ping');
      await eventually(() => echo.open() >= 1);
      // The device's links to the hub go dead: no bytes, no FIN, in either direction.
      mqttProxy.freeze();
      relayProxy.freeze();
      const end = await link.ended;
      assert.equal(end.reason, 'ttl');
      await eventually(() => echo.closedAt.length >= before + 2, 10_000);
      const cut = Math.max(...echo.closedAt.slice(before));
      assert.ok(cut >= expiresAt - 500, `device cut ${expiresAt - cut} ms before the TTL`);
      assert.ok(cut <= expiresAt + 3000, `device cut ${cut - expiresAt} ms after the TTL`);
      client.destroy();
      const s = await eventually(async () => {
        const x = await op.access.session(r.session.id);
        return x.state === 'expired' ? x : null;
      });
      assert.equal(s.closeReason, 'ttl');
      assert.ok(
        (await t.admin.audit.list({ action: 'access.session.expire', target: `access-session:${r.session.id}` })).items
          .length === 1,
      );
    });
  });
});
