import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { signGrant, type GuardEvent, type GuardPolicy } from '@outpost/guard';
import { createDnp3TcpProxy } from './dnp3-tcp.proxy.js';
import type { GuardProxy } from './ot-guard.types.js';
import { dnp3LinkFrame } from './ot-guard.fixture.js';

// A hotline tag and SELECT-before-OPERATE through the live DNP3 guard. The outstation is a plain
// TCP server recording what reaches it (no third-party DNP3 peer is packaged here); it answers
// every request with a response whose IIN says DEVICE_RESTART.

// SELECT (3) / OPERATE (4) / DIRECT_OPERATE (5) of CROB `index` (g12v1, qualifier 0x28), application sequence `seq`.
const crob = (fc: number, seq: number, index: number) =>
  dnp3LinkFrame([0xc0 | seq, 0xc0 | seq, fc, 12, 1, 0x28, 1, 0, index, 0, 0x03, 1, 0x64, 0, 0, 0, 0, 0, 0, 0, 0]);

async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

describe('DNP3 TCP guard: hotline tag and SELECT-before-OPERATE', () => {
  let outstation: net.Server;
  let received = Buffer.alloc(0);
  let proxy: GuardProxy;
  let master: net.Socket;
  let now = 1_700_000_000_000;
  const events: GuardEvent[] = [];
  const hub = generateKeyPairSync('ed25519');
  const tag = signGrant(
    {
      id: 'tag-7',
      deviceId: 'rtu-9',
      unit: 10,
      table: 'coil',
      start: 3,
      end: 3,
      notBefore: now - 1_000,
      expiresAt: now + 60_000,
      reason: 'line work on feeder 7',
      grantedBy: 'alice',
      setsState: 'hotline_feeder7',
      ticket: 'CHG-1234',
    },
    hub.privateKey,
  );
  const policy: GuardPolicy = {
    mode: 'enforce',
    allowedClasses: ['read', 'write', 'control'],
    readOnly: true,
    onViolation: 'drop',
    version: 3,
    schema: 2,
    selectBeforeOperate: { timeoutMs: 5_000 },
    states: [{ name: 'hotline_feeder7', from: 'grant' }],
    stateRules: [{ state: 'hotline_feeder7', effect: 'forbid', protocol: 'dnp3', table: 'coil', start: 4, end: 4 }],
    responses: { dnp3Iin: ['device_restart'] },
  };
  const restartResponse = dnp3LinkFrame([0xc0, 0xc0, 129, 0x80, 0x00], 0x44, 1, 10);

  before(async () => {
    outstation = net.createServer((s) =>
      s.on('data', (d: Buffer) => {
        received = Buffer.concat([received, d]);
        s.write(restartResponse);
      }),
    );
    await new Promise<void>((r) => outstation.listen(0, '127.0.0.1', () => r()));
    proxy = await createDnp3TcpProxy({
      listen: { host: '127.0.0.1', port: 0 },
      upstream: { host: '127.0.0.1', port: (outstation.address() as net.AddressInfo).port },
      policy,
      deviceId: 'rtu-9',
      trustedGrantKey: hub.publicKey,
      onEvent: (e) => events.push(e),
      clock: () => now,
    });
    master = net.connect(proxy.address.port, '127.0.0.1');
    await new Promise((r) => master.once('connect', r));
  });

  after(async () => {
    master?.destroy();
    await proxy?.close();
    await new Promise((r) => outstation.close(r));
  });

  // Sends a frame and reports whether it reached the outstation: the guard's verdict comes as an
  // event for every request, so wait for that event rather than for a fixed time.
  const passes = async (frame: Buffer): Promise<boolean> => {
    received = Buffer.alloc(0);
    const seen = events.length;
    master.write(frame);
    await until(() => events.slice(seen).some((e) => e.type === 'guard.blocked' || e.type === 'guard.write'));
    await until(() => received.length >= frame.length, 200);
    return received.equals(frame);
  };
  const lastReason = () => events.flatMap((e) => (e.type === 'guard.blocked' ? [e.reason] : [])).at(-1);

  test('without the tag a SELECT is dropped; an OPERATE without a SELECT is dropped', async () => {
    assert.equal(await passes(crob(3, 1, 3)), false);
    assert.equal(lastReason(), 'ungranted_write');
    assert.equal(await passes(crob(4, 2, 3)), false);
    assert.equal(lastReason(), 'operate_without_select');
  });

  test('with the hotline tag, SELECT then OPERATE of the point it names reach the outstation', async () => {
    assert.deepEqual(proxy.setGrants([tag], hub.publicKey), []);
    assert.equal(await passes(crob(3, 3, 3)), true);
    assert.equal(await passes(crob(4, 4, 3)), true);
    const write = events.filter((e) => e.type === 'guard.write').at(-1);
    assert.ok(write && write.type === 'guard.write');
    assert.deepEqual([write.fc, write.grantIds], [4, ['tag-7']]);
    // Another point is not named; reclosing (point 4) is forbidden while the tag holds.
    assert.equal(await passes(crob(5, 5, 5)), false);
    assert.equal(await passes(crob(5, 6, 4)), false);
    assert.equal(lastReason(), 'state_forbids:hotline_feeder7');
  });

  test('a SELECT not followed by its OPERATE within the timeout is refused', async () => {
    assert.equal(await passes(crob(3, 7, 3)), true);
    now += 5_001;
    assert.equal(await passes(crob(4, 8, 3)), false);
    assert.equal(lastReason(), 'select_expired');
  });

  test('once the tag expires its operates are dropped again', async () => {
    now += 60_000;
    assert.equal(await passes(crob(5, 9, 3)), false);
    assert.equal(lastReason(), 'ungranted_write');
  });

  test('a response with DEVICE_RESTART raises guard.response', async () => {
    await until(() => events.some((e) => e.type === 'guard.response'));
    const e = events.find((x) => x.type === 'guard.response');
    assert.ok(e && e.type === 'guard.response');
    assert.deepEqual([e.protocol, e.iin, e.unit, e.policyVersion], ['dnp3', ['device_restart'], 10, 3]);
  });
});
