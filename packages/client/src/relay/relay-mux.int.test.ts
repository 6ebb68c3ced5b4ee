import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { RELAY_WINDOW } from '@outpost/protocol';
import { createMux, type Mux } from '@outpost/protocol/node';

const TOTAL = 4 * 1024 * 1024;

/** A target that accepts writes but completes none until released: a stalled PLC or a full link. */
function stalledSink() {
  const chunks: Buffer[] = [];
  const held: Array<() => void> = [];
  let released = false;
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      if (released) done();
      else held.push(() => done());
    },
  });
  return {
    stream,
    received: () => chunks.reduce((n, c) => n + c.length, 0),
    data: () => Buffer.concat(chunks),
    release() {
      released = true;
      for (const h of held.splice(0)) h();
    },
  };
}

/** A source that produces bytes only when read: how much it produced shows how far backpressure reached. */
function source(total: number) {
  let produced = 0;
  const hash = createHash('sha256');
  const stream = new Duplex({
    read() {
      if (produced >= total) return void this.push(null);
      const chunk = Buffer.alloc(Math.min(16 * 1024, total - produced), produced % 251);
      produced += chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
    write(_c, _e, done) {
      done();
    },
  });
  return { stream, produced: () => produced, digest: () => hash.digest('hex') };
}

describe('relay stream multiplexer', () => {
  let wss: WebSocketServer;
  let operator: WebSocket;
  let device: Mux;
  let client: Mux;
  const sink = stalledSink();

  before(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    const accepted = new Promise<WebSocket>((r) => wss.once('connection', r));
    operator = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    const ws = await accepted;
    await new Promise((r) => operator.once('open', r));
    device = createMux(ws, { onOpen: async () => sink.stream });
    ws.on('message', (d) => device.frame(d as Buffer));
    client = createMux(operator);
    operator.on('message', (d) => client.frame(d as Buffer));
  });
  after(() => {
    operator.terminate();
    wss.close();
  });

  it('stops the sender at the credit window while the target does not drain, then delivers everything in order', async () => {
    const src = source(TOTAL);
    client.open(src.stream);
    await new Promise((r) => setTimeout(r, 500));
    // The far side holds at most one window; the near side stopped reading its source soon after.
    assert.ok(sink.received() <= RELAY_WINDOW, `target got ${sink.received()} bytes without draining`);
    assert.ok(src.produced() < RELAY_WINDOW + 256 * 1024, `source was read ${src.produced()} bytes ahead`);
    sink.release();
    const until = Date.now() + 10_000;
    while (sink.received() < TOTAL && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(sink.received(), TOTAL);
    assert.equal(createHash('sha256').update(sink.data()).digest('hex'), src.digest());
  });
});
