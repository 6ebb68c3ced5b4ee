import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createAgent, createMemoryQueue, createMqttTransport, enrollDevice, loadIdentity, realClock, silentLogger, type Agent } from '@outpost/agent';
import { createSimSystem, prng, profileOf } from './sim-system.js';
import { defaultSimFeatures, type SimDeviceContext } from './sim-features.js';
import type { AgentFeature } from '@outpost/agent';

export interface SimOptions {
  hubUrl: string;
  caFingerprint: string;
  /** Enrollment token with at least as many uses as devices still to enroll. */
  token?: string;
  devices: number;
  /** Identities are cached here per hub CA, so a second run reuses them. */
  cacheDir: string;
  prefix?: string;
  healthIntervalS?: number;
  /** Chance per device per minute of a random link drop. */
  dropPerMinute?: number;
  /** Spread the first connections over this many ms. */
  rampMs?: number;
  enrollConcurrency?: number;
  backoff?: { baseMs: number; capMs: number };
  mqttUrl?: string;
  onProgress?: (phase: 'enroll' | 'connect', done: number, total: number) => void;
  /** Features each device runs; defaults to every registered simulator feature. */
  features?: (d: SimDeviceContext) => AgentFeature[];
}

export interface Simulation {
  agents: Agent[];
  ids: string[];
  online(): number;
  stop(opts?: { clean?: boolean }): Promise<void>;
}

async function pool<T>(items: T[], limit: number, fn: (t: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

/** Enrolls (once) and runs N virtual devices, each the real agent core over its own mTLS connection. */
export async function startSimulation(o: SimOptions): Promise<Simulation> {
  const prefix = o.prefix ?? 'sim';
  const base = join(o.cacheDir, o.caFingerprint.slice(0, 16));
  mkdirSync(base, { recursive: true, mode: 0o700 });
  const indexes = Array.from({ length: o.devices }, (_, i) => i + 1);
  const idOf = (i: number) => `${prefix}-${String(i).padStart(5, '0')}`;
  const missing = indexes.filter((i) => !existsSync(join(base, idOf(i), 'identity.json')));
  if (missing.length && !o.token) throw new Error(`${missing.length} simulated devices need enrolling: pass an enrollment token`);
  let enrolled = 0;
  await pool(missing, o.enrollConcurrency ?? 8, async (i) => {
    await enrollDevice({ hubUrl: o.hubUrl, token: o.token!, caFingerprint: o.caFingerprint, dir: join(base, idOf(i)), deviceId: idOf(i) });
    o.onProgress?.('enroll', ++enrolled, missing.length);
  });

  const agents: Agent[] = [];
  const rand = prng(42);
  for (const i of indexes) {
    const id = await loadIdentity(join(base, idOf(i)));
    if (!id) throw new Error(`identity of ${idOf(i)} is unreadable`);
    const profile = profileOf(i);
    // A simulated reboot: the agent went down cleanly; it comes back after a few seconds.
    const system = createSimSystem(profile, async () => {
      realClock.setTimeout(() => agent.start(), 2000 + rand() * 3000);
    });
    const agent: Agent = createAgent({
      deviceId: id.deviceId,
      transport: () => createMqttTransport({ url: o.mqttUrl ?? id.mqttUrl, deviceId: id.deviceId, keyPem: id.privateKeyPem, certPem: id.certPem, caPem: id.caPem }),
      queue: createMemoryQueue(1000),
      system,
      clock: realClock,
      logger: silentLogger,
      healthIntervalS: o.healthIntervalS ?? 30,
      backoff: o.backoff ?? { baseMs: 1000, capMs: 30_000 },
      random: prng(i * 13 + 5),
      features: (o.features ?? ((d) => defaultSimFeatures.map((f) => f(d))))({ index: i, deviceId: id.deviceId, profile, random: prng(i * 17 + 3) }),
    });
    agents.push(agent);
  }
  const ramp = o.rampMs ?? Math.min(o.devices * 2, 20_000);
  agents.forEach((a, k) => realClock.setTimeout(() => a.start(), (ramp * k) / Math.max(1, agents.length)));

  let flaky: NodeJS.Timeout | null = null;
  if (o.dropPerMinute && o.dropPerMinute > 0) {
    flaky = setInterval(() => {
      for (const a of agents) if (a.state() === 'online' && rand() < o.dropPerMinute! / 12) void a.dropLink();
    }, 5000);
    flaky.unref();
  }
  return {
    agents,
    ids: indexes.map(idOf),
    online: () => agents.filter((a) => a.state() === 'online').length,
    async stop(opts) {
      if (flaky) clearInterval(flaky);
      await Promise.all(agents.map((a) => a.stop(opts)));
    },
  };
}
