import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttributeIds,
  DataType,
  MessageSecurityMode,
  SecurityPolicy,
  TimestampsToReturn,
  AggregateFunction,
  type ClientSession,
  type UserIdentityInfo,
  UserTokenType,
} from 'node-opcua';
import { prepareOpcUaClients, type OpcUaClients } from './support/opcua-clients.js';
import { startDataDevice, type DataDevice } from './support/data-device.js';
import { enrollTestDevice, type EnrolledDevice } from './support/devices.js';
import { eventually, restartablePort, startTestHub, type TestHub } from './support/test-hub.js';

// A node-opcua client (Basic256Sha256, SignAndEncrypt, user name and password) against the hub's
// OPC UA server, fed by a device publishing `data` over the real broker: reads, subscriptions that
// turn Bad_NoCommunication when the device's link breaks, raw and processed history, refusals of
// anonymous, wrong-password and unsecured clients, and writes through the hub's switch and the
// device's answer to `data.write`.

const HOUR = 3_600_000;
const PASSWORD = 'scada-password-1';

describe('OPC UA server', () => {
  let t: TestHub;
  let dev: EnrolledDevice;
  let device: DataDevice;
  let port: number;
  const dir = mkdtempSync(join(tmpdir(), 'outpost-opcua-hub-'));
  let ua: OpcUaClients;
  const t0 = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;

  const client = (mode?: MessageSecurityMode, policy?: SecurityPolicy) => ua.client(mode, policy);
  const user = (userName: string, password = PASSWORD): UserIdentityInfo => ua.user(userName, password);
  const session = (who: UserIdentityInfo = user('scada')): Promise<ClientSession> => ua.session(who);
  const node = (point: string) => `ns=1;s=${dev.id}/${point}`;

  before(async () => {
    port = await restartablePort();
    // The operator trusts the SCADA client's certificate by placing it in the server's trusted folder.
    ua = await prepareOpcUaClients({
      hubDir: dir,
      users: [
        { username: 'scada', role: 'operator' },
        { username: 'watcher', role: 'viewer' },
      ],
      password: PASSWORD,
      endpoint: () => `opc.tcp://127.0.0.1:${port}`,
    });
    const users = ua.users;
    t = await startTestHub({ opcua: { enabled: true, port, users, staleFactor: 3 } }, dir);
    await t.hub.domains.sharing.ready();
    dev = await enrollTestDevice(t, 'opc-station-1');
    device = await startDataDevice(t, dev, (req) =>
      (req.args as { v: unknown }).v === 999
        ? { ok: false, code: 'guard_denied', message: 'guard: write to holding 40010 denied (no write grant)' }
        : { ok: true },
    );
    const history = Array.from({ length: 12 }, (_, k) => ({ p: 'tank_level', v: 10 + k, t: t0 + k * 15 * 60_000 }));
    await device.publish(history, [
      { p: 'tank_level', type: 'number', unit: '%' },
      { p: 'pump1.setpoint', type: 'number', writable: true },
      { p: 'valve.open', type: 'boolean', writable: true },
    ]);
    await device.publish([
      { p: 'tank_level', v: 55.5, t: Date.now() },
      { p: 'pump1.setpoint', v: 10, t: Date.now() },
      { p: 'valve.open', v: false, t: Date.now() },
    ]);
    await t.admin.data.setWrites(dev.id, 'pump1.setpoint', true);
  });
  after(async () => {
    device?.close();
    await ua?.dispose();
    await t?.stop();
    if (dev) rmSync(dev.dir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.kek`, { force: true });
  });

  it('reads a point with Good status, the device Online, over Basic256Sha256 SignAndEncrypt with a user name', async () => {
    const s = await session();
    const dv = await eventually(async () => {
      const v = await s.read({ nodeId: node('tank_level'), attributeId: AttributeIds.Value });
      return v.value.value === 55.5 ? v : null;
    }, 30_000);
    assert.equal(dv.statusCode.name, 'Good');
    const online = await s.read({ nodeId: `ns=1;s=${dev.id}/Online`, attributeId: AttributeIds.Value });
    assert.equal(online.value.value, true);
  });

  it('refuses anonymous and wrong-password sessions, and SecurityPolicy None unless configured', async () => {
    const c1 = client();
    await c1.connect(`opc.tcp://127.0.0.1:${port}`);
    // The server offers no anonymous token: the client cannot even ask.
    await assert.rejects(c1.createSession(), /Cannot find ANONYMOUS user token policy/);
    const endpoints = await c1.getEndpoints();
    const tokens = endpoints.flatMap((e) => (e.userIdentityTokens ?? []).map((u) => u.tokenType));
    assert.ok(tokens.length > 0 && !tokens.includes(UserTokenType.Anonymous), JSON.stringify(tokens));
    await assert.rejects(
      c1.createSession(user('scada', 'wrong-password-1')),
      /BadUserAccessDenied|BadIdentityTokenRejected/,
    );
    await assert.rejects(c1.createSession(user('nobody')), /BadUserAccessDenied|BadIdentityTokenRejected/);
    const plain = client(MessageSecurityMode.None, SecurityPolicy.None);
    await assert.rejects(
      (async () => {
        await plain.connect(`opc.tcp://127.0.0.1:${port}`);
        await plain.createSession(user('scada'));
      })(),
      /End point must exist .* securityMode = None/,
    );
  });

  it('answers HistoryRead raw from the raw history and processed (Average, Minimum, Maximum, Count) from the roll-ups', async () => {
    const s = await session();
    const rawRes = await s.readHistoryValue(node('tank_level'), new Date(t0), new Date(t0 + 3 * HOUR));
    assert.equal(rawRes.statusCode.name, 'Good');
    const values = (rawRes.historyData as unknown as { dataValues: Array<{ value: { value: number } }> }).dataValues;
    assert.deepEqual(
      values.map((v) => v.value.value),
      Array.from({ length: 12 }, (_, k) => 10 + k),
    );
    const agg = async (fn: AggregateFunction) => {
      const r = await s.readAggregateValue(
        { nodeId: node('tank_level') },
        new Date(t0),
        new Date(t0 + 3 * HOUR),
        fn,
        HOUR,
      );
      assert.equal(r.statusCode.name, 'Good', String(r.statusCode));
      return (r.historyData as unknown as { dataValues: Array<{ value: { value: number } }> }).dataValues.map(
        (v) => v.value.value,
      );
    };
    assert.deepEqual(await agg(AggregateFunction.Minimum), [10, 14, 18]);
    assert.deepEqual(await agg(AggregateFunction.Maximum), [13, 17, 21]);
    assert.deepEqual(await agg(AggregateFunction.Average), [11.5, 15.5, 19.5]);
    assert.deepEqual(await agg(AggregateFunction.Count), [4, 4, 4]);
  });

  it('refuses writes unless enabled and allowed; an enabled write reaches the device as data.write and carries its answer', async () => {
    const s = await session();
    const write = (point: string, dataType: DataType, value: unknown, on = s) =>
      on.write({ nodeId: node(point), attributeId: AttributeIds.Value, value: { value: { dataType, value } } });
    assert.equal((await write('tank_level', DataType.Double, 1)).name, 'BadNotWritable');
    assert.equal((await write('valve.open', DataType.Boolean, true)).name, 'BadNotWritable');
    const viewer = await session(user('watcher'));
    assert.equal((await write('pump1.setpoint', DataType.Double, 12, viewer)).name, 'BadUserAccessDenied');
    assert.equal(device.writes.length, 0, 'nothing refused reached the device');
    assert.equal((await write('pump1.setpoint', DataType.Double, 42.5)).name, 'Good');
    assert.deepEqual(device.writes.at(-1)?.args, { p: 'pump1.setpoint', v: 42.5 });
    assert.equal((await write('pump1.setpoint', DataType.Double, 999)).name, 'BadUserAccessDenied');
    const audit = await t.admin.audit.list({ action: 'sharing.write', limit: 10 });
    const ok = audit.items.find((a) => a.outcome === 'ok')!;
    assert.equal(ok.actor, 'opcua:scada');
    assert.ok(audit.items.some((a) => a.outcome === 'denied' && /guard|denied/.test(JSON.stringify(a.details))));
  });

  it('turns subscribed values Bad_NoCommunication when the device link breaks', async () => {
    const s = await session();
    const sub = await s.createSubscription2({
      requestedPublishingInterval: 100,
      requestedMaxKeepAliveCount: 20,
      requestedLifetimeCount: 200,
      publishingEnabled: true,
    });
    const seen: string[] = [];
    const item = await sub.monitor(
      { nodeId: node('tank_level'), attributeId: AttributeIds.Value },
      { samplingInterval: 0, queueSize: 10, discardOldest: true },
      TimestampsToReturn.Both,
    );
    item.on('changed', (dv) => seen.push(dv.statusCode.name));
    await eventually(() => seen.includes('Good'), 30_000);
    const cut = Date.now();
    device.drop();
    await eventually(() => seen.includes('BadNoCommunication'), 30_000);
    console.log(`  link cut → Bad_NoCommunication at the client: ${Date.now() - cut} ms`);
    await device.reconnect();
    await device.publish([{ p: 'tank_level', v: 60, t: Date.now() }]);
    await eventually(() => seen.at(-1) === 'Good', 30_000);
  });
});
