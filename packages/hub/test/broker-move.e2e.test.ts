import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import {
  brokerMoveSigningBytes,
  deviceTopic,
  SCHEMA_VERSION,
  type DeviceBrokerView,
  type DeviceEventRecord,
} from '@outpost/protocol';
import { assignedBroker } from '../src/mqtt/external-brokers.js';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, type EnrolledDevice } from './support/devices.js';
import { MOSQUITTO_BIN, startMosquittoBroker, type MosquittoBroker } from './support/mosquitto-broker.js';
import { throwawayPki } from './support/throwaway-pki.js';

const skip = !MOSQUITTO_BIN && 'mosquitto not installed';
const OUTPOST_CLI = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));
const run = promisify(execFile);

// Three real Mosquitto brokers from `outpost hub broker-config`, one hub consuming all three, and a
// real agent process. The third broker's device listener trusts another CA: it refuses the device.
describe('moving a device between brokers by a signed instruction', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-hub-move-'));
  const brokers: MosquittoBroker[] = [];
  let t: TestHub;
  let dev: EnrolledDevice;
  let agent: ChildProcess | undefined;
  let id = '';
  const url = (b: MosquittoBroker) => `mqtts://127.0.0.1:${b.devicePort}`;

  before(async () => {
    await (await startTestHub({}, dir)).stop();
    const other = await throwawayPki('other-broker');
    for (let i = 0; i < 3; i++)
      brokers.push(
        await startMosquittoBroker(dir, {
          backendFrom: brokers[0]?.dir,
          beforeStart:
            i < 2
              ? undefined
              : (bdir) => {
                  // The device listener of this broker trusts another CA only.
                  writeFileSync(join(bdir, 'other-ca.crt'), other.caPem);
                  const conf = readFileSync(join(bdir, 'mosquitto.conf'), 'utf8')
                    .replace(`cafile ${join(bdir, 'ca.crt')}`, `cafile ${join(bdir, 'other-ca.crt')}`)
                    .replace(`crlfile ${join(bdir, 'crl.pem')}\n`, '');
                  writeFileSync(join(bdir, 'mosquitto.conf'), conf);
                },
        }),
      );
    t = await startTestHub(
      {
        brokers: brokers.map((b) => b.entry).join(','),
        // The refusing broker's trust files are its own: the hub keeps only the first two current.
        brokerDir: brokers
          .slice(0, 2)
          .map((b) => b.dir)
          .join(','),
      },
      dir,
    );
    for (let i = 0; !id; i++) if (assignedBroker(`mover-${i}`, 3) === 0) id = `mover-${i}`;
    dev = await enrollTestDevice(t, id);
    agent = spawn(process.execPath, [OUTPOST_CLI, 'agent', 'run', '--dir', dev.dir, '--health-interval', '5'], {
      env: { ...process.env, OUTPOST_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    agent.stderr?.on('data', () => undefined);
    await eventually(async () => (await t.admin.devices.get(id)).presence === 'online', 60_000, 250);
  });
  after(async () => {
    if (agent && agent.exitCode === null) {
      agent.kill('SIGTERM');
      await new Promise((r) => agent!.once('exit', r));
    }
    await t?.stop();
    for (const b of brokers) await b.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.kek`, { force: true });
  });

  const events = async (type: string): Promise<DeviceEventRecord[]> =>
    (await t.admin.devices.events(id, 50, { type })).items;

  it('falls back to the old broker when the new one refuses the device, and says why', async () => {
    assert.equal(t.hub.brokerOf(id), url(brokers[0]));
    const started = Date.now();
    const sent = await t.admin.brokers.move(id, { broker: 'broker-3', deadlineS: 10, reason: 'test refusal' });
    assert.equal(sent.move?.state, 'moving');
    assert.equal(sent.move?.to, url(brokers[2]));
    const failed = await eventually(async () => {
      const v = await t.admin.brokers.ofDevice(id);
      return v.move?.state === 'failed' ? v : null;
    }, 60_000);
    const tookMs = Date.now() - started;
    console.log(`refused move: failed on the hub after ${tookMs} ms (deadline 10 s)`);
    const [e] = await events('broker.move.failed');
    assert.equal(e.data.moveId, sent.move!.moveId);
    assert.equal(failed.move?.reason, e.data.reason);
    assert.ok(Number(e.data.tookMs) < 10_500, `the device gave up by its deadline (${String(e.data.tookMs)} ms)`);
    // Still on broker A, and reachable there.
    assert.equal(t.hub.brokerOf(id), url(brokers[0]));
    assert.equal(failed.home, url(brokers[0]));
    const r = await t.admin.devices.command(id, 'ping', { wait: true, timeoutS: 15 });
    assert.equal(r.state, 'succeeded');
  });

  it('moves to broker B: online there, a command reaches it there, and B is kept for the next start', async () => {
    // As an operator types it: the CLI sends the move and waits for its outcome.
    writeFileSync(join(dir, 'cli-ca.pem'), t.hub.caPem);
    const env = {
      ...process.env,
      OUTPOST_HOME: join(dir, 'cli-home'),
      OUTPOST_HUB: t.hub.httpUrl,
      OUTPOST_TOKEN: (await t.admin.tokens.create({ name: 'mover', role: 'admin' })).token,
      OUTPOST_CA_FILE: join(dir, 'cli-ca.pem'),
    };
    const started = Date.now();
    const cli = await run(
      process.execPath,
      [OUTPOST_CLI, 'devices', 'move-broker', id, '--broker', url(brokers[1]), '--deadline', '30', '--json'],
      { env },
    );
    console.log(`move A -> B: moved (CLI returned) after ${Date.now() - started} ms`);
    const sent = (JSON.parse(cli.stdout) as { items: DeviceBrokerView[] }).items[0];
    const moved = await t.admin.brokers.ofDevice(id);
    assert.equal(sent.move?.state, 'moved');
    // The device detail names the broker and the move too.
    const detail = await t.admin.devices.get(id);
    assert.deepEqual(
      [detail.broker, detail.brokerMove?.state, detail.brokerMove?.to],
      [url(brokers[1]), 'moved', url(brokers[1])],
    );
    const shown = await run(process.execPath, [OUTPOST_CLI, 'devices', 'broker', id], { env });
    assert.match(shown.stdout, new RegExp(`${id}.*${url(brokers[1]).replaceAll('.', '\\.')}.*moved`));
    assert.equal(moved.move?.state, 'moved', moved.move?.reason ?? '');
    assert.equal(moved.broker, url(brokers[1]));
    assert.equal(moved.home, url(brokers[1]));
    assert.equal((await t.admin.devices.get(id)).presence, 'online');
    const r = await t.admin.devices.command(id, 'ping', { wait: true, timeoutS: 15 });
    assert.equal(r.state, 'succeeded');
    assert.equal(t.hub.brokerOf(id), url(brokers[1]), 'the command went through B');
    const kept = JSON.parse(readFileSync(join(dev.dir, 'broker.json'), 'utf8')) as { url: string; seq: number };
    assert.deepEqual([kept.url, kept.seq], [url(brokers[1]), sent.move!.seq]);
    const [done] = await events('broker.move.completed');
    assert.equal(done.data.moveId, sent.move!.moveId);
    const actions = (await t.admin.audit.list({ target: `device:${id}`, limit: 20 })).items.map((a) => a.action);
    assert.ok(actions.includes('device.broker.move') && actions.includes('device.broker.moved'), actions.join());
  });

  it('refuses a tampered, an expired and a replayed instruction, and stays where it is', async () => {
    // Delivered straight through broker B's backend listener, as a broker or a path could.
    const c = await mqtt.connectAsync(`mqtts://127.0.0.1:${brokers[1].backendPort}`, {
      protocolVersion: 5,
      clientId: 'test-intruder',
      key: readFileSync(join(brokers[0].dir, 'hub-client.key')),
      cert: readFileSync(join(brokers[0].dir, 'hub-client.crt')),
      ca: t.hub.caPem,
      reconnectPeriod: 0,
    });
    const now = Date.now();
    const sign = async (m: Record<string, unknown>) => {
      const s = await t.hub.domains.guard.signForDevice((key) =>
        brokerMoveSigningBytes({ ...m, signingKey: key.signingKey }),
      );
      return { ...m, signingKey: s.signingKey, signature: s.signature };
    };
    const base = {
      v: SCHEMA_VERSION,
      deviceId: id,
      url: url(brokers[0]),
      caPem: t.hub.caPem,
      issuedAt: now,
      deadline: now + 30_000,
    };
    const cases: Array<[string, Record<string, unknown>]> = [
      ['move_signature_invalid', { ...(await sign({ ...base, moveId: 'tampered-1', seq: 90 })), url: url(brokers[2]) }],
      [
        'move_expired',
        await sign({ ...base, moveId: 'expired-1', seq: 91, issuedAt: now - 60_000, deadline: now - 1000 }),
      ],
      ['move_replayed', await sign({ ...base, moveId: 'replayed-1', seq: 1 })],
      ['move_wrong_device', await sign({ ...base, moveId: 'other-dev1', seq: 92, deviceId: 'someone-else' })],
    ];
    try {
      for (const [, m] of cases) await c.publishAsync(deviceTopic(id, 'broker/move'), JSON.stringify(m), { qos: 1 });
    } finally {
      await c.endAsync();
    }
    const refused = await eventually(async () => {
      const r = await events('broker.move.refused');
      return r.length >= cases.length ? r : null;
    }, 30_000);
    const byMove = new Map(refused.map((e) => [e.data.moveId, e.data.reason]));
    assert.deepEqual(
      cases.map(([, m]) => byMove.get(m.moveId)),
      cases.map(([reason]) => reason),
    );
    assert.equal(t.hub.brokerOf(id), url(brokers[1]));
    const kept = JSON.parse(readFileSync(join(dev.dir, 'broker.json'), 'utf8')) as { url: string; seq: number };
    assert.equal(kept.url, url(brokers[1]));
    assert.equal(kept.seq, 2, 'a refused instruction spends no sequence number');
  });
});
