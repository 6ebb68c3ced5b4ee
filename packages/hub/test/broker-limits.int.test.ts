// What a peer can make the broker hold, with real sockets: oversized packets before and after
// CONNECT end the connection before they are buffered, silent connections are dropped at the
// handshake deadline and capped per address, and a real device still gets in afterwards.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { send } from '@outpost/client';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, rawClient, type EnrolledDevice } from './support/devices.js';

const MB = 1024 * 1024;

/** The remaining-length field of an MQTT fixed header (MQTT 3.1.1 §2.2.3). */
function remainingLength(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

async function refusedCount(t: TestHub, reason: string): Promise<number> {
  const text = (await send(t.anonymous().options, 'GET', '/metrics')).body;
  const m = new RegExp(`outpost_device_connections_refused_total\\{reason="${reason}"\\} (\\d+)`).exec(text);
  return Number(m?.[1] ?? 0);
}

function tlsAs(t: TestHub, d: EnrolledDevice): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect(
      { host: '127.0.0.1', port: t.hub.mqttPort, key: d.keyPem, cert: d.certPem, ca: d.caPem, servername: 'localhost' },
      () => resolve(s),
    );
    s.once('error', reject);
  });
}

/** Writes `total` bytes (first the header) until the hub closes; returns how many it took. */
function pushUntilClosed(s: TLSSocket, header: Buffer, total: number): Promise<number> {
  return new Promise((resolve) => {
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    s.on('error', () => undefined);
    s.once('close', () => resolve(sent));
    s.write(header);
    const pump = () => {
      while (sent < total && !s.destroyed) {
        sent += chunk.length;
        if (!s.write(chunk)) return void s.once('drain', pump);
      }
    };
    pump();
  });
}

describe('broker connection limits', () => {
  let t: TestHub;
  let dev: EnrolledDevice;

  before(async () => {
    t = await startTestHub({ mqttHandshakeTimeoutMs: 1500, mqttPendingPerAddress: 8 });
    dev = await enrollTestDevice(t, 'limits-1');
  });
  after(() => t.stop());

  it('ends a connection whose CONNECT declares 100 MB, before buffering it', async () => {
    const before = await refusedCount(t, 'packet_too_large');
    const s = await tlsAs(t, dev);
    const rssBefore = process.memoryUsage().rss;
    const took = await pushUntilClosed(s, Buffer.concat([Buffer.from([0x10]), remainingLength(100 * MB)]), 100 * MB);
    assert.ok(took < 16 * MB, `the hub read ${took} bytes of it`);
    assert.equal(await refusedCount(t, 'packet_too_large'), before + 1);
    // The hub runs in this process: what it kept of the packet shows here (allow for the test's own buffers).
    assert.ok(process.memoryUsage().rss - rssBefore < 64 * MB);
  });

  it('ends a connection that publishes more than the largest device message, after CONNECT', async () => {
    const before = await refusedCount(t, 'packet_too_large');
    const c = await rawClient(t, dev, dev.id);
    const closed = new Promise((r) => c.once('close', () => r(null)));
    c.publish(`outpost/v1/d/${dev.id}/events`, Buffer.alloc(2 * MB, 0x20), { qos: 0 });
    await closed;
    c.end(true);
    assert.equal(await refusedCount(t, 'packet_too_large'), before + 1);
  });

  it('drops silent connections at the deadline, caps them per address, and lets a device in after', async () => {
    const before = await refusedCount(t, 'too_many_pending');
    const silent: Socket[] = [];
    const closedAll: Array<Promise<unknown>> = [];
    for (let i = 0; i < 12; i++) {
      const s = tcpConnect({ host: '127.0.0.1', port: t.hub.mqttPort });
      s.on('error', () => undefined);
      closedAll.push(new Promise((r) => s.once('close', () => r(null))));
      silent.push(s);
      await new Promise((r) => s.once('connect', r));
    }
    await eventually(async () => (await refusedCount(t, 'too_many_pending')) === before + 4, 10_000);
    // The eight that were let in are closed by the hub at the handshake deadline, not by the test.
    await Promise.all(closedAll);
    assert.ok(silent.every((s) => s.destroyed));
    const c = await rawClient(t, dev, dev.id);
    c.end(true);
  });
});
