import type { Command } from 'commander';
import type { RunUpdatesOptions } from '@outpost/agent';

export interface UpdateAgentFlags {
  updateInstaller?: string;
  updateInstallCmd?: string[];
  updateCommitCmd?: string[];
  updateRollbackCmd?: string[];
  updateVersionCmd?: string[];
  updateHealthCmd?: string[];
  updateMaxRate?: number;
  updates?: boolean;
}

/** `outpost agent run` flags for secure updates: which installer, and the external tool's commands. */
export function addUpdateAgentOptions(cmd: Command): Command {
  return cmd
    .option(
      '--update-installer <kind>',
      'ab-simulated (two image files in <dir>/updates) or script (RAUC, SWUpdate, a vendor tool)',
      'ab-simulated',
    )
    .option('--update-install-cmd <cmd...>', 'installs an image; its path is appended (e.g. rauc install)')
    .option(
      '--update-commit-cmd <cmd...>',
      'marks the running slot good after the health check (e.g. rauc status mark-good)',
    )
    .option('--update-rollback-cmd <cmd...>', 'marks the trial slot bad (e.g. rauc status mark-bad)')
    .option('--update-version-cmd <cmd...>', 'prints the running firmware version')
    .option('--update-health-cmd <cmd...>', 'exit 0 when the device is healthy after an update')
    .option('--update-max-rate <bytesPerSec>', 'download bandwidth cap', (v) => Number(v))
    .option('--no-updates', 'do not take update jobs');
}

export function updatesFromFlags(o: UpdateAgentFlags): RunUpdatesOptions | false {
  if (o.updates === false) return false;
  return {
    installer: o.updateInstaller === 'script' ? 'script' : 'ab-simulated',
    installCommand: o.updateInstallCmd,
    commitCommand: o.updateCommitCmd,
    rollbackCommand: o.updateRollbackCmd,
    versionCommand: o.updateVersionCmd,
    healthCommand: o.updateHealthCmd,
    maxBytesPerSec: o.updateMaxRate,
  };
}
