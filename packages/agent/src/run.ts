import { join } from 'node:path';
import { createAgent, type Agent } from './core/agent.core.js';
import { realClock, type AgentLogger } from './core/ports.js';
import { createMqttTransport } from './adapters/mqtt.transport.js';
import { createFileQueue } from './adapters/file.queue.js';
import { createLinuxSystem } from './adapters/linux.system.js';
import { loadIdentity } from './identity/identity.store.js';

export interface RunOptions {
  dir: string;
  model: string;
  firmware: string;
  healthIntervalS: number;
  rebootCommand?: string[];
  mqttUrl?: string;
  logger: AgentLogger;
}

/** Runs the agent on this machine with its enrolled identity. */
export async function runAgent(o: RunOptions): Promise<Agent> {
  const id = await loadIdentity(o.dir);
  if (!id) throw new Error(`no identity in ${o.dir}: run "outpost agent enroll" first`);
  const agent = createAgent({
    deviceId: id.deviceId,
    transport: () =>
      createMqttTransport({ url: o.mqttUrl ?? id.mqttUrl, deviceId: id.deviceId, keyPem: id.privateKeyPem, certPem: id.certPem, caPem: id.caPem }),
    queue: createFileQueue(join(o.dir, 'queue')),
    system: createLinuxSystem({ model: o.model, firmware: o.firmware, rebootCommand: o.rebootCommand }),
    clock: realClock,
    logger: o.logger,
    healthIntervalS: o.healthIntervalS,
    backoff: { baseMs: 1000, capMs: 60_000 },
  });
  agent.start();
  return agent;
}
