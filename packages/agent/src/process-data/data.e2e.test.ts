import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { DataMessage } from '@outpost/protocol';
import { createAgent, type Agent } from '../core/agent.core.js';
import { realClock, silentLogger, type Clock } from '../core/ports.js';
import { createManualClock } from '../core/manual-clock.js';
import { createMqttTransportFactory } from '../adapters/mqtt.transport.js';
import { createMemoryQueue } from '../adapters/memory.queue.js';
import { createLinuxSystem } from '../adapters/linux.system.js';
import { createDataFeature, type DataFeature } from './data.feature.js';
import {
  makePki,
  pymodbusMissing,
  startMosquitto,
  startPlc,
  type Broker,
  type Pki,
  type Plc,
} from './data-peers.fixture.js';

// A real agent core with the data feature, polling a pymodbus server with a register map and
// publishing to a real Mosquitto over mutual TLS; the test reads the device's `data` topic with
// mqtt.js as any consumer would.

const skip = pymodbusMissing();

async function eventually<T>(f: () => T | undefined | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function observe(
  pki: Pki,
  broker: Broker,
  deviceId: string,
): Promise<{ client: MqttClient; messages: DataMessage[]; replies: unknown[] }> {
  const cert = pki.client(`observer-${deviceId}`);
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(`mqtts://127.0.0.1:${broker.port}`, {
      clientId: `observer-${deviceId}`,
      key: cert.keyPem,
      cert: cert.certPem,
      ca: pki.caPem,
      protocolVersion: 4,
      reconnectPeriod: 100,
    });
    const messages: DataMessage[] = [];
    const replies: unknown[] = [];
    client.on('message', (topic, payload) => {
      const m = JSON.parse(payload.toString('utf8')) as unknown;
      if (topic.endsWith('/data')) messages.push(m as DataMessage);
      else replies.push(m);
    });
    client.on('connect', () =>
      client.subscribe([`outpost/v1/d/${deviceId}/data`, `outpost/v1/d/${deviceId}/cmd/res`], { qos: 1 }, (err) =>
        err ? reject(err) : resolve({ client, messages, replies }),
      ),
    );
  });
}

function startAgent(pki: Pki, broker: Broker, deviceId: string, feature: DataFeature, clock: Clock): Agent {
  const cert = pki.client(deviceId);
  const agent = createAgent({
    deviceId,
    transport: createMqttTransportFactory({
      url: `mqtts://127.0.0.1:${broker.port}`,
      deviceId,
      keyPem: cert.keyPem,
      certPem: cert.certPem,
      caPem: pki.caPem,
    }),
    queue: createMemoryQueue(),
    system: createLinuxSystem({ model: 'test-gateway', firmware: '1.0.0' }),
    clock,
    logger: silentLogger,
    healthIntervalS: 3600,
    backoff: { baseMs: 100, capMs: 200 },
    features: [feature],
  });
  agent.start();
  return agent;
}

