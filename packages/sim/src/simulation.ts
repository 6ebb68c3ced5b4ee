import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  createAgent,
  createCertRenewalFeature,
  createMemoryQueue,
  createMqttTransportFactory,
  enrollDevice,
  loadIdentity,
  realClock,
  saveRenewedCredentials,
  saveTrustBundle,
  createTrustBundleFeature,
  DEFAULT_RENEWAL_POLICY,
  type RenewalPolicy,
  silentLogger,
  type Agent,
  type AgentFeature,
  type TransportFactory,
} from '@outpost/agent';
import { createSimSystem, prng, profileOf } from './sim-system.js';
import type { SimDeviceContext } from './sim-device-context.js';
import { defaultSimFeatures } from './sim-features.js';
import { simDataFeature } from './sim-data.js';
import { slowLinkTransport, type SlowLink } from './slow-link.js';
import { createScenarios, type Scenarios } from './sim-scenarios.js';
import type { SimDevice } from './sim-device.js';
import { cuttableTransport } from './link-cut.js';

export interface SimOptions {
  hubUrl: string;
  caFingerprint: string;
  /** Enrollment token with at least as many uses as devices still to enroll. */
  token?: string;
  /** Chooses a token per device (e.g. one per site, each carrying a `site` tag); wins over `token`. */
  tokenFor?: (profile: ReturnType<typeof profileOf>) => string;
  devices: number;
  /** Index of the first device, so several workers can share one fleet. */
  first?: number;
  /** Identities are cached here per hub CA, so a second run reuses them. */
  cacheDir: string;
  prefix?: string;
  healthIntervalS?: number;
  /** Chance per device per minute of a random link drop. */
  dropPerMinute?: number;
  /** Chance per device per hour of a reboot (link down a few seconds, new boot id). */
  rebootPerHour?: number;
  /** Share of devices on a slow link, and what that link is like. */
  slowLinks?: { share: number } & SlowLink;
  /** Spread the first connections over this many ms. */
  rampMs?: number;
  enrollConcurrency?: number;
  backoff?: { baseMs: number; capMs: number };
  mqttUrl?: string;
  onProgress?: (phase: 'enroll' | 'connect', done: number, total: number) => void;
  /** How long a simulated reboot keeps the device away (default 2–5 s). */
  rebootDelayMs?: number;
  /** Features each device runs; defaults to every registered simulator feature. */
  features?: (d: SimDeviceContext) => AgentFeature[];
  /** Each device also reports process data from its simulated water site (tank, pumps, flows). */
  processData?: boolean;
  /** Certificate renewal policy (share of the lifetime, jitter); false turns renewal off. */
  renewal?: Partial<RenewalPolicy> | false;
}

export interface Simulation {
  agents: Agent[];
  devices: SimDevice[];
  ids: string[];
  online(): number;
  scenarios: Scenarios;
  stop(opts?: { clean?: boolean }): Promise<void>;
}

