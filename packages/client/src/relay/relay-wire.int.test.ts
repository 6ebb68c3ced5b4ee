import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { relayMask } from '@outpost/protocol';
import { relayWire, type RelayWire } from '@outpost/protocol/node';

const MAX = 70_000;
type Got = { kind: 'fast' | 'binary' | 'text'; data: Buffer };

/** A server leg: every message it gets, in order, and whether the wire's fast path or ws delivered it. */
async function serverLeg(wss: WebSocketServer) {
  const ws = await new Promise<WebSocket>((r) => wss.once('connection', r));
  const got: Got[] = [];
  const wire = relayWire(ws, MAX);
  wire.onBinary((parts, length) => got.push({ kind: 'fast', data: Buffer.concat(parts, length) }));
  ws.on('message', (d, isBinary) => got.push({ kind: isBinary ? 'binary' : 'text', data: d as Buffer }));
  const errors: string[] = [];
  ws.on('error', (err) => errors.push(err.message));
  return { ws, wire, got, errors };
}

const until = async (what: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!what() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  assert.ok(what(), 'timed out');
};

/** A WebSocket frame as a browser sends it: masked with a random key. */
function maskedFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const key = randomBytes(4);
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0, 0x80 | len]) : Buffer.from([0, 0x80 | 126, len >> 8, len & 0xff]);
  head[0] = (fin ? 0x80 : 0) | opcode;
  const body = Buffer.from(payload.map((b, i) => b ^ key[i & 3]));
  return Buffer.concat([head, key, body]);
}

