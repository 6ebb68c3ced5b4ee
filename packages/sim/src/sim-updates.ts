import { join } from 'node:path';
import { compileValidator, SignedRoot } from '@outpost/protocol';
import {
  createAbInstaller,
  createUpdatesFeature,
  fileSink,
  hashOnlySink,
  type AgentFeature,
  type Installer,
} from '@outpost/agent';
import { createAgentSelfUpdate } from '@outpost/agent';
import { prng } from './sim-system.js';
import { createSimAgentReleases, simLaunch } from './sim-agent-releases.js';
import type { SimDeviceContext } from './sim-device-context.js';

export interface SimUpdateKnobs {
  /** Share of devices (percent) whose install fails, every time. */
  installFailurePct: number;
  /** Share of devices (percent) whose new firmware fails the post-reboot health check. */
  healthFailurePct: number;
  /** Keep downloads and slot images on disk (the default only hashes them: a fleet would fill the disk). */
  keepImages?: boolean;
  maxBytesPerSec?: number;
  downloadBackoffMs?: number;
  /** Agent versions that exit at start on every device (a broken agent release, rolled back by the launcher's rule). */
  brokenAgentVersions?: string[];
  /** Agent versions that start and connect but fail their health check (the agent rolls itself back). */
  unhealthyAgentVersions?: string[];
}

// The simulator's failure injection; a worker process reads it from its environment.
export const simUpdateKnobs: SimUpdateKnobs = {
  installFailurePct: Number(process.env.OUTPOST_SIM_INSTALL_FAILURE_PCT ?? 0),
  healthFailurePct: Number(process.env.OUTPOST_SIM_HEALTH_FAILURE_PCT ?? 0),
  brokenAgentVersions: (process.env.OUTPOST_SIM_BROKEN_AGENT_VERSIONS ?? '').split(',').filter(Boolean),
};

/** Which faults a device is programmed with: deterministic per device index, so a test can predict them. */
export function simUpdateFaults(index: number, knobs: SimUpdateKnobs = simUpdateKnobs) {
  return {
    failInstall: prng(index * 7 + 11)() * 100 < knobs.installFailurePct,
    failHealth: prng(index * 13 + 17)() * 100 < knobs.healthFailurePct,
  };
}

const validRoot = compileValidator(SignedRoot);

/** The real updates feature on a simulated A/B device, with injected install and health-check failures. */
export function simUpdatesFeature(d: SimDeviceContext, knobs: SimUpdateKnobs = simUpdateKnobs): AgentFeature {
  if (!d.dir || !d.tls || !d.reboot) return { name: 'updates' };
  const faults = simUpdateFaults(d.index, knobs);
  const dir = join(d.dir, 'updates');
  const ab = createAbInstaller({
    dir,
    initialVersion: d.profile.firmware,
    keepImages: knobs.keepImages,
    durable: false,
  });
  const installer: Installer = {
    ...ab,
    async install(image, m, jobId) {
      if (faults.failInstall) throw new Error('simulated install failure: writing the inactive slot failed');
      return ab.install(image, m, jobId);
    },
  };
  const root = d.updateRoot ? validRoot.check(d.updateRoot) : null;
  const releases = createSimAgentReleases(dir);
  const broken = new Set(knobs.brokenAgentVersions ?? []);
  const unhealthy = new Set(knobs.unhealthyAgentVersions ?? []);
  const reboot = d.reboot;
  const self = createAgentSelfUpdate({
    stateDir: d.dir,
    version: () => d.profile.agentVersion,
    releases,
    restart: reboot,
    durable: false,
  });
  const feature = createUpdatesFeature({
    dir,
    model: () => d.profile.model,
    installer,
    self,
    trustRoot: root?.ok ? root.value : null,
    tls: d.tls,
    reboot: d.reboot,
    healthCheck: async () => !faults.failHealth && !unhealthy.has(d.profile.agentVersion),
    sink: knobs.keepImages ? fileSink : () => hashOnlySink(),
    // The simulated system reports the profile's firmware in hello: the booted slot decides it.
    onBoot: (v) => {
      if (v !== 'unknown') d.profile.firmware = v;
    },
    maxBytesPerSec: knobs.maxBytesPerSec,
    durable: false,
    downloadBackoffMs: knobs.downloadBackoffMs ?? 200,
  });
  const stateDir = d.dir;
  return {
    ...feature,
    // Each start of the device goes through the launcher's rule first, as a real one's does.
    start(c) {
      d.profile.agentVersion = simLaunch(stateDir, releases, broken);
      return feature.start?.(c);
    },
  };
}
