import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import {
  createAgent,
  createFileQueue,
  createMqttTransportFactory,
  enrollDevice,
  loadIdentity,
  realClock,
  silentLogger,
  type Agent,
  type AgentFeature,
} from '@outpost/agent';
import { createSimSystem, profileOf } from '@outpost/sim';
import type { TestHub } from './test-hub.js';

export interface EnrolledDevice {
  id: string;
  dir: string;
  keyPem: string;
  certPem: string;
  caPem: string;
}

/** Enrolls a device through the real HTTPS enrollment path, as `outpost agent enroll` does. */
export async function enrollTestDevice(
  t: TestHub,
  id: string,
  opts: { tags?: Record<string, string>; group?: string } = {},
): Promise<EnrolledDevice> {
  const tok = await t.admin.enrollment.createToken({ label: `test ${id}`, tags: opts.tags, group: opts.group });
  const dir = mkdtempSync(join(tmpdir(), `outpost-dev-${id}-`));
  await enrollDevice({ hubUrl: t.hub.httpUrl, token: tok.token, caFingerprint: tok.caFingerprint, dir, deviceId: id });
  const ident = (await loadIdentity(dir))!;
  return { id, dir, keyPem: ident.privateKeyPem, certPem: ident.certPem, caPem: ident.caPem };
}

/** Where a test device dials: the embedded broker's port, or (external brokers) the URL the hub gives the device. */
export function deviceBrokerUrl(t: TestHub, deviceId?: string): string {
  return t.hub.mqttPort ? `mqtts://127.0.0.1:${t.hub.mqttPort}` : t.hub.brokerUrlOf(deviceId);
}

/** A real agent core for an enrolled device, with an on-disk event queue. */
export function startTestAgent(
  t: TestHub,
  d: EnrolledDevice,
  opts: {
    healthIntervalS?: number;
    index?: number;
    features?: AgentFeature[];
    backoff?: { baseMs: number; capMs: number };
  } = {},
): Agent {
  const agent = createAgent({
    deviceId: d.id,
    transport: createMqttTransportFactory({
      url: deviceBrokerUrl(t, d.id),
      deviceId: d.id,
      keyPem: d.keyPem,
      certPem: d.certPem,
      caPem: d.caPem,
    }),
    queue: createFileQueue(join(d.dir, 'queue')),
    system: createSimSystem(profileOf(opts.index ?? 1), async () => {}),
    clock: realClock,
    logger: silentLogger,
    healthIntervalS: opts.healthIntervalS ?? 30,
    backoff: opts.backoff ?? { baseMs: 50, capMs: 500 },
    features: opts.features,
  });
  agent.start();
  return agent;
}

/** A raw mqtt.js client with a device's certificate; resolves connected, rejects when refused. */
export function rawClient(
  t: TestHub,
  cert: { keyPem: string; certPem: string; caPem: string },
  clientId: string,
): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(deviceBrokerUrl(t, clientId), {
      clientId,
      key: cert.keyPem,
      cert: cert.certPem,
      ca: cert.caPem,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    c.once('connect', () => resolve(c));
    c.once('error', (err) => {
      c.end(true);
      reject(err);
    });
    c.once('close', () => reject(new Error('closed before connect')));
  });
}
