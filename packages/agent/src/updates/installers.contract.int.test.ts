import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installerContract } from './installer.contract.js';
import { imageIn } from './installers.contract.fixture.js';
import { createScriptInstaller } from './script.installer.js';

// The external update tool is `true`: it accepts every image and order. Without a version command
// the script installer's own record of what it armed stands in for the tool's report after a reboot.
installerContract({
  name: 'script',
  async open(initialVersion) {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-script-installer-'));
    return {
      start: () =>
        createScriptInstaller({
          dir,
          initialVersion,
          install: ['true'],
          commit: ['true'],
          rollback: ['true'],
          revert: ['true'],
          timeoutMs: 10_000,
        }),
      image: (m) => imageIn(dir, m),
      close: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
});
