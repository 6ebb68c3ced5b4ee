// Images on disk for the Installer contract runs.
import { createHash } from 'node:crypto';
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ManifestBody } from '@outpost/protocol';
import type { ImageSource } from './installer.port.js';

/** Writes a small image for the manifest into `dir` and describes it as the downloader would. */
export function imageIn(dir: string, m: ManifestBody): ImageSource {
  const content = Buffer.from(`${m.kind} ${m.name} ${m.version}\n`);
  const path = join(dir, `${m.name}-${m.version}.img`);
  writeFileSync(path, content);
  return {
    path,
    open: () => createReadStream(path),
    length: content.length,
    sha256: createHash('sha256').update(content).digest('hex'),
  };
}