async function pool<T>(items: T[], limit: number, fn: (t: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** Enrolls the devices that have no cached identity yet; returns the identity folder of the fleet. */
export async function enrollFleet(o: SimOptions): Promise<{ base: string; enrolled: number }> {
  const base = join(o.cacheDir, o.caFingerprint.slice(0, 16));
  mkdirSync(base, { recursive: true, mode: 0o700 });
  const indexes = fleetIndexes(o);
  const missing = indexes.filter((i) => !existsSync(join(base, idOf(o, i), 'identity.json')));
  if (missing.length && !o.token && !o.tokenFor)
    throw new Error(`${missing.length} simulated devices need enrolling: pass an enrollment token`);
  let enrolled = 0;
  await pool(missing, o.enrollConcurrency ?? 8, async (i) => {
    const token = o.tokenFor ? o.tokenFor(profileOf(i)) : o.token!;
    await enrollDevice({
      hubUrl: o.hubUrl,
      token,
      caFingerprint: o.caFingerprint,
      dir: join(base, idOf(o, i)),
      deviceId: idOf(o, i),
    });
    o.onProgress?.('enroll', ++enrolled, missing.length);
  });
  return { base, enrolled };
}

const fleetIndexes = (o: SimOptions) => Array.from({ length: o.devices }, (_, i) => i + (o.first ?? 1));
const idOf = (o: SimOptions, i: number) => `${o.prefix ?? 'sim'}-${String(i).padStart(5, '0')}`;

/** Enrolls (once) and runs N virtual devices, each the real agent core over its own mTLS connection. */
export async function startSimulation(o: SimOptions): Promise<Simulation> {
  const { base } = await enrollFleet(o);
  const first = o.first ?? 1;
  const indexes = fleetIndexes(o);
  const rand = prng(42 + first);
  const devices: SimDevice[] = [];
  for (const i of indexes) devices.push(await startDevice(o, join(base, idOf(o, i)), i, rand));
  const ramp = o.rampMs ?? Math.min(o.devices * 2, 20_000);
  devices.forEach((d, k) => realClock.setTimeout(() => d.agent.start(), (ramp * k) / Math.max(1, devices.length)));
  const scenarios = createScenarios(devices, rand, {
    dropPerMinute: o.dropPerMinute ?? 0,
    rebootPerHour: o.rebootPerHour ?? 0,
  });
  const agents = devices.map((d) => d.agent);
  return {
    agents,
    devices,
    ids: devices.map((d) => d.id),
    online: () => agents.filter((a) => a.state() === 'online').length,
    scenarios,
    async stop(opts) {
      scenarios.stop();
      await Promise.all(agents.map((a) => a.stop(opts)));
    },
  };
}

async function startDevice(o: SimOptions, dir: string, i: number, rand: () => number): Promise<SimDevice> {
  const id = await loadIdentity(dir);
  if (!id) throw new Error(`identity in ${dir} is unreadable`);
  const profile = profileOf(i);
  const mqtt = createMqttTransportFactory({
    url: o.mqttUrl ?? id.mqttUrl,
    deviceId: id.deviceId,
    keyPem: id.privateKeyPem,
    certPem: id.certPem,
    caPem: id.caPem,
  });
  let transport: TransportFactory = mqtt;
  if (o.slowLinks && prng(i * 101)() < o.slowLinks.share) transport = slowLinkTransport(transport, o.slowLinks);
  const link = cuttableTransport(transport);
  transport = link;
  // A simulated reboot: the agent went down cleanly; it comes back after a few seconds.
  const system = createSimSystem(profile, async () => {
    realClock.setTimeout(() => agent.start(), o.rebootDelayMs ?? 2000 + rand() * 3000);
  });
  const ctx: SimDeviceContext = {
    index: i,
    deviceId: id.deviceId,
    profile,
    random: prng(i * 17 + 3),
    tls: { keyPem: id.privateKeyPem, certPem: id.certPem, caPem: id.caPem },
    dir,
    updateRoot: id.updateRoot,
    reboot: async () => {
      await agent.stop({ clean: true });
      await system.reboot();
    },
  };
  const tls = ctx.tls!;
  const renewal =
    o.renewal === false
      ? undefined
      : createCertRenewalFeature({
          caPem: id.caPem,
          certPem: id.certPem,
          policy: { ...DEFAULT_RENEWAL_POLICY, ...o.renewal },
          random: prng(i * 29 + 11),
          store: (c) => saveRenewedCredentials(dir, c),
          switchTo: async (c) => {
            tls.keyPem = c.privateKeyPem;
            tls.certPem = c.certPem;
            mqtt.useCredentials({ keyPem: c.privateKeyPem, certPem: c.certPem });
            await agent.reconnect();
          },
        });
  const trust = createTrustBundleFeature({
    caPem: id.caPem,
    certPem: () => tls.certPem,
    store: (pem) => saveTrustBundle(dir, pem),
    apply: (pem) => {
      tls.caPem = pem;
      mqtt.useTrust(pem);
      renewal?.setTrust(pem);
    },
    renewSoon: (ms) => renewal?.renewSoon(ms),
  });
  const features = [
    ...(o.features ?? ((d) => defaultSimFeatures.map((f) => f(d))))(ctx),
    ...(o.processData ? [simDataFeature(ctx)] : []),
  ];
  const agent: Agent = createAgent({
    deviceId: id.deviceId,
    transport,
    queue: createMemoryQueue(1000),
    system,
    clock: realClock,
    logger: silentLogger,
    healthIntervalS: o.healthIntervalS ?? 30,
    backoff: o.backoff ?? { baseMs: 1000, capMs: 30_000 },
    random: prng(i * 13 + 5),
    agentVersion: () => profile.agentVersion,
    features: renewal ? [...features, renewal, trust] : [...features, trust],
  });
  return {
    id: id.deviceId,
    index: i,
    site: profile.site,
    agent,
    trust,
    cutLink: (ms) => link.cut(ms),
    restoreLink: () => link.restore(),
    ...(renewal ? { renewal } : {}),
  };
}
