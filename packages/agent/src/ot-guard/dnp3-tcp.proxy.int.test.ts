import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { GuardEvent, GuardPolicy } from '@outpost/guard';
import { createDnp3TcpProxy } from './dnp3-tcp.proxy.js';
import type { GuardProxy } from './ot-guard.types.js';
import { dnp3LinkFrame } from './ot-guard.fixture.js';

// No third-party DNP3 peer is packaged for Debian here, so the outstation is a plain TCP
// server that records what reaches it; the frames are built with their real CRCs.

const linkFrame = dnp3LinkFrame;

const readClass0 = linkFrame([0xc0, 0xc1, 1, 60, 1, 6]);
const directOperate = linkFrame([0xc1, 0xc2, 5, 12, 1, 0x28, 1, 0, 3, 0, 0x03, 1, 0x64, 0, 0, 0, 0, 0, 0, 0, 0]);
const linkStatus = linkFrame([], 0xc9);
// A WRITE of 120 one-octet g110 strings is larger than one frame: two transport segments.
const bigWrite = [
  0xc2,
  2,
  110,
  1,
  0x08,
  200,
  0,
  ...new Array<number>(200).fill(0x41),
  50,
  1,
  0x07,
  1,
  1,
  2,
  3,
  4,
  5,
  6,
  ...new Array<number>(40).fill(0),
];
const writeFrames = [linkFrame([0x40 | 3, ...bigWrite.slice(0, 249)]), linkFrame([0x80 | 4, ...bigWrite.slice(249)])];

async function until(cond: () => boolean, ms = 2_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

describe('DNP3 TCP guard', () => {
  let outstation: net.Server;
  let received = Buffer.alloc(0);
  let proxy: GuardProxy;
  let master: net.Socket;
  let fromOutstation = Buffer.alloc(0);
  const events: GuardEvent[] = [];
  const policy: GuardPolicy = {
    mode: 'enforce',
    allowedClasses: ['read', 'write'],
    readOnly: false,
    onViolation: 'drop',
    version: 1,
  };
  const response = linkFrame([0xc0, 0xc1, 129, 0, 0], 0x44, 1, 10);

  before(async () => {
    outstation = net.createServer((s) =>
      s.on('data', (d: Buffer) => {
        received = Buffer.concat([received, d]);
        s.write(response);
      }),
    );
    await new Promise<void>((r) => outstation.listen(0, '127.0.0.1', () => r()));
    const port = (outstation.address() as net.AddressInfo).port;
    proxy = await createDnp3TcpProxy({
      listen: { host: '127.0.0.1', port: 0 },
      upstream: { host: '127.0.0.1', port },
      policy,
      deviceId: 'rtu-9',
      onEvent: (e) => events.push(e),
    });
    master = net.connect(proxy.address.port, '127.0.0.1');
    master.on('data', (d: Buffer) => {
      fromOutstation = Buffer.concat([fromOutstation, d]);
    });
    await new Promise((r) => master.once('connect', r));
  });

  after(async () => {
    master?.destroy();
    await proxy?.close();
    await new Promise((r) => outstation.close(r));
  });

  const send = async (b: Buffer, expectReceived: number) => {
    received = Buffer.alloc(0);
    master.write(b);
    await until(() => received.length >= expectReceived);
    await new Promise((r) => setTimeout(r, 30));
  };

  test('a READ is forwarded byte for byte and the response comes back', async () => {
    await send(readClass0, readClass0.length);
    assert.deepEqual(received, readClass0);
    await until(() => fromOutstation.length >= response.length);
    assert.deepEqual(fromOutstation.subarray(0, response.length), response);
  });

  test('DIRECT_OPERATE (control) is dropped in enforce mode', async () => {
    await send(directOperate, 1);
    assert.equal(received.length, 0);
    const blocked = events.find((e) => e.type === 'guard.blocked');
    assert.ok(blocked && blocked.type === 'guard.blocked');
    assert.equal(blocked.fc, 5);
    assert.equal(blocked.unit, 10);
    assert.equal(blocked.reason, 'class_not_allowed:control');
  });

  test('a two-frame request is held and forwarded whole once allowed', async () => {
    const both = Buffer.concat(writeFrames);
    await send(both, both.length);
    assert.deepEqual(received, both);
  });

  test('link status requests pass; corrupt frames are dropped and the stream resyncs', async () => {
    const corrupt = Buffer.from(readClass0);
    corrupt[12] ^= 0xff;
    await send(
      Buffer.concat([linkStatus, Buffer.from('garbage'), corrupt, readClass0]),
      linkStatus.length + readClass0.length,
    );
    assert.deepEqual(received, Buffer.concat([linkStatus, readClass0]));
    assert.ok(events.some((e) => e.type === 'guard.malformed'));
  });

  test('user data under an undefined link function or in a secondary frame is dropped', async () => {
    const operate = [0xc1, 0xc3, 5, 12, 1, 0x28, 1, 0, 3, 0, 0x03, 1, 0x64, 0, 0, 0, 0, 0, 0, 0, 0];
    const wrapped = Buffer.concat([linkFrame(operate, 0xc5), linkFrame(operate, 0x80)]);
    const before = events.length;
    await send(Buffer.concat([wrapped, readClass0]), readClass0.length);
    assert.deepEqual(received, readClass0, 'only the read reaches the outstation');
    const dropped = events.slice(before).filter((e) => e.type === 'guard.malformed');
    assert.deepEqual(
      dropped.map((e) => e.type === 'guard.malformed' && [e.action, e.reason]),
      [
        ['block', 'malformed:link_function_with_data'],
        ['block', 'malformed:link_function_with_data'],
      ],
    );
  });

  test('monitor mode forwards everything as received', async () => {
    proxy.setPolicy({ ...policy, mode: 'monitor' });
    const bytes = Buffer.concat([directOperate, Buffer.from('junk')]);
    await send(bytes, bytes.length);
    assert.deepEqual(received, bytes);
    proxy.setPolicy(policy);
  });
});