describe('relay wire (binary messages straight off the socket)', () => {
  let wss: WebSocketServer;
  let url: string;
  before(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: MAX });
    await new Promise((r) => wss.once('listening', r));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  });
  after(() => wss.close());

  it('takes whole binary messages from a randomly masking client, leaves text and pings to ws, keeps the order', async () => {
    const leg = serverLeg(wss);
    const client = new WebSocket(url);
    await new Promise((r) => client.once('open', r));
    const server = await leg;
    const big = randomBytes(66_000);
    const pong = new Promise((r) => client.once('pong', r));
    client.send(Buffer.alloc(0));
    client.send('hello');
    client.send(big);
    client.ping();
    client.send(Buffer.from('tail'));
    await pong;
    await until(() => server.got.length === 4);
    assert.deepEqual(
      server.got.map((g) => [g.kind, g.data.length]),
      [
        ['fast', 0],
        ['text', 5],
        ['fast', big.length],
        ['fast', 4],
      ],
    );
    assert.ok(server.got[2].data.equals(big));
    client.terminate();
  });

  it('hands fragmented messages to ws whole, and sends head plus parts as one message either way', async () => {
    const leg = serverLeg(wss);
    const client = new WebSocket(url, { generateMask: relayMask });
    await new Promise((r) => client.once('open', r));
    const server = await leg;
    const clientGot: Buffer[] = [];
    const clientWire: RelayWire = relayWire(client, MAX);
    clientWire.onBinary((parts, length) => clientGot.push(Buffer.concat(parts, length)));
    client.send(Buffer.from('frag-'), { fin: false });
    client.send(Buffer.from('ment'), { fin: true });
    assert.equal(clientWire.send(Buffer.from([1, 2]), [Buffer.from('abc'), randomBytes(70_000 - 5)]), true);
    await until(() => server.got.length === 2);
    assert.deepEqual(server.got[0], { kind: 'binary', data: Buffer.from('frag-ment') });
    assert.equal(server.got[1].kind, 'fast');
    assert.deepEqual([...server.got[1].data.subarray(0, 5)], [1, 2, 97, 98, 99]);
    assert.equal(server.got[1].data.length, 70_000);
    server.wire.send(Buffer.from([9]), [Buffer.from('xyz')]);
    server.ws.send(Buffer.from('plain'));
    await until(() => clientGot.length === 2);
    assert.deepEqual(clientGot, [Buffer.from([9, 120, 121, 122]), Buffer.from('plain')]);
    client.terminate();
  });

  it('reads frames whose header and payload arrive a few bytes at a time', async () => {
    const leg = serverLeg(wss);
    const sock = net.connect((wss.address() as AddressInfo).port, '127.0.0.1');
    sock.setNoDelay(true);
    sock.write(
      `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    const server = await leg;
    const payloads = [randomBytes(300), randomBytes(3), randomBytes(1000)];
    const bytes = Buffer.concat([
      maskedFrame(2, payloads[0]),
      maskedFrame(1, Buffer.from('text')),
      maskedFrame(2, payloads[1]),
      maskedFrame(2, payloads[2]),
    ]);
    for (let i = 0; i < bytes.length; i += 7) {
      sock.write(bytes.subarray(i, i + 7));
      await new Promise((r) => setImmediate(r));
    }
    await until(() => server.got.length === 4);
    assert.deepEqual(
      server.got.map((g) => g.kind),
      ['fast', 'text', 'fast', 'fast'],
    );
    assert.deepEqual(
      server.got.filter((g) => g.kind === 'fast').map((g) => g.data),
      payloads,
    );
    sock.destroy();
  });

  it('leaves a message over the size limit to ws, which closes with 1009', async () => {
    const leg = serverLeg(wss);
    const client = new WebSocket(url);
    await new Promise((r) => client.once('open', r));
    const server = await leg;
    const closed = new Promise<number>((r) => client.once('close', (code) => r(code)));
    client.send(Buffer.alloc(MAX + 1));
    assert.equal(await closed, 1009);
    assert.deepEqual(server.errors, ['Max payload size exceeded']);
    assert.equal(server.got.length, 0);
  });

  it('with pooled reads, reuses a few read buffers and never overwrites a message before it is released', async () => {
    const connected = new Promise<WebSocket>((r) => wss.once('connection', r));
    const client = new WebSocket(url, { generateMask: relayMask });
    await new Promise((r) => client.once('open', r));
    const ws = await connected;
    const wire = relayWire(ws, MAX, { pooledReads: true });
    const clientWire = relayWire(client, MAX);
    const buffers = new Set<ArrayBufferLike>();
    // Every 8th message is kept, unreleased, to the end; the others are echoed and released once written.
    const kept: Array<{ parts: Buffer[]; length: number; sha: string }> = [];
    let seen = 0;
    const sent: string[] = [];
    wire.onBinary((parts, length, release) => {
      for (const p of parts) buffers.add(p.buffer);
      if (seen++ % 8 === 0) kept.push({ parts, length, sha: sent[seen - 1] });
      else wire.send(null, parts, () => release());
    });
    const echoed: string[] = [];
    clientWire.onBinary((parts) => {
      const h = createHash('sha256');
      for (const p of parts) h.update(p);
      echoed.push(h.digest('hex'));
    });
    // 16 MiB in windows of 1 MiB, so that the buffers in use at once stay few.
    for (let w = 0; w < 16; w++) {
      for (let i = 0; i < 16; i++) {
        const msg = randomBytes(65_536);
        sent.push(createHash('sha256').update(msg).digest('hex'));
        clientWire.send(null, [msg]);
      }
      const want = sent.length - Math.ceil(sent.length / 8);
      await until(() => echoed.length === want, 10_000);
    }
    assert.deepEqual(
      echoed,
      sent.filter((_, i) => i % 8 !== 0),
    );
    for (const k of kept) {
      assert.equal(createHash('sha256').update(Buffer.concat(k.parts, k.length)).digest('hex'), k.sha);
    }
    // Without the pool every read is a buffer of its own: 16 MiB would be hundreds of them.
    assert.ok(buffers.size <= 24, `${buffers.size} read buffers for 16 MiB`);
    client.terminate();
  });
});
