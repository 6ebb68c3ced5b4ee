import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAbInstaller } from './ab.installer.js';
import { installerContract } from './installer.contract.js';
import { imageIn } from './installers.contract.fixture.js';

installerContract({
  name: 'simulated A/B',
  async open(initialVersion) {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-ab-'));
    return {
      start: () => createAbInstaller({ dir: join(dir, 'ab'), initialVersion, keepImages: true, durable: false }),
      image: (m) => imageIn(dir, m),
      close: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
});