describe('process data from a Modbus device through a real broker', { skip }, () => {
  let pki: Pki;
  let broker: Broker;
  let plc: Plc;
  let agent: Agent | undefined;
  let observer: MqttClient | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'outpost-data-e2e-'));

  before(async () => {
    pki = makePki();
    broker = await startMosquitto(pki);
    plc = await startPlc();
  });
  after(async () => {
    await agent?.stop();
    observer?.end(true);
    await broker?.stop();
    plc?.stop();
    rmSync(dir, { recursive: true, force: true });
    if (pki) rmSync(pki.dir, { recursive: true, force: true });
  });

  it('reports scaled, typed values, shows a register change within a poll plus 1 s, and writes only writable points', async () => {
    // level 12.34 m (uint16 ×0.01), temperature -5.5 (int16 ×0.1), flow 12.5 (float32 ABCD),
    // total 65538 (uint32 CDAB), tag "P1" (string of 1 register), alarm bit 2, run coil.
    await plc.set('hr', 0, [1234, 0xffc9, 0x4148, 0x0000, 0x0002, 0x0001, 0x5031, 0b100, 0]);
    await plc.set('co', 0, [1]);
    const file = join(dir, 'sources.json');
    const intervalMs = 500;
    writeFileSync(
      file,
      JSON.stringify({
        sources: [
          {
            kind: 'modbus-tcp',
            host: '127.0.0.1',
            port: plc.port,
            intervalMs,
            points: [
              { p: 'tank.level', table: 'holding', address: 0, scale: 0.01, unit: 'm', description: 'Tank level' },
              { p: 'temp', table: 'holding', address: 1, type: 'int16', scale: 0.1, unit: 'C' },
              { p: 'flow', table: 'holding', address: 2, type: 'float32', wordOrder: 'ABCD', unit: 'm3/h' },
              { p: 'total', table: 'holding', address: 4, type: 'uint32', wordOrder: 'CDAB' },
              { p: 'tag', table: 'holding', address: 6, type: 'string', length: 1 },
              { p: 'alarm', table: 'holding', address: 7, type: 'bit', bit: 2 },
              { p: 'setpoint', table: 'holding', address: 8, writable: true },
              { p: 'pump.run', table: 'coil', address: 0, writable: true },
            ],
          },
        ],
      }),
    );
    const deviceId = 'data-e2e-1';
    const o = await observe(pki, broker, deviceId);
    observer = o.client;
    const feature = createDataFeature({
      load: async () => (await import('node:fs')).readFileSync(file, 'utf8'),
      queueDir: join(dir, 'q1'),
    });
    agent = startAgent(pki, broker, deviceId, feature, realClock);
    const latest = (p: string) => {
      for (let i = o.messages.length - 1; i >= 0; i--) {
        const v = o.messages[i].values.findLast((x) => x.p === p);
        if (v) return v;
      }
      return undefined;
    };
    await eventually(() => latest('pump.run'));
    const first = o.messages.find((m) => m.defs)!;
    assert.ok(first, 'definitions come with the first batch');
    assert.deepEqual(
      first.defs!.find((d) => d.p === 'tank.level'),
      {
        p: 'tank.level',
        type: 'number',
        unit: 'm',
        description: 'Tank level',
        source: `modbus-tcp 127.0.0.1:${plc.port} unit 1 holding 0`,
      },
    );
    assert.equal(first.defs!.find((d) => d.p === 'setpoint')?.writable, true);
    const values = Object.fromEntries(
      ['tank.level', 'temp', 'flow', 'total', 'tag', 'alarm', 'pump.run'].map((p) => [p, latest(p)?.v]),
    );
    assert.deepEqual(values, {
      'tank.level': 12.34,
      temp: -5.5,
      flow: 12.5,
      total: 65538,
      tag: 'P1',
      alarm: true,
      'pump.run': true,
    });
    assert.equal(latest('tank.level')?.q, undefined, 'good quality is the default');
    // Report by exception: unchanged values are not repeated on every poll.
    const before = o.messages.flatMap((m) => m.values).filter((v) => v.p === 'temp').length;
    await new Promise((r) => setTimeout(r, intervalMs * 3));
    assert.equal(o.messages.flatMap((m) => m.values).filter((v) => v.p === 'temp').length, before);

    const changedAt = Date.now();
    await plc.set('hr', 0, [2500]);
    await eventually(() => latest('tank.level')?.v === 25, 10_000);
    assert.ok(Date.now() - changedAt <= intervalMs + 1000, `${Date.now() - changedAt} ms`);
    assert.ok(latest('tank.level')!.t >= changedAt - 5, 'the value carries the time it was read');

    // data.write over cmd/req: refused for a point not declared writable, written otherwise.
    const command = (id: string, args: unknown) =>
      o.client.publish(
        `outpost/v1/d/${deviceId}/cmd/req`,
        JSON.stringify({ v: 1, id, name: 'data.write', args, deadline: Date.now() + 30_000 }),
        { qos: 1 },
      );
    const reply = (id: string) =>
      eventually(() => o.replies.find((r) => (r as { id: string }).id === id) as Record<string, unknown> | undefined);
    command('w1', { p: 'temp', v: 3 });
    assert.deepEqual((await reply('w1')).error, {
      code: 'point_not_writable',
      message: 'point_not_writable: point "temp" is not declared writable',
    });
    command('w2', { p: 'setpoint', v: 70000 });
    assert.equal(((await reply('w2')).error as { code: string }).code, 'value_out_of_range');
    command('w3', { p: 'setpoint', v: 420 });
    assert.equal((await reply('w3')).ok, true, JSON.stringify(await reply('w3')));
    assert.deepEqual(await plc.get('hr', 8, 1), [420]);
    await eventually(() => latest('setpoint')?.v === 420, intervalMs + 1000);
    command('w4', { p: 'pump.run', v: false });
    assert.equal((await reply('w4')).ok, true);
    assert.deepEqual(await plc.get('co', 0, 1), [0]);

    // The device goes away: every point turns bad (comm-lost) keeping its last value.
    plc.stop();
    await eventually(() => latest('tank.level')?.q === 'bad', 10_000);
    assert.equal(latest('tank.level')?.v, 25);
    assert.ok(['comm-lost', 'timeout'].includes(latest('tank.level')!.r!), latest('tank.level')!.r);
    await agent.stop();
    agent = undefined;
    o.client.end(true);
  });

  it('keeps 5 minutes of 1 s values through a cut link and delivers every one, in order, once, with its original time', async () => {
    const deviceId = 'data-e2e-2';
    const clock = createManualClock(1_800_000_000_000);
    const file = join(dir, 'socket-sources.json');
    writeFileSync(
      file,
      JSON.stringify({ sources: [{ kind: 'socket', port: 0 + (await freeLocalPort()), points: [{ p: 'counter' }] }] }),
    );
    const o = await observe(pki, broker, deviceId);
    observer = o.client;
    const feature = createDataFeature({
      load: async () => (await import('node:fs')).readFileSync(file, 'utf8'),
      queueDir: join(dir, 'q2'),
    });
    agent = startAgent(pki, broker, deviceId, feature, clock);
    await eventually(() => agent!.state() === 'online' && feature.sources().length === 1);
    const address = (feature.sources()[0] as unknown as { address(): string }).address();
    const socket = connect(Number(address.split(':')[1]), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const sentAt: number[] = [];
    const tick = async (i: number) => {
      sentAt.push(clock.now());
      socket.write(`{"p":"counter","v":${i}}\n`);
      await eventually(() => feature.received() === i + 1);
      await clock.advance(1000);
    };
    let i = 0;
    for (; i < 10; i++) await tick(i);
    await eventually(() => o.messages.flatMap((m) => m.values).length >= 9);
    await broker.stop();
    await eventually(() => agent!.state() !== 'online');
    for (; i < 310; i++) await tick(i);
    assert.ok(feature.queued().batches >= 5, JSON.stringify(feature.queued()));
    await broker.start();
    await eventually(() => o.client.connected, 20_000);
    // The broker forgot the observer's session: subscribe again and wait for the broker's answer
    // before the device may reconnect, so nothing it sends is missed.
    await new Promise<void>((resolve, reject) =>
      o.client.subscribe(`outpost/v1/d/${deviceId}/data`, { qos: 1 }, (err) => (err ? reject(err) : resolve())),
    );
    for (let k = 0; k < 50 && agent.state() !== 'online'; k++) {
      await clock.advance(200);
      await new Promise((r) => setTimeout(r, 50));
    }
    await eventually(() => agent!.state() === 'online', 20_000);
    for (; i < 320; i++) await tick(i);
    const distinct = () => new Set(o.messages.flatMap((m) => m.values.map((v) => v.v))).size;
    await eventually(() => distinct() === 320, 30_000).catch(() => {
      const seen = o.messages.map((m) => `${m.seq}:${m.values.length}${m.backlog ? 'b' : ''}`).join(' ');
      throw new Error(
        `${distinct()} of 320 values arrived; batches ${seen}; queued ${JSON.stringify(feature.queued())}`,
      );
    });
    // One copy per seq (a batch sent again after a lost acknowledgement is the same batch).
    const bySeq = new Map<number, DataMessage>();
    for (const m of o.messages) {
      const prev = bySeq.get(m.seq);
      if (prev) assert.deepEqual(prev.values, m.values, `seq ${m.seq} resent with other values`);
      bySeq.set(m.seq, m);
    }
    const seqs = [...bySeq.keys()].sort((a, b) => a - b);
    assert.deepEqual(
      seqs,
      Array.from({ length: seqs.length }, (_, k) => seqs[0] + k),
      'seq grows by one per batch',
    );
    const values = seqs.flatMap((s) => bySeq.get(s)!.values);
    assert.deepEqual(
      values.map((v) => v.v),
      Array.from({ length: 320 }, (_, k) => k),
      'in order, none lost, none twice',
    );
    assert.deepEqual(
      values.map((v) => v.t),
      sentAt,
      'original timestamps',
    );
    const backlog = seqs
      .filter((s) => bySeq.get(s)!.backlog)
      .flatMap((s) => bySeq.get(s)!.values.map((v) => v.v as number));
    assert.ok(
      backlog.length >= 290 && backlog.every((v) => v >= 9 && v < 310),
      `backlog ${backlog[0]}..${backlog.at(-1)}`,
    );
    socket.destroy();
    await agent.stop();
    agent = undefined;
  });
});

async function freeLocalPort(): Promise<number> {
  const { freePort } = await import('./data-peers.fixture.js');
  return freePort();
}
