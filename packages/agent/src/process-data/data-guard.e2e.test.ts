import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { GuardEvent } from '@outpost/guard';
import type { DataMessage } from '@outpost/protocol';
import { createAgent, type Agent } from '../core/agent.core.js';
import { realClock, silentLogger } from '../core/ports.js';
import { createMqttTransportFactory } from '../adapters/mqtt.transport.js';
import { createMemoryQueue } from '../adapters/memory.queue.js';
import { createLinuxSystem } from '../adapters/linux.system.js';
import { createGuardFeature } from '../ot-guard/guard.feature.js';
import { createDataFeature } from './data.feature.js';
import { guardRouteFor } from './data-wiring.js';
import {
  makePki,
  pymodbusMissing,
  startMosquitto,
  startPlc,
  type Broker,
  type Pki,
  type Plc,
} from './data-peers.fixture.js';

// The agent's own polling goes through its guard when the guard fronts the device: reads pass an
// enforcing read-only policy and show in the guard's decisions; a write is blocked with the
// guard's reason and the register is left alone.

async function eventually<T>(f: () => T | undefined | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('process data through the agent guard', { skip: pymodbusMissing() }, () => {
  let pki: Pki;
  let broker: Broker;
  let plc: Plc;
  let agent: Agent | undefined;
  let observer: MqttClient | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'outpost-data-guard-'));

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

  it('reads through an enforcing read-only guard and gets its refusal, with the reason, for a write', async () => {
    const deviceId = 'data-guard-1';
    await plc.set('hr', 0, [777]);
    const guard = createGuardFeature({
      guards: [
        { kind: 'modbus-tcp', listen: { host: '127.0.0.1', port: 0 }, upstream: { host: '127.0.0.1', port: plc.port } },
      ],
      localPolicy: {
        mode: 'enforce',
        allowedClasses: ['read', 'write'],
        readOnly: true,
        onViolation: 'exception',
        version: 1,
      },
    });
    const decisions: GuardEvent[] = [];
    guard.watch((e) => decisions.push(e));
    const data = createDataFeature({
      load: async () =>
        JSON.stringify({
          sources: [
            {
              kind: 'modbus-tcp',
              host: '127.0.0.1',
              port: plc.port,
              guarded: true,
              intervalMs: 500,
              points: [{ p: 'setpoint', table: 'holding', address: 0, writable: true }],
            },
          ],
        }),
      queueDir: join(dir, 'q'),
      guardRoute: guardRouteFor(guard),
      guardsReady: () => guard.ready(),
      watchGuard: (l) => guard.watch((e) => l(e)),
    });
    const obsCert = pki.client('observer-guard');
    const messages: DataMessage[] = [];
    const replies: Array<Record<string, unknown>> = [];
    observer = mqtt.connect(`mqtts://127.0.0.1:${broker.port}`, {
      clientId: 'observer-guard',
      key: obsCert.keyPem,
      cert: obsCert.certPem,
      ca: pki.caPem,
      reconnectPeriod: 100,
    });
    observer.on('message', (topic, payload) => {
      const m = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
      if (topic.endsWith('/data')) messages.push(m as unknown as DataMessage);
      else replies.push(m);
    });
    await new Promise<void>((resolve, reject) =>
      observer!.on('connect', () =>
        observer!.subscribe([`outpost/v1/d/${deviceId}/data`, `outpost/v1/d/${deviceId}/cmd/res`], { qos: 1 }, (e) =>
          e ? reject(e) : resolve(),
        ),
      ),
    );
    const cert = pki.client(deviceId);
    agent = createAgent({
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
      clock: realClock,
      logger: silentLogger,
      healthIntervalS: 3600,
      backoff: { baseMs: 100, capMs: 200 },
      features: [guard, data],
    });
    agent.start();
    await eventually(() => messages.some((m) => m.values.some((v) => v.p === 'setpoint' && v.v === 777)));
    const guardPort = guard.status().guards[0].address!.port;
    assert.equal(messages.find((m) => m.defs)?.defs?.[0].source, `modbus-tcp 127.0.0.1:${plc.port} unit 1 holding 0`);
    assert.ok(guardPort !== plc.port);
    observer.publish(
      `outpost/v1/d/${deviceId}/cmd/req`,
      JSON.stringify({
        v: 1,
        id: 'g1',
        name: 'data.write',
        args: { p: 'setpoint', v: 5 },
        deadline: Date.now() + 30_000,
      }),
      { qos: 1 },
    );
    const r = await eventually(() => replies.find((x) => x.id === 'g1'));
    const error = r.error as { code: string; message: string };
    assert.equal(error.code, 'blocked_by_guard', JSON.stringify(r));
    const blocked = decisions.find((e) => e.type === 'guard.blocked');
    assert.ok(blocked && blocked.type === 'guard.blocked' && blocked.reason, JSON.stringify(decisions.slice(-3)));
    assert.ok(error.message.includes(blocked.reason!), error.message);
    assert.deepEqual(await plc.get('hr', 0, 1), [777], 'the register is unchanged');
  });
});
