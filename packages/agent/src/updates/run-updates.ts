import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { compileValidator, SignedRoot } from '@outpost/protocol';
import type { SystemPort } from '../core/ports.js';
import type { Identity } from '../identity/identity.store.js';
import { createAbInstaller } from './ab.installer.js';
import { createScriptInstaller } from './script.installer.js';
import { createUpdatesFeature } from './updates.feature.js';
import { createAgentSelfUpdate } from './agent-self-update.js';
import { createAgentReleaseDirs } from './agent-release-dirs.js';

export interface RunUpdatesOptions {
  /** `ab-simulated` keeps two image files in the agent directory; `script` hands images to a tool. */
  installer?: 'ab-simulated' | 'script';
  installCommand?: string[];
  commitCommand?: string[];
  rollbackCommand?: string[];
  revertCommand?: string[];
  versionCommand?: string[];
  /** Exit 0 = healthy; run after the reboot, before the new firmware is committed. */
  healthCommand?: string[];
  maxBytesPerSec?: number;
}

const validRoot = compileValidator(SignedRoot);

function exitsZero(cmd: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const c = spawn(cmd[0], cmd.slice(1), { stdio: 'ignore', timeout: 120_000 });
    c.on('error', () => resolve(false));
    c.on('close', (code) => resolve(code === 0));
  });
}

/** The updates feature for a real device, and the system port that reports the version that booted. */
export function createRunUpdates(o: {
  dir: string;
  identity: Identity;
  model: string;
  firmware: string;
  options: RunUpdatesOptions;
  reboot(): Promise<void>;
  /** Self-update: where the agent's versions live (set by the installed launcher), its version, and how it restarts. */
  self?: { lib: string; version: string; restart(): Promise<void> };
  /** The device's TLS credentials for downloads, read at each download (renewal replaces them in place). */
  tls?: { keyPem: string; certPem: string; caPem: string };
}) {
  const dir = join(o.dir, 'updates');
  const u = o.options;
  if (u.installer === 'script' && !u.installCommand?.length)
    throw new Error('the script installer needs an install command (--update-install-cmd)');
  const installer =
    u.installer === 'script'
      ? createScriptInstaller({
          dir,
          install: u.installCommand!,
          commit: u.commitCommand,
          rollback: u.rollbackCommand,
          revert: u.revertCommand,
          version: u.versionCommand,
          initialVersion: o.firmware,
        })
      : createAbInstaller({ dir, initialVersion: o.firmware, keepImages: true });
  const root = o.identity.updateRoot ? validRoot.check(o.identity.updateRoot) : null;
  const feature = createUpdatesFeature({
    dir,
    model: () => o.model,
    installer,
    self: o.self
      ? createAgentSelfUpdate({
          stateDir: o.dir,
          version: () => o.self!.version,
          releases: createAgentReleaseDirs({ lib: o.self.lib }),
          restart: o.self.restart,
        })
      : undefined,
    trustRoot: root?.ok ? root.value : null,
    tls: o.tls ?? { keyPem: o.identity.privateKeyPem, certPem: o.identity.certPem, caPem: o.identity.caPem },
    reboot: o.reboot,
    healthCheck: u.healthCommand?.length ? () => exitsZero(u.healthCommand!) : undefined,
    maxBytesPerSec: u.maxBytesPerSec,
  });
  return {
    feature,
    system: (base: SystemPort): SystemPort => ({
      ...base,
      info: () => {
        const info = base.info();
        const v = feature.firmware();
        return v && v !== 'unknown' ? { ...info, firmware: v } : info;
      },
    }),
  };
}
