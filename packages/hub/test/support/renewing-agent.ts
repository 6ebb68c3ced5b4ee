import { join } from 'node:path';
import {
  createAgent,
  createCertRenewalFeature,
  createFileQueue,
  createMqttTransportFactory,
  loadIdentity,
  realClock,
  saveRenewedCredentials,
  silentLogger,
  type Agent,
  type AgentLogger,
  type CertRenewalFeature,
  type RenewalPolicy,
} from '@outpost/agent';
import { createSimSystem, profileOf } from '@outpost/sim';
import type { TestHub } from './test-hub.js';
import type { EnrolledDevice } from './devices.js';

export interface RenewingAgent {
  agent: Agent;
  renewal: CertRenewalFeature;
  /** The key and certificate on disk now (after renewals). */
  credentials(): Promise<{ keyPem: string; certPem: string; caPem: string }>;
  expiredAt: Date | null;
  warnings: string[];
}

/** A real agent core whose certificate renews itself, its identity and queue on disk as on a device. */
export async function startRenewingAgent(t: TestHub, d: EnrolledDevice, policy: RenewalPolicy): Promise<RenewingAgent> {
  const id = (await loadIdentity(d.dir))!;
  const transport = createMqttTransportFactory({
    url: `mqtts://127.0.0.1:${t.hub.mqttPort}`,
    deviceId: d.id,
    keyPem: id.privateKeyPem,
    certPem: id.certPem,
    caPem: id.caPem,
  });
  const warnings: string[] = [];
  const logger: AgentLogger = { info: silentLogger.info, warn: (msg) => void warnings.push(msg) };
  const out: RenewingAgent = {
    agent: null as unknown as Agent,
    renewal: null as unknown as CertRenewalFeature,
    credentials: async () => {
      const now = (await loadIdentity(d.dir))!;
      return { keyPem: now.privateKeyPem, certPem: now.certPem, caPem: now.caPem };
    },
    expiredAt: null,
    warnings,
  };
  out.renewal = createCertRenewalFeature({
    caPem: id.caPem,
    certPem: id.certPem,
    policy,
    store: (c) => saveRenewedCredentials(d.dir, c),
    switchTo: async (c) => {
      transport.useCredentials({ keyPem: c.privateKeyPem, certPem: c.certPem });
      await out.agent.reconnect();
    },
    onExpired: (at) => void (out.expiredAt = at),
  });
  out.agent = createAgent({
    deviceId: d.id,
    transport,
    queue: createFileQueue(join(d.dir, 'queue')),
    system: createSimSystem(profileOf(1), async () => {}),
    clock: realClock,
    logger,
    healthIntervalS: 30,
    backoff: { baseMs: 50, capMs: 500 },
    features: [out.renewal],
  });
  out.agent.start();
  return out;
}
