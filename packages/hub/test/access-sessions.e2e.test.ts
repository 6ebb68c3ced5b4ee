import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Agent } from '@outpost/agent';
import { startTcpForward } from '@outpost/client/relay';
import { downloadRecording, type OutpostClient } from '@outpost/client';
import { inspectCapture } from '@outpost/guard';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, type EnrolledDevice } from './support/devices.js';
import {
  modbusRead,
  operatorLeg,
  pymodbusMissing,
  startAccessAgent,
  startHttpService,
  startModbusService,
  toolMissing,
} from './support/access-peers.js';

const exec = promisify(execFile);

function httpGet(port: number, path: string, agent?: http.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

describe('remote access sessions through the relay', () => {
  let t: TestHub;
  let op: OutpostClient;
  let dev: EnrolledDevice;
  let agent: Agent;
  let web: Awaited<ReturnType<typeof startHttpService>>;
  let plc: Awaited<ReturnType<typeof startModbusService>> | null = null;

  before(async () => {
    t = await startTestHub();
    await t.admin.groups.create({ path: 'north', kind: 'static' });
    await t.admin.groups.create({ path: 'south', kind: 'static' });
    dev = await enrollTestDevice(t, 'gw-north-1', { group: 'north' });
    await enrollTestDevice(t, 'gw-south-1', { group: 'south' });
    web = await startHttpService();
    if (!pymodbusMissing()) plc = await startModbusService();
    agent = startAccessAgent(t, dev, { allowHosts: [] });
    await t.admin.access.createPolicy({
      name: 'north-services',
      group: 'north',
      targets: [`tcp:${web.port}`, ...(plc ? [`tcp:${plc.port}`] : []), 'tcp:plc-7.site.example:502'],
      mfaMaxAgeS: null,
      maxConcurrent: 4,
      captureTcp: true,
    });
    op = await t.userClient('operator');
    await eventually(async () => (await t.admin.devices.get(dev.id)).presence === 'online');
  });
  after(async () => {
    await agent?.stop();
    await web?.close();
    plc?.stop();
    await t?.stop();
  });

  it('carries HTTP end to end to a real client, over several connections, and records the session', async () => {
    const r = await op.access.request({
      deviceId: dev.id,
      target: `tcp:${web.port}`,
      reason: 'check the web UI',
      durationS: 120,
    });
    assert.equal(r.session.state, 'approved');
    assert.ok(r.operatorToken);
    const link = operatorLeg(t, op, r);
    await link.ready;
    const fwd = await startTcpForward(link);
    assert.equal(await httpGet(fwd.port, '/status'), 'hello /status\n');
    assert.equal(await httpGet(fwd.port, '/other'), 'hello /other\n');
    if (!toolMissing('curl')) {
      const file = join(t.dir, 'upload.bin');
      writeFileSync(file, 'x'.repeat(300_000));
      const { stdout } = await exec('curl', ['-s', '--data-binary', `@${file}`, `http://127.0.0.1:${fwd.port}/echo`], {
        maxBuffer: 1e7,
      });
      assert.equal(stdout.length, 300_000);
      assert.equal((await exec('curl', ['-s', `http://127.0.0.1:${fwd.port}/via-curl`])).stdout, 'hello /via-curl\n');
    }
    assert.ok(fwd.connections() >= 2);
    link.close();
    const done = await eventually(async () => {
      const s = await op.access.session(r.session.id);
      return s.state === 'closed' ? s : null;
    });
    assert.equal(done.closeReason, 'operator_closed');
    assert.ok(done.bytesFromDevice > 0 && done.bytesToDevice > 0);
    assert.ok(done.startedAt && done.endedAt);
    const actions = (await t.admin.audit.list({ target: `access-session:${r.session.id}`, limit: 50 })).items.map(
      (a) => a.action,
    );
    for (const a of [
      'access.session.request',
      'access.session.approve',
      'access.session.open',
      'access.relay.join',
      'access.session.start',
      'access.session.close',
    ]) {
      assert.ok(actions.includes(a), `audit lacks ${a}: ${actions.join(', ')}`);
    }
  });

  it(
    'carries Modbus TCP end to end to a real master (mbpoll) and a raw request',
    { skip: pymodbusMissing() },
    async () => {
      const r = await op.access.request({
        deviceId: dev.id,
        target: `tcp:${plc!.port}`,
        reason: 'read PLC registers',
        durationS: 120,
      });
      const link = operatorLeg(t, op, r);
      await link.ready;
      const fwd = await startTcpForward(link);
      assert.deepEqual(await modbusRead(fwd.port, 0, 5), [100, 101, 102, 103, 104]);
      if (!toolMissing('mbpoll')) {
        const { stdout } = await exec(
          'mbpoll',
          ['-a', '1', '-t', '4', '-r', '10', '-c', '3', '-0', '-1', '-p', String(fwd.port), '127.0.0.1'],
          { timeout: 15_000 },
        );
        assert.match(stdout, /\[10\]:\s+110/);
        assert.match(stdout, /\[12\]:\s+112/);
      }
      link.close();
      await link.ended;

      // The policy keeps a capture: it downloads checked against the sealed hash, and the guard's
      // own reader finds the Modbus transactions in it.
      await eventually(async () => (await op.access.session(r.session.id)).recording?.sha256);
      const file = join(t.dir, 'modbus-session.pcap');
      const rec = await downloadRecording(op.options, r.session.id, file);
      assert.equal(rec.kind, 'pcap');
      const report = inspectCapture(readFileSync(file), { modbusPorts: [plc!.port] });
      const requests = report.rows.filter((x) => x.protocol === 'modbus' && x.direction === 'request');
      const first = requests[0];
      assert.deepEqual(
        [first.fc, first.unit, first.class, first.ranges[0]?.table, first.ranges[0]?.start, first.ranges[0]?.count],
        [3, 1, 'read', 'holding', 0, 5],
      );
      assert.equal(
        report.rows.filter((x) => x.protocol === 'modbus' && x.direction === 'response').length,
        requests.length,
      );
      assert.equal(report.rows.filter((x) => x.malformed).length, 0);
      // An unknown session has none; a capture changed on the hub's disk is refused, not served.
      await assert.rejects(
        downloadRecording(op.options, 'acs_nope', join(t.dir, 'x.pcap')),
        (e: { status?: number }) => e.status === 404,
      );
      const stored = readdirSync(t.dir, { recursive: true, encoding: 'utf8' }).find((f) =>
        f.endsWith(`${r.session.id}.pcap`),
      );
      assert.ok(stored, 'the capture is kept in the data directory');
      appendFileSync(join(t.dir, stored), Buffer.from([0]));
      await assert.rejects(
        downloadRecording(op.options, r.session.id, join(t.dir, 'tampered.pcap')),
        (e: { code?: string }) => e.code === 'conflict',
      );
      assert.equal(existsSync(join(t.dir, 'tampered.pcap')), false);
    },
  );

  it('refuses and audits a target off the allowlist, and a device in a group the user cannot see', async () => {
    await assert.rejects(
      op.access.request({ deviceId: dev.id, target: 'tcp:23', reason: 'telnet', durationS: 60 }),
      (e: { code: string; status: number }) => e.code === 'access_denied' && e.status === 403,
    );
    await assert.rejects(
      op.access.request({ deviceId: dev.id, target: 'tcp:10.0.0.0/24:502', reason: 'subnet', durationS: 60 }),
      (e: { code: string }) => e.code === 'validation_failed',
    );
    const scoped = await t.userClient('operator');
    const me = await scoped.me();
    await t.admin.users.update(me.id, { groups: ['south'] });
    await assert.rejects(
      scoped.access.request({ deviceId: dev.id, target: `tcp:${web.port}`, reason: 'not mine', durationS: 60 }),
      (e: { code: string }) => e.code === 'not_found',
    );
    const denied = (await t.admin.audit.list({ action: 'access.session.request', limit: 50 })).items.filter(
      (a) => a.outcome === 'denied',
    );
    assert.ok(denied.some((a) => a.details.reason === 'target_not_allowed' && a.details.target === 'tcp:23'));
    assert.ok(denied.some((a) => a.details.reason === 'device_not_visible' && a.actor === me.username));
  });

  it('lets the device refuse a host the hub allows but the device does not offer, and audits it', async () => {
    const r = await op.access.request({
      deviceId: dev.id,
      target: 'tcp:plc-7.site.example:502',
      reason: 'reach the PLC behind',
      durationS: 60,
    });
    const link = operatorLeg(t, op, r);
    await assert.rejects(link.ready, /target_refused/);
    const s = await eventually(async () => {
      const x = await op.access.session(r.session.id);
      return x.state === 'failed' ? x : null;
    });
    assert.equal(s.closeReason, 'target_refused');
    const fail = (await t.admin.audit.list({ action: 'access.session.fail', target: `access-session:${r.session.id}` }))
      .items;
    assert.equal(fail.length, 1);
  });

  it('stops the kill switch within a second and closes the target connection', async () => {
    const r = await op.access.request({
      deviceId: dev.id,
      target: `tcp:${web.port}`,
      reason: 'long job',
      durationS: 600,
    });
    const link = operatorLeg(t, op, r);
    await link.ready;
    const fwd = await startTcpForward(link);
    const keepAlive = new http.Agent({ keepAlive: true });
    await httpGet(fwd.port, '/before', keepAlive);
    const started = Date.now();
    await t.admin.access.terminate(r.session.id, 'contractor left the site');
    const end = await link.ended;
    const tookMs = Date.now() - started;
    assert.ok(tookMs < 1000, `kill took ${tookMs} ms`);
    assert.equal(end.reason, 'killed');
    await assert.rejects(httpGet(fwd.port, '/after', keepAlive));
    keepAlive.destroy();
    const s = await eventually(async () => {
      const x = await t.admin.access.session(r.session.id);
      return x.state === 'terminated' && x.bytesFromDevice > 0 ? x : null;
    });
    assert.equal(s.closeReason, 'killed');
    const kill = (
      await t.admin.audit.list({ action: 'access.session.terminate', target: `access-session:${r.session.id}` })
    ).items[0];
    assert.equal(kill.actor, 'admin');
    assert.equal(kill.details.reason, 'contractor left the site');
  });

  it('lists live and past sessions', async () => {
    const all = await t.admin.access.sessions({ deviceId: dev.id });
    assert.ok(all.items.length >= 4);
    assert.ok(all.items.some((s) => s.state === 'terminated'));
    const live = await t.admin.access.sessions({ live: true });
    assert.ok(live.items.every((s) => ['requested', 'approved', 'active'].includes(s.state)));
  });
});
