import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { signGrant, verifyGrant, type GuardEvent, type GuardPolicy, type UnsignedWriteGrant } from '@outpost/guard';
import { createModbusTcpProxy } from './modbus-tcp.proxy.js';
import type { GuardProxy } from './ot-guard.types.js';
import {
  mbpoll,
  mbpollValues,
  pymodbusMissing,
  rawExchange,
  readHolding,
  startPlc,
  toolMissing,
  type Peer,
} from './ot-guard.fixture.js';

const skip = pymodbusMissing() ?? toolMissing('mbpoll');
const readOnly: GuardPolicy = {
  mode: 'enforce',
  allowedClasses: ['read', 'write'],
  readOnly: true,
  onViolation: 'exception',
  version: 7,
};

describe('Modbus TCP guard between mbpoll and a pymodbus PLC', { skip }, () => {
  let plc: Peer;
  let plcPort = 0;
  let proxy: GuardProxy;
  let now = 1_700_000_000_000;
  const events: GuardEvent[] = [];
  const hub = generateKeyPairSync('ed25519');
  const grantFor = (over: Partial<UnsignedWriteGrant> = {}) =>
    signGrant(
      {
        id: 'g-maint',
        deviceId: 'plc-1',
        unit: 1,
        table: 'holding',
        start: 5,
        end: 6,
        notBefore: now - 1_000,
        expiresAt: now + 60_000,
        reason: 'setpoint change',
        grantedBy: 'alice',
        ...over,
      },
      hub.privateKey,
    );

  // mbpoll takes options, then the host, then the values to write (none: read).
  const poll = (port: number, args: string[], values: number[] = []) =>
    mbpoll([
      '-m',
      'tcp',
      '-a',
      '1',
      '-t',
      '4',
      '-0',
      '-1',
      '-o',
      '1',
      '-p',
      String(port),
      ...args,
      '127.0.0.1',
      ...values.map(String),
    ]);
  const writeViaProxy = (reg: number, value: number) => poll(proxy.address.port, ['-r', String(reg)], [value]);

  before(async () => {
    plc = await startPlc('tcp');
    plcPort = Number(plc.ready);
    proxy = await createModbusTcpProxy({
      listen: { host: '127.0.0.1', port: 0 },
      upstream: { host: '127.0.0.1', port: plcPort },
      policy: readOnly,
      deviceId: 'plc-1',
      trustedGrantKey: hub.publicKey,
      onEvent: (e) => events.push(e),
      clock: () => now,
    });
  });

  after(async () => {
    await proxy?.close();
    plc?.stop();
  });

  test('reads through the guard return exactly what a direct read returns', async () => {
    const direct = await poll(plcPort, ['-r', '0', '-c', '8']);
    const guarded = await poll(proxy.address.port, ['-r', '0', '-c', '8']);
    assert.equal(guarded.code, 0, guarded.stdout);
    assert.deepEqual(mbpollValues(guarded.stdout), mbpollValues(direct.stdout));
    assert.deepEqual(mbpollValues(direct.stdout).slice(0, 2), ['0=100', '1=101']);
  });

  test('enforce + read-only: a write gets an exception and the register is unchanged', async () => {
    const r = await writeViaProxy(5, 4242);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout, /illegal data address/i);
    assert.deepEqual(await readHolding(plcPort, 5, 1), [105]);
    const blocked = events.find((e) => e.type === 'guard.blocked');
    assert.ok(blocked && blocked.type === 'guard.blocked');
    assert.equal(blocked.reason, 'ungranted_write');
    assert.equal(blocked.policyVersion, 7);
    assert.deepEqual(blocked.ranges, [{ table: 'holding', start: 5, count: 1, access: 'write' }]);
  });

  test('with a valid signed grant the same write succeeds', async () => {
    assert.deepEqual(proxy.setGrants([grantFor()]), []);
    const r = await writeViaProxy(5, 4242);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(await readHolding(plcPort, 5, 1), [4242]);
    const write = events.find((e) => e.type === 'guard.write');
    assert.ok(write && write.type === 'guard.write');
    assert.deepEqual(write.grantIds, ['g-maint']);
    // Outside the granted range the write is still refused.
    assert.notEqual((await writeViaProxy(7, 1)).code, 0);
    assert.deepEqual(await readHolding(plcPort, 7, 1), [107]);
  });

  test('after the grant expires the write is blocked again', async () => {
    now += 61_000;
    assert.notEqual((await writeViaProxy(5, 4343)).code, 0);
    assert.deepEqual(await readHolding(plcPort, 5, 1), [4242]);
  });

  test('forged and expired grants are refused', async () => {
    const other = generateKeyPairSync('ed25519');
    const forged = signGrant({ ...grantFor(), id: 'g-forged' }, other.privateKey);
    const tampered = { ...grantFor({ id: 'g-tampered' }), end: 99 };
    const expired = grantFor({ id: 'g-old', notBefore: now - 120_000, expiresAt: now - 60_000 });
    assert.deepEqual(verifyGrant(expired, hub.publicKey, now, 'plc-1'), { ok: false, reason: 'expired' });
    const rejected = proxy.setGrants([forged, tampered, expired]);
    assert.deepEqual(
      rejected.map((r) => [r.id, r.reason]),
      [
        ['g-forged', 'bad_signature'],
        ['g-tampered', 'bad_signature'],
      ],
    );
    assert.notEqual((await writeViaProxy(6, 1)).code, 0);
    assert.deepEqual(await readHolding(plcPort, 6, 1), [106]);
  });

  test('garbage from the master is dropped, never crashes or stalls the guard', async () => {
    const garbage = [
      Buffer.from('GET / HTTP/1.1\r\nHost: plc\r\n\r\n'),
      Buffer.from([0, 1, 0, 0, 0x01, 0x00, 1, 3]),
      Buffer.from([0, 1, 0, 0, 0, 6, 1, 6, 0, 5, 0x12, 0x34]), // a valid but ungranted write
      Buffer.alloc(4096, 0xff),
    ];
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 60; i++)
      garbage.push(Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 300) }, () => Math.floor(rand() * 256))));
    const results = await Promise.all(garbage.map((g) => rawExchange(proxy.address.port, g, 200)));
    assert.ok(results[0].closedByPeer, 'non-Modbus bytes close the connection');
    assert.equal(results[0].reply.length, 0);
    assert.deepEqual([...results[2].reply], [0, 1, 0, 0, 0, 3, 1, 0x86, 2]);
    assert.deepEqual(await readHolding(plcPort, 0, 10), [100, 101, 102, 103, 104, 4242, 106, 107, 108, 109]);
    const again = await poll(proxy.address.port, ['-r', '0', '-c', '2']);
    assert.equal(again.code, 0, again.stdout);
    assert.deepEqual(mbpollValues(again.stdout), ['0=100', '1=101']);
    assert.ok(events.some((e) => e.type === 'guard.malformed'));
  });

  test('each connection ends with a session event carrying its statistics', async () => {
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(proxy.connections(), 0);
    const sessions = events.filter((e) => e.type === 'guard.session');
    assert.ok(sessions.length >= 8);
    const read = sessions.find((e) => e.type === 'guard.session' && e.requests.read > 0 && e.requests.write === 0);
    assert.ok(read && read.type === 'guard.session');
    assert.equal(read.master, '127.0.0.1');
    assert.ok(read.bytesFromMaster >= 12 && read.bytesFromDevice >= 9 && read.responses >= 1);
  });

  test('monitor mode lets everything through and still learns', async () => {
    proxy.setPolicy({ ...readOnly, mode: 'monitor' });
    const r = await writeViaProxy(9, 999);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(await readHolding(plcPort, 9, 1), [999]);
    assert.ok(events.some((e) => e.type === 'guard.new_master'));
    proxy.setPolicy(readOnly);
  });
});
