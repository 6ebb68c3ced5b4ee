import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttributeIds, DataType, type ClientSession } from 'node-opcua';
import { runAgent, silentLogger, type Agent } from '@outpost/agent';
import type { OutpostClient } from '@outpost/client';
import { pymodbusMissing, startPlc, type Plc } from '../../agent/src/process-data/data-peers.fixture.js';
import { deviceBrokerUrl, enrollTestDevice, type EnrolledDevice } from './support/devices.js';
import { prepareOpcUaClients, type OpcUaClients } from './support/opcua-clients.js';
import { eventually, restartablePort, startTestHub, type TestHub } from './support/test-hub.js';

// End to end, SCADA write to a field device: a node-opcua client (user name, Basic256Sha256)
// writes a point of the hub's OPC UA server; the hub sends it as `data.write` to a real agent
// (the one `outpost agent run` starts, with a Modbus TCP guard and a data sources file), whose
// guard enforces a read-only policy from the hub in front of a pymodbus server. Refused until an
// operator grants the register, then written, read back from the device, and reported Good.

const PASSWORD = 'scada-password-1';

describe(
  'OPC UA write under a guard write grant, through a real agent to a pymodbus device',
  {
    skip: pymodbusMissing(),
  },
  () => {
    let t: TestHub;
    let operator: OutpostClient;
    let dev: EnrolledDevice;
    let plc: Plc;
    let agent: Agent | undefined;
    let ua: OpcUaClients;
    let scada: ClientSession;
    let port = 0;
    const dir = mkdtempSync(join(tmpdir(), 'outpost-opcua-grant-hub-'));
    const node = () => `ns=1;s=${dev.id}/setpoint`;
    const write = (value: number) =>
      scada.write({
        nodeId: node(),
        attributeId: AttributeIds.Value,
        value: { value: { dataType: DataType.Double, value } },
      });
    const setpoint = async () => (await t.admin.data.points(dev.id)).items.find((p) => p.point === 'setpoint');
    /** Waits until the agent reports it applied the guard document the hub published last. */
    const guardApplied = (after: number | null) =>
      eventually(async () => {
        const s = await t.admin.guard.status(dev.id);
        return s.documentVersion !== null && s.documentVersion !== after && s.appliedVersion === s.documentVersion
          ? s
          : null;
      }, 60_000);

    before(async () => {
      port = await restartablePort();
      ua = await prepareOpcUaClients({
        hubDir: dir,
        users: [{ username: 'scada', role: 'operator' }],
        password: PASSWORD,
        endpoint: () => `opc.tcp://127.0.0.1:${port}`,
      });
      t = await startTestHub({ opcua: { enabled: true, port, users: ua.users } }, dir);
      await t.hub.domains.sharing.ready();
      operator = await t.userClient('operator');
      dev = await enrollTestDevice(t, 'opc-guard-gw-1');
      plc = await startPlc();
      await plc.set('hr', 0, [10]);
      const sources = join(dev.dir, 'data-sources.json');
      writeFileSync(
        sources,
        JSON.stringify({
          sources: [
            {
              kind: 'modbus-tcp',
              host: '127.0.0.1',
              port: plc.port,
              guarded: true,
              intervalMs: 500,
              points: [{ p: 'setpoint', table: 'holding', address: 0, writable: true, unit: 'm3/h' }],
            },
          ],
        }),
      );
      agent = await runAgent({
        dir: dev.dir,
        model: 'test-gateway',
        firmware: '1.0.0',
        healthIntervalS: 30,
        mqttUrl: deviceBrokerUrl(t, dev.id),
        logger: silentLogger,
        guards: [
          {
            kind: 'modbus-tcp',
            listen: { host: '127.0.0.1', port: 0 },
            upstream: { host: '127.0.0.1', port: plc.port },
          },
        ],
        dataSources: sources,
        access: false,
        updates: false,
        flowsIntervalS: 0,
        cellularIntervalS: 0,
        gpsd: false,
      });
      await eventually(async () => (await setpoint())?.value === 10, 60_000);
      await operator.guard.setDevicePolicy(dev.id, {
        mode: 'enforce',
        allowedClasses: ['read', 'write'],
        readOnly: true,
        onViolation: 'exception',
      });
      await guardApplied(null);
      await t.admin.data.setWrites(dev.id, 'setpoint', true);
      scada = await ua.session(ua.user('scada'));
    });

    after(async () => {
      await agent?.stop({ clean: true });
      plc?.stop();
      await ua?.dispose();
      await t?.stop();
      if (dev) rmSync(dev.dir, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
      rmSync(`${dir}.kek`, { force: true });
    });

    it('refuses the write under the read-only policy with the guard’s reason, and leaves the register alone', async () => {
      assert.equal((await write(42)).name, 'BadUserAccessDenied');
      assert.deepEqual(await plc.get('hr', 0, 1), [10]);
      const blocked = await eventually(
        async () => (await t.admin.guard.events({ deviceId: dev.id, type: 'guard.blocked' })).items[0],
        30_000,
      );
      assert.equal(blocked.data.reason, 'ungranted_write');
      assert.equal(blocked.data.master, '127.0.0.1');
      const audit = (await t.admin.audit.list({ action: 'sharing.write', limit: 10 })).items;
      const denied = audit.find((a) => a.outcome === 'denied');
      assert.ok(denied, JSON.stringify(audit));
      assert.equal(denied.actor, 'opcua:scada');
      assert.match(JSON.stringify(denied.details), /blocked_by_guard|ungranted_write/);
    });

    it('after an operator grants the register, the same write succeeds, reaches the device and comes back Good', async () => {
      const before = (await t.admin.guard.status(dev.id)).documentVersion;
      const grant = await operator.guard.grant(dev.id, {
        unit: 1,
        table: 'holding',
        start: 0,
        end: 0,
        durationS: 900,
        reason: 'setpoint change from SCADA, ticket 5150',
      });
      await guardApplied(before);
      assert.equal((await write(42)).name, 'Good');
      assert.deepEqual(await plc.get('hr', 0, 1), [42], 'the device holds the value written');
      const back = await eventually(async () => {
        const p = await setpoint();
        return p?.value === 42 ? p : null;
      }, 30_000);
      assert.equal(back.quality, 'good');
      const read = await eventually(async () => {
        const dv = await scada.read({ nodeId: node(), attributeId: AttributeIds.Value });
        return dv.value.value === 42 ? dv : null;
      }, 30_000);
      assert.equal(read.statusCode.name, 'Good');
      const audit = (await t.admin.audit.list({ action: 'sharing.write', limit: 10 })).items;
      const ok = audit.find((a) => a.outcome === 'ok');
      assert.ok(ok, JSON.stringify(audit));
      assert.equal(ok.actor, 'opcua:scada');
      assert.equal(ok.details.point, 'setpoint');
      const written = await eventually(
        async () =>
          (await t.admin.guard.events({ deviceId: dev.id, type: 'guard.write' })).items.find((e) =>
            (e.data.grantIds as string[] | undefined)?.includes(grant.id),
          ),
        30_000,
      );
      assert.deepEqual(written.data.ranges, [{ table: 'holding', start: 0, count: 1, access: 'write' }]);
    });
  },
);
